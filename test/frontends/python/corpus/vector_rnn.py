# gradient-lens corpus: a vector tanh RNN classifier, forward and backward functions, gradients in a dict, correct.
import numpy as np

np.random.seed(7)
H, D, T = 3, 2, 6
label = 1
W_h = np.random.randn(H, H) * 0.5
W_i = np.random.randn(H, D) * 0.5
W_o = np.random.randn(H) * 0.5
h0 = np.random.randn(H) * 0.1
X = np.random.randn(T, D)


def forward(W_h, W_i, W_o, h0, X):
    hs = [h0]
    for t in range(len(X)):
        a = W_h @ hs[-1] + W_i @ X[t]
        hs.append(np.tanh(a))
    z = W_o @ hs[-1]
    p = 1 / (1 + np.exp(-z))
    loss = -np.log(p) if label == 1 else -np.log(1 - p)
    return loss, hs, p


def backward(hs, p, W_h, W_i, W_o, X):
    grads = {}
    dz = p - label
    grads['W_o'] = dz * hs[-1]
    dh = dz * W_o
    grads['W_h'] = np.zeros_like(W_h)
    grads['W_i'] = np.zeros_like(W_i)
    for t in reversed(range(len(X))):
        da = dh * (1 - hs[t + 1] ** 2)
        grads['W_h'] += np.outer(da, hs[t])
        grads['W_i'] += np.outer(da, X[t])
        dh = W_h.T @ da
    grads['h0'] = dh
    return grads


loss, hs, p = forward(W_h, W_i, W_o, h0, X)
grads = backward(hs, p, W_h, W_i, W_o, X)
