/**
 * `gradient-lens explain`: the derivation as text (graph, backward steps, check) and as JSON whose
 * derivative strings read back to the gradient; exit 2 with one line for bad input.
 */
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/runCli';
import { parseExpression } from '../../src/frontends/expression';
import { evaluate } from '../../src/frontends/exprGraph';

const json = (argv: string[]) => {
  const r = runCli(argv);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
};

describe('explain as text', () => {
  it('prints the graph, the backward steps and the check line', () => {
    const r = runCli(['explain', 'sigmoid(w*x + b)', '--at', 'x=0.5,w=1,b=0']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const out = r.stdout;
    expect(out).toContain('f = sigmoid(w*x + b)');
    expect(out).toContain('at w = 1, x = 0.5, b = 0: f = 0.6225');
    // the graph: one row per node with value and df/dnode
    expect(out).toMatch(/^Graph\nnode +computes +value +df\/dnode$/m);
    expect(out).toMatch(/^u1 +×\(w, x\) +0\.5 +0\.235$/m);
    expect(out).toMatch(/^f +σ\(u2\) +0\.6225 +1$/m);
    // the backward pass, one numbered step per node, the output first
    expect(out).toContain('Backward pass\n  1. df/df = 1\n');
    expect(out).toContain('df/dw = df/du1 * du1/dw = 0.235 * 0.5 = 0.1175');
    // the symbolic derivative and its check: sigma'(z) = sigma(z)(1 - sigma(z)), times x for w
    expect(out).toContain('df/dw = sigmoid(w*x + b)*(1 - sigmoid(w*x + b))*x\n   = 0.1175 symbolic, 0.1175 autodiff: agree');
    expect(out).not.toContain('DISAGREE');
  });

  it('shows the sum over children where a variable feeds several nodes', () => {
    const r = runCli(['explain', 'x*x + exp(x)*w', '--at', 'x=1,w=2']);
    // df/dx = x + x + e^x w = 1 + 1 + 2e
    expect(r.stdout).toMatch(/df\/dx = df\/du1 \* du1\/dx \+ df\/du1 \* du1\/dx \+ df\/du2 \* du2\/dx = .+ = 7\.437$/m);
  });

  it('reads an expression that starts with a minus sign, plain or LaTeX', () => {
    const r = runCli(['explain', '-log(p)', '--at', 'p=0.5']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('f = -log(p)');
    expect(r.stdout).toContain('df/dp = -1/p\n   = -2 symbolic, -2 autodiff: agree');
    const t = runCli(['explain', '-\\log \\sigma(w_o h_2)']);
    expect(t.code, t.stderr).toBe(0);
    expect(t.stdout).toContain('f = -log(sigmoid(w_o*h_2))');
  });

  it('marks assumed values and notes a kink', () => {
    const r = runCli(['explain', 'relu(x)*w', '--at', 'x=0']);
    expect(r.stdout).toMatch(/at x = 0, w = -?[\d.]+ \(assumed\)/);
    expect(r.stdout).toContain("Note: relu sits exactly on its kink here; the gradient uses the convention relu'(0) = 0.");
    expect(runCli(['explain', 'relu(x)*w', '--at', 'x=0,w=2', '--relu-at-zero', '0.5']).stdout).toContain('= 1 symbolic, 1 autodiff: agree');
  });
});

describe('explain --json', () => {
  it('has value, gradient, derivative and steps', () => {
    const out = json(['explain', 'sigmoid(w*x + b)', '--at', 'x=0.5,w=1,b=0', '--json']);
    expect(Object.keys(out)).toEqual(expect.arrayContaining(['value', 'gradient', 'derivative', 'steps']));
    const s = 1 / (1 + Math.exp(-0.5));
    expect(out.value).toBeAllclose(s);
    // d sigma(wx + b)/dw = sigma (1 - sigma) x, /dx = sigma (1 - sigma) w, /db = sigma (1 - sigma)
    expect(out.gradient.w).toBeAllclose(s * (1 - s) * 0.5);
    expect(out.gradient.x).toBeAllclose(s * (1 - s) * 1);
    expect(out.gradient.b).toBeAllclose(s * (1 - s));
    expect(Object.keys(out.derivative)).toEqual(['w', 'x', 'b']);
    expect(out.steps[0]).toMatchObject({ op: 'sigmoid', grad: 1, terms: [] });
    expect(out.steps.map((st: { grad: number }) => st.grad).slice(-3)).toBeAllclose([s * (1 - s), s * (1 - s), s * (1 - s) * 0.5]);
  });

  it.each([
    ['-log(sigmoid(w_o*relu(w_h*relu(w_h*h0 + w_i*x1) + w_i*x2)))', 'w_o=1,w_h=0.5,h0=0.2,w_i=1,x1=0.3,x2=-0.1'],
    ['exp(s1)/(exp(s1) + exp(s2))', 's1=0.3,s2=-1.2'],
    ['\\frac{e^{s_1}}{e^{s_1}+e^{s_2}}', 's_1=0.3,s_2=-1.2'],
    ['tanh(w*h + u*x)^2', 'w=0.4,h=-0.7,u=1.1,x=0.25'],
    ['x^x + max(x, y)*min(x, y) + abs(y)', 'x=1.3,y=-0.4'],
    ['exp(x)^2 + x^1.5 + sqrt(x)/3', 'x=0.7'],
  ])('%s: each derivative string reads back and evaluates to the gradient', (expression, at) => {
    const out = json(['explain', expression, '--at', at, '--json']);
    const values = out.variables as Record<string, number>;
    expect(Object.keys(out.derivative).sort()).toEqual(Object.keys(out.gradient).sort());
    for (const [v, text] of Object.entries(out.derivative as Record<string, string>)) {
      const d = parseExpression(text, 'plain').expr;
      expect(evaluate(d, values), `d/d${v} = ${text}`).toBeAllclose(out.gradient[v], { rtol: 1e-9, atol: 1e-12 });
      expect(out.check[v].agrees).toBe(true);
    }
  });

  it('--wrt limits gradient and derivative to one variable; --at values are used', () => {
    const out = json(['explain', 'sigmoid(w*x + b)', '--wrt', 'x', '--at', 'x=0.5,w=2,b=-1', '--json']);
    expect(Object.keys(out.gradient)).toEqual(['x']);
    expect(Object.keys(out.derivative)).toEqual(['x']);
    expect(out.variables).toEqual({ w: 2, x: 0.5, b: -1 });
    expect(out.value).toBe(0.5);
    expect(out.gradient.x).toBeAllclose(0.25 * 2);
  });

  it('the same seed gives the same defaults', () => {
    const a = json(['explain', 'log(x) + y', '--seed', '5', '--json']);
    expect(json(['explain', 'log(x) + y', '--seed', '5', '--json']).variables).toEqual(a.variables);
    expect(a.variables.x).toBeGreaterThan(0);
  });
});

describe('explain: exit 2 with one line', () => {
  it.each([
    [['explain', 'sigmoid(x))'], "gradient-lens explain: unexpected ')' at column 11"],
    [['explain', 'foo(x)'], "gradient-lens explain: Unknown function 'foo' at column 1. Supported:"],
    [['explain', ''], 'gradient-lens explain: The selection is empty'],
    [['explain', 'x + 1', '--at', 'x=abc'], '--at: expected name=number pairs such as x=0.5,w=1, got "x=abc"'],
    [['explain', 'x + 1', '--at', 'x'], '--at: expected name=number pairs such as x=0.5,w=1, got "x"'],
    [['explain', 'x + 1', '--wrt', 'y'], 'gradient-lens explain: y is not a variable of this expression; its variables are x'],
    [['explain'], 'expected one expression in quotes'],
    [['explain', 'x', 'y'], 'expected one expression in quotes'],
    [['explain', 'x', '--relu-at-zero', 'half'], '--relu-at-zero: expected a number, got "half"'],
  ])('%j', (argv, message) => {
    const r = runCli(argv);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('explain --at with a name that is not a variable', () => {
  it('exits 2 naming the typo and the real variables, instead of ignoring it', () => {
    const r = runCli(['explain', 'sigmoid(w*x + b)', '--at', 'W=1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('gradient-lens explain: --at: W is not a variable of this expression; its variables are w, x, b\n');
  });
});
