# The torch column: W1-W3 in PyTorch float64 on one thread with autograd (loss.backward()), as a
# peer process the bench times in turn with its own columns (timing.ts). One JSON request per line
# on stdin, one JSON answer per line on stdout:
#   {"op": "info"}                 -> {"version", "threads", "blas"}
#   {"op": "load", "case": {...}}  -> {"loss", "grads", "first_ms"}: the case's inputs, run once
#   {"op": "warm", "ms": M}        -> {"ms_per_call"}: calls the loaded case for M ms (at least once)
#   {"op": "sample", "batch": N}   -> {"ms"}: N calls of the loaded case, timed here
# Errors answer {"error": "..."}; end of stdin ends the process.
import json
import os
import subprocess
import sys
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

torch.set_num_threads(1)
F64 = torch.float64


def leaf(values, shape=None):
    t = torch.tensor(values, dtype=F64)
    if shape is not None:
        t = t.reshape(shape)
    return t.requires_grad_()


def w1(c):
    T = c["T"]
    wh, wi, wo, h0 = (leaf(c[k]) for k in ("wh", "wi", "wo", "h0"))
    xs = [torch.tensor(v, dtype=F64) for v in c["x"]]
    named = {"wh": wh, "wi": wi, "wo": wo, "h0": h0}

    def loss():
        h = h0
        for t in range(T):
            h = torch.relu(wh * h + wi * xs[t])
        return F.softplus(-(wo * h))

    return named, loss


def w2(c):
    H, T = c["H"], c["T"]
    Wh, Wi = leaf(c["Wh"], (H, H)), leaf(c["Wi"], (H, H))
    wo, h0 = leaf(c["wo"]), leaf(c["h0"])
    xs = [leaf(c["X"][t * H:(t + 1) * H]) for t in range(T)]
    named = {"Wh": Wh, "Wi": Wi, "wo": wo, "h0": h0, "x1": xs[0]}
    params = [Wh, Wi, wo, h0] + xs

    def loss():
        h = h0
        for t in range(T):
            h = torch.tanh(torch.mv(Wh, h) + torch.mv(Wi, xs[t]))
        return F.softplus(-torch.dot(wo, h))

    return named, loss, params


def w3(c):
    n, d = c["n"], c["d"]
    X = leaf(c["X"], (n, d))
    layers = [tuple(leaf(l[k], (d, d)) for k in ("Wq", "Wk", "Wv")) for l in c["layers"]]
    wo = leaf(c["wo"])
    scale = 1 / d ** 0.5
    named = {"X": X, "Wq1": layers[0][0], "Wv2": layers[1][2], "wo": wo}
    params = [X, wo] + [w for l in layers for w in l]

    def loss():
        x = X
        for Wq, Wk, Wv in layers:
            q, k, v = x @ Wq, x @ Wk, x @ Wv
            x = torch.softmax((q @ k.T) * scale, dim=-1) @ v
        return F.softplus(-torch.dot(wo, x[n - 1]))

    return named, loss, params


def build(c):
    if c["kind"] == "W1":
        named, loss = w1(c)
        return named, loss, list(named.values())
    return (w2 if c["kind"] == "W2" else w3)(c)


def blas_info():
    """Which BLAS the process really loaded (Debian's libblas.so.3 is an alternatives link)."""
    a = torch.ones(64, 64, dtype=F64)
    (a @ a).sum().item()
    libs = set()
    with open("/proc/self/maps") as f:
        for line in f:
            p = line.split()[-1]
            if "blas" in os.path.basename(p).lower() or "lapack" in os.path.basename(p).lower():
                libs.add(os.path.realpath(p))
    try:
        st = subprocess.run(["dpkg-query", "-W", "-f=${Status}", "libopenblas0-pthread"], capture_output=True, text=True).stdout
    except OSError:
        st = ""
    cfg = torch.__config__.show()
    blas_cfg = next((s.split("=", 1)[1] for s in cfg.replace(",", " ").split() if s.startswith("BLAS_INFO=")), "?")
    return {
        "openblas": any("openblas" in p for p in libs),
        "libopenblas0_pthread_installed": "install ok installed" in st,
        "loaded": sorted(libs),
        "build_blas_info": blas_cfg,
    }


def serve():
    call = None
    for line in sys.stdin:
        req = json.loads(line)
        try:
            op = req["op"]
            if op == "info":
                out = {"version": torch.__version__, "threads": torch.get_num_threads(), "blas": blas_info()}
            elif op == "load":
                named, loss, params = build(req["case"])

                def call(params=params, loss=loss):
                    for p in params:
                        p.grad = None
                    L = loss()
                    L.backward()
                    return L

                t0 = time.perf_counter()
                L = call()
                out = {
                    "first_ms": (time.perf_counter() - t0) * 1e3,
                    "loss": L.item(),
                    "grads": {k: v.grad.reshape(-1).tolist() for k, v in named.items()},
                }
            elif op in ("warm", "sample") and call is None:
                out = {"error": f"{op}: no case loaded yet"}
            elif op == "warm":
                calls, w0 = 0, time.perf_counter()
                while calls == 0 or (time.perf_counter() - w0) * 1e3 < req["ms"]:
                    call()
                    calls += 1
                out = {"ms_per_call": (time.perf_counter() - w0) * 1e3 / calls}
            elif op == "sample":
                t0 = time.perf_counter()
                for _ in range(req["batch"]):
                    call()
                out = {"ms": (time.perf_counter() - t0) * 1e3}
            else:
                out = {"error": f"unknown op {op!r}"}
        except Exception as e:  # the bench reports it and goes on without this column
            out = {"error": f"{type(e).__name__}: {e}"}
        sys.stdout.write(json.dumps(out) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    serve()
