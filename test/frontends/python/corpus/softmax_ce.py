# gradient-lens corpus: softmax cross-entropy of a linear classifier with a hand-written gradient, correct.
import numpy as np

np.random.seed(3)
W = np.random.randn(4, 3) * 0.5
b = np.zeros(4)
x = np.random.randn(3)
y = 2


def softmax(z):
    e = np.exp(z - np.max(z))
    return e / np.sum(e)


z = W @ x + b
p = softmax(z)
loss = -np.log(p[y])

dz = np.copy(p)
dz[y] -= 1
dW = np.outer(dz, x)
db = dz
dx = W.T @ dz
