"""Regenerate fixtures/python/*.json: the loss and its true gradients for every file of the Python
corpus (test/frontends/python/corpus/*.py), computed by running the same file under PyTorch autograd
(float64) with `numpy` replaced by a small torch-backed shim. Gradient Lens's interpreter must match
them to 1e-9. Run from the repo root: /usr/bin/python3 scripts/makePythonFixtures.py

The rules mirror src/frontends/python/trace.ts: a top-level assignment of an array that depends on no
parameter, or of a number written with a float literal, makes a parameter; the loss is `loss`, `L` or
`J`; gradients are kept for the parameters the loss depends on. np.random is mulberry32 with Box-Muller
(src/engine/random.ts), so both sides draw the same numbers (numpy's own stream is not reproduced).
"""
import ast, json, math, pathlib, types, builtins
import torch

torch.set_default_dtype(torch.float64)
torch.set_num_threads(1)
ROOT = pathlib.Path(__file__).resolve().parent.parent
CORPUS = ROOT / "test" / "frontends" / "python" / "corpus"
OUT = ROOT / "fixtures" / "python"
M32 = 0xFFFFFFFF


def mulberry32(seed):
    a = seed & M32

    def rand():
        nonlocal a
        a = (a + 0x6D2B79F5) & M32
        t = a
        t = ((t ^ (t >> 15)) * (t | 1)) & M32
        t ^= (t + (((t ^ (t >> 7)) * (t | 61)) & M32)) & M32
        return ((t ^ (t >> 14)) & M32) / 4294967296

    return rand


def T(x):
    return x if torch.is_tensor(x) else torch.as_tensor(x, dtype=torch.float64)


def shape_of(args):
    if len(args) == 1 and isinstance(args[0], (tuple, list)):
        return tuple(args[0])
    return tuple(args) if not (len(args) == 1 and isinstance(args[0], int)) else (args[0],)


def make_numpy():
    np = types.SimpleNamespace()
    state = {"rand": mulberry32(0)}

    def gauss():
        u, v = max(state["rand"](), 1e-300), state["rand"]()
        return math.sqrt(-2 * math.log(u)) * math.cos(2 * math.pi * v)

    def filled(shape, draw):
        n = math.prod(shape)
        return torch.tensor([draw() for _ in range(n)], dtype=torch.float64).reshape(shape)

    def seed(s):
        state["rand"] = mulberry32(s)

    rnd = types.SimpleNamespace(seed=seed,
                                randn=lambda *d: gauss() if not d else filled(shape_of(d), gauss),
                                rand=lambda *d: state["rand"]() if not d else filled(shape_of(d), lambda: state["rand"]()))
    np.random = rnd
    np.zeros = lambda s, dtype=None: torch.zeros(shape_of((s,)))
    np.ones = lambda s, dtype=None: torch.ones(shape_of((s,)))
    np.zeros_like = lambda x, dtype=None: torch.zeros_like(T(x))
    np.ones_like = lambda x, dtype=None: torch.ones_like(T(x))
    np.array = lambda x, dtype=None: T(x).clone()
    np.copy = lambda x: T(x).clone()
    for f in ["tanh", "exp", "log", "sqrt", "abs", "sin", "cos"]:
        setattr(np, f, (lambda g: lambda x: g(T(x)))(getattr(torch, f)))
    np.maximum = lambda a, b: torch.maximum(T(a), T(b))
    np.minimum = lambda a, b: torch.minimum(T(a), T(b))

    def dot(a, b):
        a, b = T(a), T(b)
        return a * b if a.dim() == 0 or b.dim() == 0 else a @ b

    np.dot = dot

    def reducer(full, dimmed):
        def f(x, axis=None, keepdims=False):
            x = T(x)
            if axis is None:
                y = full(x)
                return y.reshape([1] * x.dim()) if keepdims else y
            return dimmed(x, axis, keepdims)
        return f

    np.sum = reducer(torch.sum, lambda x, a, k: torch.sum(x, dim=a, keepdim=k))
    np.mean = reducer(torch.mean, lambda x, a, k: torch.mean(x, dim=a, keepdim=k))
    np.max = reducer(torch.amax, lambda x, a, k: torch.amax(x, dim=a, keepdim=k))
    np.outer = lambda a, b: torch.outer(T(a).reshape(-1), T(b).reshape(-1))

    def clip(x, lo, hi, out=None):
        y = torch.clamp(T(x), lo, hi)
        if out is not None:
            out.copy_(y)
            return out
        return y

    np.clip = clip
    np.pi, np.e = math.pi, math.e
    return np


def make_math():
    m = types.SimpleNamespace(pi=math.pi, e=math.e)
    for f in ["exp", "log", "sqrt", "tanh", "sin", "cos"]:
        setattr(m, f, (lambda g, h: lambda x: h(x) if torch.is_tensor(x) else g(x))(getattr(math, f), getattr(torch, f)))
    return m


def has_float_literal(node):
    return any(isinstance(n, ast.Constant) and isinstance(n.value, float) for n in ast.walk(node))


def run(path):
    src = path.read_text()
    tree = ast.parse(src)
    mods = {"numpy": make_numpy(), "math": make_math()}
    real_import = builtins.__import__

    def imp(name, *a, **k):
        if name in mods:
            return mods[name]
        raise ImportError(f"{path.name}: only numpy and math may be imported, not {name}")

    env = {"__builtins__": {**vars(builtins), "__import__": imp, "print": lambda *a, **k: None}}
    params = {}
    for stmt in tree.body:
        exec(compile(ast.Module(body=[stmt], type_ignores=[]), str(path), "exec"), env)
        if not isinstance(stmt, ast.Assign):
            continue
        names = []
        for t in stmt.targets:
            names += [t.id] if isinstance(t, ast.Name) else [e.id for e in t.elts if isinstance(e, ast.Name)] if isinstance(t, ast.Tuple) else []
        for n in names:
            v = env[n]
            if torch.is_tensor(v) and not v.requires_grad:
                env[n] = params[n] = v.detach().clone().requires_grad_(True)
            elif isinstance(v, (int, float)) and not isinstance(v, bool) and has_float_literal(stmt.value):
                env[n] = params[n] = torch.tensor(float(v), requires_grad=True)
    del real_import
    loss = next(env[n] for n in ["loss", "L", "J"] if n in env)
    loss.backward()
    return loss.item(), {n: p.grad.tolist() for n, p in params.items() if p.grad is not None}


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("*.json"):
        old.unlink()
    for path in sorted(CORPUS.glob("*.py")):
        loss, grads = run(path)
        obj = {"file": str(path.relative_to(ROOT)), "loss": loss, "grads": grads}
        lines = [f" {json.dumps(k)}: {json.dumps(v, allow_nan=False)}" for k, v in obj.items()]
        (OUT / f"{path.stem}.json").write_text("{\n" + ",\n".join(lines) + "\n}\n")
        print(f"{path.stem}.json  loss={loss!r}  grads: {', '.join(grads)}")


if __name__ == "__main__":
    main()
