# gradient-lens corpus: the scalar ReLU RNN with an off-by-one in time in dw_h.
import numpy as np

w_h = 0.5
w_i = 0.8
w_o = 1.2
h0 = 0.3
x = [1.0, -0.5, 0.7, 0.2, 0.9]


def relu(a):
    return np.maximum(0, a)


def forward(x, w_h, w_i, w_o, h0):
    hs = [h0]
    pre = []
    for t in range(len(x)):
        a = w_h * hs[t] + w_i * x[t]
        pre.append(a)
        hs.append(relu(a))
    z = w_o * hs[-1]
    p = 1 / (1 + np.exp(-z))
    loss = -np.log(p)
    return loss, hs, pre, p


def backward(hs, pre, p, x, w_h, w_i, w_o):
    dz = p - 1
    dw_o = dz * hs[-1]
    dh = dz * w_o
    dw_h = 0.0
    dw_i = 0.0
    for t in reversed(range(len(x))):
        da = dh * (pre[t] > 0)
        dw_h += da * hs[t + 1]  # BUG(w_h): h_t instead of h_{t-1} (off by one in time)
        dw_i += da * x[t]
        dh = da * w_h
    return dw_h, dw_i, dw_o, dh


loss, hs, pre, p = forward(x, w_h, w_i, w_o, h0)
dw_h, dw_i, dw_o, dh0 = backward(hs, pre, p, x, w_h, w_i, w_o)
