"""Homework 4: the gradient of a two-token attention weight.

Token 1 attends to tokens 1 and 2 with scores s = q . k (scalars here, as in the lecture's RNN).
"""
import numpy as np

# s11 = q1*k1
# s12 = q1*k2
# D = exp(s11) + exp(s12)
# a11 = exp(s11)/D
# a12 = exp(s12)/D   (the attention weight of token 2)


def attention_weight(q1, k1, k2):
    s11 = q1 * k1  # code lines are not claims: dL = 0 here
    s12 = q1 * k2
    grad = np.exp(s12) / (np.exp(s11) + np.exp(s12))
    return grad  # returns da12/ds12 * 0 + a12


# expect: correct
# check: da12/ds12 = a12*(1 - a12)
# expect: correct
# check: da12/ds11 = -a11*a12
# expect: correct
# check: da12/dq1 = a12*(k2 - a11*k1 - a12*k2)
# expect: correct
# da12/dq1 = a11 a12 (k2 - k1)
# expect: correct
# check: da12/dk2 = q1 * a12 * a11
# expect: correct
# check: da11/dk1 = q1 * exp(s11 + s12) / D**2
# expect: treated-as-constant
# check: da12/dq1 = a12 * k2
# expect: missing-sum-term
# check: da12/ds12 = a12
# expect: sign-error
# check: da12/ds11 = a11*a12
# expect: missing-chain-factor
# check: da12/dk2 = a12*(1 - a12)
# expect: correct
# check: da12/dq1 = a12*(1 - a12)*(k2 - k1)
# expect: counterexample
# check: da12/dq1 = a12*(1 - a12)*(k2 + k1)

# With two-dimensional queries and keys the score is a dot product:
# t12 = u1*v1 + u2*v2
# t11 = u1*w1 + u2*w2
# b12 = exp(t12)/(exp(t11) + exp(t12))
# expect: correct
# check: db12/du2 = b12*(1 - b12)*(v2 - w2)
# expect: missing-chain-factor
# check: db12/du2 = b12*(1 - b12)
