/**
 * Explain Gradient's three answers for one derivative must agree, over 59 expressions (plain and
 * LaTeX, every example of the issue): the engine's autodiff, central finite differences of the
 * forward value, our symbolic chain rule, and SymPy (fixtures/sympy, made by
 * scripts/makeSympyFixtures.py) as an oracle that shares no code with any of them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fnv1a, mulberry32 } from '../../src/engine/random';
import type { Expr } from '../../src/frontends/expression';
import { parseExpression } from '../../src/frontends/expression';
import { evaluate, exprGraph } from '../../src/frontends/exprGraph';
import { toText } from '../../src/explain/printExpr';
import { derivative } from '../../src/explain/symbolic';

type Domain = 'real' | 'pos';
/** variables drawn uniformly from [-2, 2], or from [0.2, 2] where log, sqrt or a^b need them positive */
const DOMAINS: Record<Domain, [number, number]> = { real: [-2, 2], pos: [0.2, 2] };

/** The same list, in the same order, as CASES in scripts/makeSympyFixtures.py. */
const CASES: [string, Domain][] = [
  ['sigmoid(w*x + b)', 'real'],
  ['-log(sigmoid(w_o*relu(w_h*relu(w_h*h0 + w_i*x1) + w_i*x2)))', 'pos'],
  ['-log(sigmoid(w_o*relu(w_h*relu(w_h*h0 + w_i*x1) + w_i*x2)))', 'real'],
  ['(2*x + 1)^3', 'real'],
  ['exp(s1)/(exp(s1) + exp(s2))', 'real'],
  ['tanh(w*h + u*x)^2', 'real'],
  ['\\sigma(wx+b)', 'real'],
  ['-\\log \\sigma(w_o h_2)', 'real'],
  ['\\frac{e^{s_1}}{e^{s_1}+e^{s_2}}', 'real'],
  ['softplus(w*x - b)', 'real'],
  ['max(x, y)*z', 'real'],
  ['min(x, y^2) + max(x, y, z)', 'real'],
  ['abs(x - y)', 'real'],
  ['sqrt(x^2 + y^2)', 'real'],
  ['log(x)*y', 'pos'],
  ['sin(x)*cos(y)', 'real'],
  ['x^-2 + y^(-1/2)', 'pos'],
  ['x^1.5 - 3*x^0.25', 'pos'],
  ['a^b', 'pos'],
  ['x^x', 'pos'],
  ['x^(y^2)', 'pos'],
  ['exp(s1)/(exp(s1) + exp(s2) + exp(s3))', 'real'],
  ['exp(s3)/(exp(s1) + exp(s2) + exp(s3))', 'real'],
  ['-log(exp(z1)/(exp(z1) + exp(z2) + exp(z3)))', 'real'],
  ['-(y*log(sigmoid(z)) + (1 - y)*log(1 - sigmoid(z)))', 'real'],
  ['x*x + exp(x)*w', 'real'],
  ['x^2*y + x*y^2 + x*y*x', 'real'],
  ['3*x + 2', 'real'],
  ['2*pi*x + e^x', 'real'],
  ['2x + 3y', 'real'],
  ['w_h h0 + w_i x1', 'real'],
  ['x**3 - 2**x', 'real'],
  ['relu(x) - relu(-x)', 'real'],
  ["relu'(z)*z^2", 'real'],
  ['step(z)*w + heaviside(w)*z', 'real'],
  ['σ(z)*(1 - σ(z))', 'real'],
  ['ln(1 + exp(x))', 'real'],
  ['tanh(tanh(tanh(x)))', 'real'],
  ['x/(1 + abs(x))', 'real'],
  ['cos(x)^2 + sin(x)^2', 'real'],
  ['exp(x)^2 - sign(x)*x^2', 'real'],
  ['max(relu(x), 0.5*x)', 'real'],
  ['-x^2 + x*-y', 'real'],
  ['(x + y)/(x - y + 5)', 'real'],
  ['\\frac{1}{1+e^{-z}}', 'real'],
  ['\\sqrt{x^2 + 1}', 'real'],
  ['\\tanh(w h + u x)^2', 'real'],
  ['\\left(2x+1\\right)^{3}', 'real'],
  ['\\operatorname{relu}(w x + b)', 'real'],
  ['\\mathrm{ReLU}(x) \\cdot y', 'real'],
  ['\\max(x, y) \\times z', 'real'],
  ['\\ln(x) + \\exp(y)', 'pos'],
  ['x^{-2} + \\frac{1}{\\sqrt{y}}', 'pos'],
  ['-\\log\\frac{e^{z_1}}{e^{z_1}+e^{z_2}+e^{z_3}}', 'real'],
  ['\\sin x \\cos y', 'real'],
  ['e^{-x^2}', 'real'],
  ['\\sigma(w_{h} h_{1}) \\cdot \\min(a, b)', 'real'],
  ['\\operatorname{softplus}(x) - \\frac12 x', 'real'],
  ['a^{b} \\cdot \\log(a)', 'pos'],
];

const ISSUE_EXAMPLES = [
  'sigmoid(w*x + b)', '-log(sigmoid(w_o*relu(w_h*relu(w_h*h0 + w_i*x1) + w_i*x2)))', '(2*x + 1)^3',
  'exp(s1)/(exp(s1) + exp(s2))', 'tanh(w*h + u*x)^2', '\\sigma(wx+b)', '-\\log \\sigma(w_o h_2)', '\\frac{e^{s_1}}{e^{s_1}+e^{s_2}}',
];

/** central differences: f'(x) = (f(x + h) - f(x - h)) / 2h + O(h^2), with h = 1e-5 */
const H = 1e-5;
/** |fd - autodiff| <= 1e-6 + 1e-6 |autodiff|: the O(h^2) truncation and the eps/h rounding are both far below */
const FD_TOL = { rtol: 1e-6, atol: 1e-6 };
/** symbolic vs autodiff, and vs SymPy: 1e-9 relative (1e-12 absolute for a gradient that is 0) */
const EXACT_TOL = { rtol: 1e-9, atol: 1e-12 };
/** draws per expression, each at least 1e-3 from every kink (relu at 0, a max tie, |x| at 0) */
const POINTS = 4;

/** Seeded points of the domain; a draw within 1e-3 of a kink (or where f is not finite) is redrawn. */
function points(source: string, expr: Expr, names: string[], domain: Domain): Record<string, number>[] {
  const rand = mulberry32(fnv1a(source));
  const [lo, hi] = DOMAINS[domain];
  const out: Record<string, number>[] = [];
  for (let draw = 0; out.length < POINTS; draw++) {
    if (draw > 100) throw new Error(`${source}: no point away from a kink in 100 draws`);
    const at = Object.fromEntries(names.map((n) => [n, lo + (hi - lo) * rand()]));
    const { graph, out: y } = exprGraph(expr, at);
    if (Number.isFinite(graph.scalar(y)) && graph.kinkDistance(y).distance > 1e-3) out.push(at);
  }
  return out;
}

describe('the expression table', () => {
  it('has at least 40 expressions, plain and LaTeX, with every example of the issue', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(40);
    const syntax = CASES.map(([s]) => parseExpression(s).syntax);
    expect(syntax.filter((s) => s === 'latex').length).toBeGreaterThanOrEqual(15);
    expect(syntax.filter((s) => s === 'plain').length).toBeGreaterThanOrEqual(25);
    for (const e of ISSUE_EXAMPLES) expect(CASES.map(([s]) => s)).toContain(e);
  });

  it('uses every function of the accepted syntax', () => {
    const fns = new Set<string>();
    const walk = (e: Expr): void => {
      if (e.kind === 'call') {
        fns.add(e.fn);
        e.args.forEach(walk);
      }
    };
    for (const [s] of CASES) walk(parseExpression(s).expr);
    for (const f of ['exp', 'log', 'sqrt', 'abs', 'sin', 'cos', 'tanh', 'sigmoid', 'relu', 'softplus', 'max', 'min', 'step', 'sign', 'pow', 'div', 'neg']) {
      expect(fns, f).toContain(f);
    }
  });
});

describe.each(CASES)('%s (%s)', (source, domain) => {
  const { expr, variables } = parseExpression(source);
  const at = points(source, expr, variables, domain);

  it('autodiff: df/dv from graph.backward = (f(v + h) - f(v - h)) / 2h, h = 1e-5, to 1e-6', () => {
    for (const p of at) {
      const { graph, out, leaves } = exprGraph(expr, p);
      const grads = graph.backward(out);
      for (const v of variables) {
        const fd = (evaluate(expr, { ...p, [v]: p[v] + H }) - evaluate(expr, { ...p, [v]: p[v] - H })) / (2 * H);
        expect(grads.scalar(leaves.get(v)!), `d/d${v} at ${JSON.stringify(p)}`).toBeAllclose(fd, FD_TOL);
      }
    }
  });

  it('symbolic: evaluate(derivative(f, v)) = autodiff df/dv, to 1e-9 relative', () => {
    for (const p of at) {
      const { graph, out, leaves } = exprGraph(expr, p);
      const grads = graph.backward(out);
      for (const v of variables) {
        const d = derivative(expr, v);
        expect(evaluate(d, p), `d/d${v} = ${toText(d)} at ${JSON.stringify(p)}`).toBeAllclose(grads.scalar(leaves.get(v)!), EXACT_TOL);
      }
    }
  });

  it('toText round-trips: parseExpression(toText(f)) is f (same value at every point, same text)', () => {
    const text = toText(expr);
    const again = parseExpression(text, 'plain');
    expect(again.variables.slice().sort()).toEqual(variables.slice().sort());
    expect(toText(again.expr)).toBe(text);
    for (const p of at) expect(evaluate(again.expr, p)).toBeAllclose(evaluate(expr, p), { rtol: 1e-12 });
  });
});

interface SympyCase {
  expression: string;
  sympy: string;
  domain: Domain;
  points: { point: Record<string, number>; value: number; gradient: Record<string, number> }[];
}
const sympy = JSON.parse(readFileSync(join(__dirname, '../../fixtures/sympy/derivatives.json'), 'utf8')) as { cases: SympyCase[] };

describe('against SymPy (fixtures/sympy/derivatives.json)', () => {
  it('covers the same expressions as the table, in the same order', () => {
    expect(sympy.cases.map((c) => [c.expression, c.domain])).toEqual(CASES);
  });

  it.each(sympy.cases.map((c, i) => ({ ...c, i })))('$i: $expression = $sympy: value and every df/dv to 1e-9 relative', (c) => {
    const { expr, variables } = parseExpression(c.expression);
    for (const { point, value, gradient } of c.points) {
      expect(variables.slice().sort()).toEqual(Object.keys(gradient).sort());
      const { graph, out, leaves } = exprGraph(expr, point);
      expect(graph.scalar(out)).toBeAllclose(value, EXACT_TOL);
      const grads = graph.backward(out);
      for (const v of variables) {
        expect(grads.scalar(leaves.get(v)!), `autodiff d/d${v}`).toBeAllclose(gradient[v], EXACT_TOL);
        expect(evaluate(derivative(expr, v), point), `symbolic d/d${v}`).toBeAllclose(gradient[v], EXACT_TOL);
      }
    }
  });
});
