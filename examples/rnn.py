# A forward pass in numpy: selecting code is not a sentence (stepping through code comes later).
import numpy as np

def forward(xs, w_h, w_i, w_o, h0):
    h = h0
    for x in xs:
        h = np.maximum(w_h * h + w_i * x, 0)
    return w_o * h
