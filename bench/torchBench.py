# The torch column: times W1-W3 in PyTorch float64 on one thread with autograd (loss.backward()),
# on the inputs the bench sends as JSON on stdin; prints one JSON object on stdout, progress on stderr.
import json
import os
import statistics
import subprocess
import sys
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

torch.set_num_threads(1)
F64 = torch.float64


SLOW_CALL_MS = 1000  # as in timing.ts: a first call this slow counts as the warm-up


def time_median(fn, target_ms, min_reps, cap_ms, warmup_ms, warmed_ms):
    per_call = warmed_ms
    if warmed_ms < SLOW_CALL_MS:
        calls, w0 = 0, time.perf_counter()
        while calls == 0 or (time.perf_counter() - w0) * 1e3 < warmup_ms:
            fn()
            calls += 1
        per_call = (time.perf_counter() - w0) * 1e3 / calls
    batch = max(1, int(-(-2.0 // max(per_call, 1e-6))))  # batches of >= 2 ms, as timing.ts
    samples, start = [], time.perf_counter()
    while True:
        t0 = time.perf_counter()
        for _ in range(batch):
            fn()
        samples.append((time.perf_counter() - t0) * 1e3 / batch)
        spent = (time.perf_counter() - start) * 1e3
        if (spent >= target_ms and len(samples) >= min_reps) or spent >= cap_ms:
            break
    return statistics.median(samples), len(samples)


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


def main():
    req = json.load(sys.stdin)
    tm = req["timing"]
    out = {"version": torch.__version__, "threads": torch.get_num_threads(), "blas": blas_info(), "cases": {}}
    for c in req["cases"]:
        named, loss, params = build(c)

        def call():
            for p in params:
                p.grad = None
            loss().backward()

        t0 = time.perf_counter()
        for p in params:
            p.grad = None
        L = loss()
        L.backward()
        first_ms = (time.perf_counter() - t0) * 1e3
        res = {
            "loss": L.item(),
            "grads": {k: v.grad.reshape(-1).tolist() for k, v in named.items()},
        }
        ms, reps = time_median(call, tm["targetMs"], tm["minReps"], tm["capMs"], tm["warmupMs"], first_ms)
        res["ms"], res["reps"] = ms, reps
        out["cases"][c["id"]] = res
        print(f"  torch {c['id']}: {ms:.4g} ms ({reps} reps)", file=sys.stderr, flush=True)
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
