# gradient-lens corpus: one scaled dot-product attention layer (queries, keys, values) and a logistic head; forward only.
import numpy as np
import math

np.random.seed(5)
n, d = 4, 3
X = np.random.randn(n, d)
W_q = np.random.randn(d, d) * 0.5
W_k = np.random.randn(d, d) * 0.5
W_v = np.random.randn(d, d) * 0.5
w_o = np.random.randn(d)


def softmax_rows(S):
    E = np.exp(S - np.max(S, axis=1, keepdims=True))
    return E / np.sum(E, axis=1, keepdims=True)


Q = X @ W_q
K = X @ W_k
V = X @ W_v
A = softmax_rows(Q @ K.T / math.sqrt(d))
out = A @ V
z = np.dot(w_o, out[-1])
p = 1 / (1 + np.exp(-z))
loss = -np.log(p)
