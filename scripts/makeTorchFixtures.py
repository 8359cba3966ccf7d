"""Regenerate fixtures/torch/*.json: PyTorch (float64) reference values and gradients for the RNN (BPTT)
and attention models, so Gradient Lens's TypeScript autodiff is checked against an independent engine.
Run from the repo root: /usr/bin/python3 scripts/makeTorchFixtures.py"""
import json, math, pathlib
import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
torch.set_num_threads(1)
OUT = pathlib.Path(__file__).resolve().parent.parent / "fixtures" / "torch"


def randn(gen, *shape, scale=0.5):
    return (torch.randn(*shape, generator=gen) * scale).tolist()


def leaves(model, keys):
    return {k: torch.tensor(model[k], requires_grad=True) for k in keys if k in model}


def head(z, label):
    """Stable binary cross-entropy on the logit: -log p (label 1) or -log(1-p) (label 0)."""
    return -F.logsigmoid(z if label else -z), torch.sigmoid(z)


def write(kind, name, description, model, expected):
    obj = {"name": name, "kind": kind, "description": description, "model": model, "expected": expected}
    lines = [f" {json.dumps(k)}: {json.dumps(v, allow_nan=False)}" for k, v in obj.items()]  # rejects NaN/inf
    (OUT / f"{kind}_{name}.json").write_text("{\n" + ",\n".join(lines) + "\n}\n")
    print(f"{kind}_{name}.json  loss={expected['loss']!r}")
    return expected


def rnn(name, description, cell, W_h, W_i, W_o, h0, x, label, b=None):
    model = {"cell": cell, "W_h": W_h, "W_i": W_i, "W_o": W_o, "h0": h0, **({} if b is None else {"b": b}),
             "x": x, "label": label}
    P = leaves(model, ["W_h", "W_i", "W_o", "h0", "b", "x"])
    mul = torch.mul if P["h0"].dim() == 0 else torch.mv  # scalar RNN vs matrix-vector RNN
    act = torch.relu if cell == "relu" else torch.tanh
    hs, As = [P["h0"]], []
    for t in range(len(x)):
        a = mul(P["W_h"], hs[-1]) + mul(P["W_i"], P["x"][t]) + (P["b"] if "b" in P else 0)
        h = act(a)
        h.retain_grad()
        As.append(a)
        hs.append(h)
    z = (P["W_o"] * hs[-1]).sum()
    L, p = head(z, label)
    L.backward()
    return write("rnn", name, description, model, {
        "loss": L.item(), "p": p.item(), "z": z.item(), "grads": {k: v.grad.tolist() for k, v in P.items()},
        "dL_dh": [h.grad.tolist() for h in hs], "a": [a.tolist() for a in As], "h": [h.tolist() for h in hs]})


def attention(name, description, variant, X, w_o, label, layers=1, causal=False, W=None):
    model = {"variant": variant, "layers": layers, "X": X, **(W or {}), "w_o": w_o, "label": label,
             **({"causal": True} if causal else {})}
    P = leaves(model, ["X", "W_q", "W_k", "W_v", "w_o"])
    Xl, (n, d) = P["X"], P["X"].shape
    As, outs = [], []
    for l in range(layers):
        Q, K, V = (Xl @ P["W_q"][l], Xl @ P["W_k"][l], Xl @ P["W_v"][l]) if variant == "qkv" else (Xl, Xl, Xl)
        S = Q @ K.T / (1.0 if variant == "free" else math.sqrt(d))
        if causal:
            S = S.masked_fill(torch.ones(n, n).triu(1).bool(), -math.inf)
        A = torch.softmax(S, dim=1)
        Xl = A @ V
        As.append(A)
        outs.append(Xl)
    z = P["w_o"] @ Xl[-1]
    L, p = head(z, label)
    L.backward()
    # modest magnitudes: no row is (nearly) one-hot, except the forced first row of a causal mask
    assert all(A[1 if causal else 0:].max() < 0.95 for A in As), name
    return write("attention", name, description, model, {
        "loss": L.item(), "p": p.item(), "z": z.item(), "grads": {k: v.grad.tolist() for k, v in P.items()},
        "attention": [A.tolist() for A in As], "outputs": [O.tolist() for O in outs]})


def rnn_cases():
    llama, red, pajama = 0.8, -0.3, 0.5
    lecture = dict(cell="relu", W_h=0.5, W_i=1.0, h0=0.2, x=[llama, llama, red, pajama])
    e = rnn("scalar_relu_lecture", "Lecture scalar ReLU RNN on 'llama llama red pajama' (llama=0.8, red=-0.3, "
            "pajama=0.5), happy label, every pre-activation positive.", W_o=1.5, label=1, **lecture)
    assert all(a > 0 for a in e["a"])

    e = rnn("scalar_relu_dead", "Scalar ReLU RNN whose third pre-activation is negative, so the gradient is "
            "cut off: dL/dh_k = 0 for k < 3.", "relu", 0.5, 1.0, 1.5, 0.2, [0.6, 0.4, -1.2, 0.7, 0.3, 0.9], 1)
    assert e["a"][2] < 0 and all(g == 0 for g in e["dL_dh"][:3]) and all(g != 0 for g in e["dL_dh"][3:])

    g = torch.Generator().manual_seed(3)
    rnn("scalar_tanh_long", "Scalar tanh RNN over T=200 random inputs (w_h=0.9), sad label: long BPTT with "
        "vanishing gradients.", "tanh", 0.9, 0.7, 2.0, 0.1, randn(g, 200, scale=1.0), 0)

    for label, suffix, mood in [(0, "", "sad label: loss ~ z"), (1, "_happy", "happy label: loss ~ 0")]:
        e = rnn("scalar_relu_saturated" + suffix, f"Lecture scalar ReLU RNN with w_o=500 so the logit z > 300 "
                f"and p rounds to 1; {mood}, must stay finite (stable softplus).", W_o=500.0, label=label, **lecture)
        assert e["z"] > 300 and math.isfinite(e["loss"]) and e["p"] == 1.0

    g = torch.Generator().manual_seed(13)  # seed chosen so some units are dead but the gradient reaches h0
    e = rnn("vector_relu_bias", "Vector ReLU RNN, H=4, D=3, T=10, with bias, happy label; a mix of live and dead "
            "units, gradient flows back to h0.", "relu", randn(g, 4, 4), randn(g, 4, 3), randn(g, 4), randn(g, 4),
            randn(g, 10, 3), 1, b=randn(g, 4))
    assert any(v < 0 for a in e["a"] for v in a) and all(v != 0 for v in e["dL_dh"][0])

    g = torch.Generator().manual_seed(6)
    rnn("vector_tanh_no_bias", "Vector tanh RNN, H=8, D=5, T=50, no bias, sad label.", "tanh", randn(g, 8, 8),
        randn(g, 8, 5), randn(g, 8), randn(g, 8), randn(g, 50, 5), 0)

    g = torch.Generator().manual_seed(7)
    rnn("vector_tanh_long", "Vector tanh RNN, H=3, D=2, T=200, happy label: long BPTT.", "tanh", randn(g, 3, 3),
        randn(g, 3, 2), randn(g, 3), randn(g, 3), randn(g, 200, 2), 1)

    g = torch.Generator().manual_seed(8)
    W_i = torch.tensor(randn(g, 3, 2))
    W_i[:, 0] = W_i[:, 0].abs() + 0.3  # x_4 = [-4, 0] then drives every unit of a_4 negative
    x = randn(g, 8, 2)
    x[3] = [-4.0, 0.0]
    e = rnn("vector_relu_dead", "Vector ReLU RNN, H=3, D=2, T=8, where every hidden unit is dead at step 4, so "
            "dL/dh_k = 0 for k < 4.", "relu", randn(g, 3, 3), W_i.tolist(), randn(g, 3), randn(g, 3), x, 1)
    assert all(v < 0 for v in e["a"][3]) and all(v == 0 for gk in e["dL_dh"][:4] for v in gk)
    assert any(v != 0 for v in e["dL_dh"][4]) and e["z"] != 0


def attention_cases():
    llama, red, pajama = [0.5, -0.2, 0.3], [-0.4, 0.6, 0.1], [0.2, 0.3, -0.5]
    sentence = dict(X=[llama, llama, red, pajama], w_o=[0.7, -0.4, 0.9])
    attention("free_k1", "One free (unscaled X X^T) attention layer on 'llama llama red pajama' (rows 0 and 1 "
              "identical), happy label.", "free", label=1, **sentence)
    attention("scaled_k1", "One scaled (X X^T / sqrt(d)) attention layer on 'llama llama red pajama', sad label.",
              "scaled", label=0, **sentence)
    for seed, (variant, K, label, n, d, causal) in enumerate([
            ("free", 3, 0, 5, 4, False), ("scaled", 3, 1, 5, 4, False), ("qkv", 1, 1, 5, 4, False),
            ("qkv", 3, 0, 5, 4, False), ("qkv", 2, 1, 4, 3, True), ("scaled", 2, 0, 4, 3, True)], start=20):
        g = torch.Generator().manual_seed(seed)
        W = {w: randn(g, K, d, d) for w in ("W_q", "W_k", "W_v")} if variant == "qkv" else None
        name = f"{variant}_k{K}" + ("_causal" if causal else "")
        attention(name, f"{K} stacked {variant} attention layer(s), n={n}, d={d}, seeded random inputs"
                  + (", causal mask" if causal else "") + f", {'happy' if label else 'sad'} label.",
                  variant, randn(g, n, d), randn(g, d), label, layers=K, causal=causal, W=W)


if __name__ == "__main__":
    print("torch", torch.__version__)
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("*.json"):
        old.unlink()
    rnn_cases()
    attention_cases()
