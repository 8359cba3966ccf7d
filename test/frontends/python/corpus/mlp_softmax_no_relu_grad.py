# gradient-lens corpus: a two-layer ReLU network with softmax cross-entropy whose backward pass forgets relu'.
import numpy as np

np.random.seed(11)
W1 = np.random.randn(5, 3) * 0.8
b1 = np.random.randn(5) * 0.5
W2 = np.random.randn(4, 5) * 0.5
b2 = np.zeros(4)
x = np.random.randn(3)
y = 1


def relu(a):
    return np.maximum(0, a)


def softmax(z):
    e = np.exp(z - np.max(z))
    return e / np.sum(e)


a = W1 @ x + b1
h = relu(a)
z = W2 @ h + b2
p = softmax(z)
loss = -np.log(p[y])

dz = np.copy(p)
dz[y] -= 1
dW2 = np.outer(dz, h)
db2 = dz
dh = W2.T @ dz
da = dh  # BUG(W1, b1): forgets relu'(a), the mask (a > 0)
dW1 = np.outer(da, x)
db1 = da
