# The lecture's scalar RNN in numpy. Select the forward pass (from "h = h0" to "loss = ...") and run
# "Gradient Lens: Step Through BPTT": the backward pass goes back one statement at a time, and the
# editor lights up the statement whose gradient is being computed.
import numpy as np

w_h = 0.5
w_i = 0.8
w_o = 1.2
h0 = 0.3
xs = [1.0, -0.5, 0.7, 0.2]

h = h0
for x in xs:
    h = np.maximum(w_h * h + w_i * x, 0)
z = w_o * h
p = 1 / (1 + np.exp(-z))
loss = -np.log(p)
