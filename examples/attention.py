# One scaled dot-product attention layer over 4 tokens (d = 4), with a loss.
# Select the forward pass (the seven lines from Q to the loss) and run
# "Gradient Lens: Inspect Attention": the panel shows S, A = softmax(S) and their gradients.
import numpy as np

np.random.seed(0)
d = 4
X = np.random.randn(4, d)  # one row per token, e.g. "llama llama red pajama"
W_q = np.random.randn(d, d) * 0.5
W_k = np.random.randn(d, d) * 0.5
W_v = np.random.randn(d, d) * 0.5
target = np.array([[1.0, 0.0, 0.0, 0.0], [0.0, 1.0, 0.0, 0.0], [0.0, 0.0, 1.0, 0.0], [0.0, 0.0, 0.0, 1.0]])


def softmax(x):
    e = np.exp(x - np.max(x, axis=-1, keepdims=True))
    return e / np.sum(e, axis=-1, keepdims=True)


Q = X @ W_q
K = X @ W_k
V = X @ W_v
S = Q @ K.T / np.sqrt(d)
A = softmax(S)
out = A @ V
loss = np.mean((out - target) ** 2)
