"""Regenerate fixtures/sympy/derivatives.json: for every expression of test/explain/gradients.test.ts,
its value and exact gradient at seeded random points, differentiated by SymPy (an oracle independent
of our chain rule and our autodiff). relu is Max(0, x) and relu' is Heaviside(x, 0), so relu'(0) = 0;
sigmoid is 1/(1 + exp(-x)). Points stay more than 1e-3 away from every kink.
Run from the repo root: /usr/bin/python3 scripts/makeSympyFixtures.py"""
import json, pathlib, random
import sympy as sp

OUT = pathlib.Path(__file__).resolve().parent.parent / "fixtures" / "sympy" / "derivatives.json"
POINTS = 3
DOMAINS = {"real": (-2.0, 2.0), "pos": (0.2, 2.0)}

# (the expression as a student writes it, the same in SymPy syntax, the domain of its variables)
CASES = [
    ("sigmoid(w*x + b)", "sigmoid(w*x + b)", "real"),
    ("-log(sigmoid(w_o*relu(w_h*relu(w_h*h0 + w_i*x1) + w_i*x2)))", "-log(sigmoid(w_o*relu(w_h*relu(w_h*h0 + w_i*x1) + w_i*x2)))", "pos"),
    ("-log(sigmoid(w_o*relu(w_h*relu(w_h*h0 + w_i*x1) + w_i*x2)))", "-log(sigmoid(w_o*relu(w_h*relu(w_h*h0 + w_i*x1) + w_i*x2)))", "real"),
    ("(2*x + 1)^3", "(2*x + 1)**3", "real"),
    ("exp(s1)/(exp(s1) + exp(s2))", "exp(s1)/(exp(s1) + exp(s2))", "real"),
    ("tanh(w*h + u*x)^2", "tanh(w*h + u*x)**2", "real"),
    (r"\sigma(wx+b)", "sigmoid(w*x + b)", "real"),
    (r"-\log \sigma(w_o h_2)", "-log(sigmoid(w_o*h_2))", "real"),
    (r"\frac{e^{s_1}}{e^{s_1}+e^{s_2}}", "exp(s_1)/(exp(s_1) + exp(s_2))", "real"),
    ("softplus(w*x - b)", "log(1 + exp(w*x - b))", "real"),
    ("max(x, y)*z", "Max(x, y)*z", "real"),
    ("min(x, y^2) + max(x, y, z)", "Min(x, y**2) + Max(x, y, z)", "real"),
    ("abs(x - y)", "Abs(x - y)", "real"),
    ("sqrt(x^2 + y^2)", "sqrt(x**2 + y**2)", "real"),
    ("log(x)*y", "log(x)*y", "pos"),
    ("sin(x)*cos(y)", "sin(x)*cos(y)", "real"),
    ("x^-2 + y^(-1/2)", "x**-2 + y**(-sympify(1)/2)", "pos"),
    ("x^1.5 - 3*x^0.25", "x**sympify('3/2') - 3*x**sympify('1/4')", "pos"),
    ("a^b", "a**b", "pos"),
    ("x^x", "x**x", "pos"),
    ("x^(y^2)", "x**(y**2)", "pos"),
    ("exp(s1)/(exp(s1) + exp(s2) + exp(s3))", "exp(s1)/(exp(s1) + exp(s2) + exp(s3))", "real"),
    ("exp(s3)/(exp(s1) + exp(s2) + exp(s3))", "exp(s3)/(exp(s1) + exp(s2) + exp(s3))", "real"),
    ("-log(exp(z1)/(exp(z1) + exp(z2) + exp(z3)))", "-log(exp(z1)/(exp(z1) + exp(z2) + exp(z3)))", "real"),
    ("-(y*log(sigmoid(z)) + (1 - y)*log(1 - sigmoid(z)))", "-(y*log(sigmoid(z)) + (1 - y)*log(1 - sigmoid(z)))", "real"),
    ("x*x + exp(x)*w", "x*x + exp(x)*w", "real"),
    ("x^2*y + x*y^2 + x*y*x", "x**2*y + x*y**2 + x*y*x", "real"),
    ("3*x + 2", "3*x + 2", "real"),
    ("2*pi*x + e^x", "2*pi*x + exp(x)", "real"),
    ("2x + 3y", "2*x + 3*y", "real"),
    ("w_h h0 + w_i x1", "w_h*h0 + w_i*x1", "real"),
    ("x**3 - 2**x", "x**3 - 2**x", "real"),
    ("relu(x) - relu(-x)", "relu(x) - relu(-x)", "real"),
    ("relu'(z)*z^2", "step(z)*z**2", "real"),
    ("step(z)*w + heaviside(w)*z", "step(z)*w + step(w)*z", "real"),
    ("σ(z)*(1 - σ(z))", "sigmoid(z)*(1 - sigmoid(z))", "real"),
    ("ln(1 + exp(x))", "log(1 + exp(x))", "real"),
    ("tanh(tanh(tanh(x)))", "tanh(tanh(tanh(x)))", "real"),
    ("x/(1 + abs(x))", "x/(1 + Abs(x))", "real"),
    ("cos(x)^2 + sin(x)^2", "cos(x)**2 + sin(x)**2", "real"),
    ("exp(x)^2 - sign(x)*x^2", "exp(x)**2 - sign(x)*x**2", "real"),
    ("max(relu(x), 0.5*x)", "Max(relu(x), x/2)", "real"),
    ("-x^2 + x*-y", "-x**2 - x*y", "real"),
    ("(x + y)/(x - y + 5)", "(x + y)/(x - y + 5)", "real"),
    (r"\frac{1}{1+e^{-z}}", "1/(1 + exp(-z))", "real"),
    (r"\sqrt{x^2 + 1}", "sqrt(x**2 + 1)", "real"),
    (r"\tanh(w h + u x)^2", "tanh(w*h + u*x)**2", "real"),
    (r"\left(2x+1\right)^{3}", "(2*x + 1)**3", "real"),
    (r"\operatorname{relu}(w x + b)", "relu(w*x + b)", "real"),
    (r"\mathrm{ReLU}(x) \cdot y", "relu(x)*y", "real"),
    (r"\max(x, y) \times z", "Max(x, y)*z", "real"),
    (r"\ln(x) + \exp(y)", "log(x) + exp(y)", "pos"),
    (r"x^{-2} + \frac{1}{\sqrt{y}}", "x**-2 + 1/sqrt(y)", "pos"),
    (r"-\log\frac{e^{z_1}}{e^{z_1}+e^{z_2}+e^{z_3}}", "-log(exp(z_1)/(exp(z_1) + exp(z_2) + exp(z_3)))", "real"),
    (r"\sin x \cos y", "sin(x)*cos(y)", "real"),
    (r"e^{-x^2}", "exp(-x**2)", "real"),
    (r"\sigma(w_{h} h_{1}) \cdot \min(a, b)", "sigmoid(w_h*h_1)*Min(a, b)", "real"),
    (r"\operatorname{softplus}(x) - \frac12 x", "log(1 + exp(x)) - x/2", "real"),
    (r"a^{b} \cdot \log(a)", "a**b*log(a)", "pos"),
]

x_ = sp.Symbol("x_")
NAMES = {
    "sigmoid": sp.Lambda(x_, 1 / (1 + sp.exp(-x_))),
    "relu": sp.Lambda(x_, sp.Max(0, x_)),
    "step": sp.Lambda(x_, sp.Heaviside(x_, 0)),
    "sympify": sp.sympify,
}


def kink_distance(f, at):
    """How far the point is from the nearest kink: a tie of Max/Min, or 0 under Abs, sign, Heaviside."""
    d = float("inf")
    for node in sp.preorder_traversal(f):
        if isinstance(node, (sp.Max, sp.Min)):
            vs = [float(a.subs(at).evalf(30)) for a in node.args]
            d = min(d, min(abs(a - b) for i, a in enumerate(vs) for b in vs[i + 1:]))
        elif isinstance(node, (sp.Abs, sp.sign, sp.Heaviside)):
            d = min(d, abs(float(node.args[0].subs(at).evalf(30))))
    return d


def main():
    rng = random.Random(20240605)
    cases = []
    for expression, sympy_text, domain in CASES:
        f = sp.sympify(sympy_text, locals=NAMES)
        # real variables, so that d|x|/dx is sign(x) rather than a formula in re and im
        f = f.subs({s: sp.Symbol(s.name, real=True) for s in f.free_symbols})
        variables = sorted(str(s) for s in f.free_symbols)
        symbols = {v: sp.Symbol(v, real=True) for v in variables}
        grads = {v: sp.diff(f, symbols[v]) for v in variables}
        lo, hi = DOMAINS[domain]
        points = []
        while len(points) < POINTS:
            point = {v: rng.uniform(lo, hi) for v in variables}
            at = {symbols[v]: sp.Float(repr(x), 40) for v, x in point.items()}
            if kink_distance(f, at) <= 1e-3:
                continue  # redraw: the derivative is not defined there
            points.append({
                "point": point,
                "value": float(f.subs(at).evalf(30)),
                "gradient": {v: float(g.subs(at).evalf(30)) for v, g in grads.items()},
            })
        cases.append({"expression": expression, "sympy": sympy_text, "domain": domain, "points": points})
        print(f"{expression:60s} {len(variables)} variables")
    obj = {"generator": "scripts/makeSympyFixtures.py", "sympy": sp.__version__, "cases": cases}
    OUT.write_text(json.dumps(obj, indent=1, allow_nan=False) + "\n")


if __name__ == "__main__":
    main()
