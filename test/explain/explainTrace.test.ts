/**
 * The explain trace against the engine it is built from: each backward step is graph.backward's
 * gradient, a node that feeds several others sums one term per edge, the output-to-input paths add
 * up to the gradient, defaults are seeded and safe, and every LaTeX string it makes renders in KaTeX.
 */
import katex from 'katex';
import { describe, expect, it } from 'vitest';
import type { NodeId } from '../../src/engine/tape';
import { parseExpression } from '../../src/frontends/expression';
import { exprGraph } from '../../src/frontends/exprGraph';
import { InputError } from '../../src/frontends/sentence';
import { derivationLatex, derivationMarkdown, localsLatex, stepLatex } from '../../src/explain/derivation';
import type { ExplainTrace } from '../../src/explain/explainTrace';
import { explainTrace } from '../../src/explain/explainTrace';

const RNN = '-log(sigmoid(w_o*relu(w_h*relu(w_h*h0 + w_i*x1) + w_i*x2)))';
/** the lecture's two steps at its numbers: every relu is active */
const RNN_AT = { w_o: 1, w_h: 0.5, h0: 0.2, w_i: 1, x1: 0.3, x2: -0.1 };
const TOL = { rtol: 1e-12, atol: 1e-15 };

/** The engine's own gradients at the trace's point, by node id. */
function engineGrads(t: ExplainTrace): (id: number) => number {
  const values = Object.fromEntries(t.variables.map((v) => [v.name, v.value]));
  const { graph, out } = exprGraph(parseExpression(t.expression).expr, values, { reluAtZero: t.reluAtZero });
  expect(graph.size).toBe(t.nodes.length);
  t.nodes.forEach((n) => expect(graph.opOf(n.id as NodeId)).toBe(n.op));
  const grads = graph.backward(out);
  return (id) => grads.scalar(id as NodeId);
}

const variableNode = (t: ExplainTrace, name: string) => t.nodes.find((n) => n.kind === 'variable' && n.label === name)!;
const stepOf = (t: ExplainTrace, id: number) => t.steps.find((s) => s.node === id)!;

const EXPRESSIONS = [
  'sigmoid(w*x + b)', RNN, '(2*x + 1)^3', 'exp(s1)/(exp(s1) + exp(s2))', 'tanh(w*h + u*x)^2', '\\sigma(wx+b)',
  '-\\log \\sigma(w_o h_2)', '\\frac{e^{s_1}}{e^{s_1}+e^{s_2}}', 'x*x + exp(x)*w', 'softplus(x) - max(x, y) + min(x, y)',
  'abs(x - y)*sqrt(z)', 'log(x)*sin(y) + cos(x)', 'x^-2 + y^0.5 + a^b', 'exp(x)^2', 'step(z)*z + sign(z)', '2*pi*x + e^x + 3',
  '\\operatorname{relu}(w x + b)', '\\frac{1}{\\sqrt{x}} + x^{-2}',
];

describe('backward steps', () => {
  it.each(EXPRESSIONS)('%s: each step\'s grad is graph.backward\'s df/d(node), and its terms sum to it', (expression) => {
    const t = explainTrace({ expression });
    const g = engineGrads(t);
    // the output first: df/df = 1 with no terms
    expect(t.steps[0]).toMatchObject({ node: t.output, grad: 1, terms: [] });
    // reverse topological order: a node comes after every child it has a term for
    const order = new Map(t.steps.map((s, i) => [s.node, i]));
    for (const s of t.steps) {
      expect(s.grad, `node ${s.node}`).toBeAllclose(g(s.node), TOL);
      expect(t.nodes[s.node].grad).toBe(s.grad);
      for (const c of s.terms) {
        expect(order.get(c.child)!).toBeLessThan(order.get(s.node)!);
        // each term is df/dchild * dchild/dnode
        expect(c.upstream).toBe(t.nodes[c.child].grad);
        expect(c.value).toBeAllclose(c.upstream * c.local, TOL);
      }
      if (s.terms.length) expect(s.terms.reduce((a, c) => a + c.value, 0)).toBeAllclose(s.grad, { rtol: 1e-12, atol: 1e-15 });
    }
    // the gradient and the symbolic check
    for (const v of t.variables) expect(t.gradient[v.name]).toBeAllclose(g(variableNode(t, v.name).id), TOL);
    expect(t.derivatives.map((d) => d.agrees)).toEqual(t.derivatives.map(() => true));
  });

  it('x*x + exp(x)*w: x feeds three edges (twice into x*x, once into exp), one term each, summing to 2x + e^x w', () => {
    const t = explainTrace({ expression: 'x*x + exp(x)*w', values: { x: 0.7, w: -1.5 } });
    const x = variableNode(t, 'x');
    const s = stepOf(t, x.id);
    expect(s.terms.map((c) => t.nodes[c.child].op)).toEqual(['mul', 'mul', 'exp']);
    expect(s.terms.reduce((a, c) => a + c.value, 0)).toBeAllclose(2 * 0.7 + Math.exp(0.7) * -1.5, TOL);
    expect(s.grad).toBeAllclose(2 * 0.7 + Math.exp(0.7) * -1.5, TOL);
    expect(stepOf(t, variableNode(t, 'w').id).terms).toHaveLength(1);
  });

  it('the two-step RNN: w_h and w_i each feed both time steps, one term per time step', () => {
    const t = explainTrace({ expression: RNN, values: RNN_AT });
    for (const name of ['w_h', 'w_i']) {
      const s = stepOf(t, variableNode(t, name).id);
      expect(s.terms, name).toHaveLength(2);
      expect(s.terms.every((c) => t.nodes[c.child].op === 'mul')).toBe(true);
      expect(s.terms[0].value + s.terms[1].value).toBeAllclose(s.grad, TOL);
      // both time steps matter here: neither term is 0
      expect(s.terms.every((c) => c.value !== 0)).toBe(true);
    }
    for (const name of ['w_o', 'h0', 'x1', 'x2']) expect(stepOf(t, variableNode(t, name).id).terms, name).toHaveLength(1);
  });
});

describe('all paths', () => {
  it.each([
    // hand counts: one path per way down the tree to each use of the variable
    [RNN, { w_o: 1, w_h: 2, h0: 1, w_i: 2, x1: 1, x2: 1 }],
    ['x*x + exp(x)*w', { x: 3, w: 1 }],
    ['x*x*x', { x: 3 }],
    ['(x + y)*(x - y)', { x: 2, y: 2 }],
    ['(x + x)*(x + x)', { x: 4 }],
    ['sigmoid(w*x + b)', { w: 1, x: 1, b: 1 }],
    ['exp(s1)/(exp(s1) + exp(s2))', { s1: 2, s2: 1 }],
    ['x^x', { x: 2 }],
  ])('%s: the path counts are %j and each variable\'s path products sum to its gradient', (expression, counts) => {
    const t = explainTrace({ expression, values: expression === RNN ? RNN_AT : undefined });
    expect(Object.fromEntries(t.paths.map((p) => [p.variable, p.count]))).toEqual(counts);
    for (const p of t.paths) {
      expect(p.paths).toHaveLength(p.count);
      for (const q of p.paths) {
        expect(q.nodes[0]).toBe(t.output);
        expect(q.nodes[q.nodes.length - 1]).toBe(variableNode(t, p.variable).id);
        expect(q.factors).toHaveLength(q.nodes.length - 1);
        expect(q.product).toBeAllclose(q.factors.reduce((a, b) => a * b, 1), TOL);
      }
      expect(p.total).toBeAllclose(t.gradient[p.variable], { rtol: 1e-12, atol: 1e-15 });
    }
  });
});

describe('kinks', () => {
  it('relu exactly at 0 gets the note and uses reluAtZero: d/dx relu(x) w at x = 0 is relu\'(0) w', () => {
    for (const r of [0, 0.5, 1]) {
      const t = explainTrace({ expression: 'relu(x)*w', values: { x: 0, w: 2 }, reluAtZero: r });
      expect(t.kink?.note).toContain(`relu'(0) = ${r}`);
      expect(t.nodes[t.kink!.node].op).toBe('relu');
      expect(t.reluAtZero).toBe(r);
      expect(t.gradient.x).toBe(r * 2);
      expect(t.derivatives.find((d) => d.variable === 'x')!.value).toBe(r * 2);
    }
  });

  it('a max or min tie gives the first argument the relu\'(0) share and the second the rest, symbolically too', () => {
    for (const r of [0, 0.5, 1]) {
      const t = explainTrace({ expression: 'max(x, y) + 2*min(x, y)', values: { x: 1, y: 1 }, reluAtZero: r });
      expect(t.kink).toBeDefined();
      expect(t.gradient).toEqual({ x: r + 2 * r, y: 1 - r + 2 * (1 - r) });
      expect(t.derivatives.map((d) => [d.variable, d.value])).toEqual([['x', 3 * r], ['y', 3 * (1 - r)]]);
      // the derivative a student writes with step(z) = relu'(z) follows the same convention
      expect(explainTrace({ expression: "relu'(z)*w", values: { z: 0, w: 3 }, reluAtZero: r }).value).toBe(3 * r);
    }
  });

  it('no note away from the kink, and defaults are drawn away from it', () => {
    expect(explainTrace({ expression: 'relu(x)*w', values: { x: 0.3, w: 2 } }).kink).toBeUndefined();
    for (let seed = 0; seed < 20; seed++) expect(explainTrace({ expression: 'relu(x - y) + max(x, y)', seed }).kink).toBeUndefined();
  });
});

describe('values', () => {
  it('defaults are positive under log and sqrt (and in a denominator), for every seed', () => {
    for (let seed = 0; seed < 30; seed++) {
      const t = explainTrace({ expression: 'log(a) + sqrt(b) + 1/c + d', seed });
      const v = Object.fromEntries(t.variables.map((x) => [x.name, x.value]));
      for (const n of ['a', 'b', 'c']) expect(v[n], `${n} with seed ${seed}`).toBeGreaterThan(0);
      expect(Number.isFinite(t.value)).toBe(true);
      expect(t.variables.every((x) => x.assumed)).toBe(true);
    }
  });

  it('defaults are reproducible from the seed, and the seed matters', () => {
    const values = (seed?: number) => explainTrace({ expression: 'sigmoid(w*x + b)', seed }).variables.map((v) => v.value);
    expect(values(7)).toEqual(values(7));
    expect(values()).toEqual(values(361));
    expect(values(7)).not.toEqual(values(8));
    for (const v of values(7)) {
      expect(Math.abs(v)).toBeLessThanOrEqual(1);
      expect(Math.round(v * 100) / 100).toBe(v);
    }
  });

  it('given values are used and marked not assumed; the rest are assumed', () => {
    const t = explainTrace({ expression: 'sigmoid(w*x + b)', values: { x: 0.5, w: 1 } });
    expect(t.variables).toEqual([
      { name: 'w', value: 1, assumed: false },
      { name: 'x', value: 0.5, assumed: false },
      { name: 'b', value: t.variables[2].value, assumed: true },
    ]);
    const s = 1 / (1 + Math.exp(-(0.5 + t.variables[2].value)));
    expect(t.value).toBeAllclose(s, TOL);
    expect(t.gradient.w).toBeAllclose(s * (1 - s) * 0.5, TOL);
  });

  it('wrt picks one variable; an unknown one is an InputError naming the variables', () => {
    const t = explainTrace({ expression: 'sigmoid(w*x + b)', wrt: 'w' });
    expect(t.wrt).toEqual(['w']);
    expect(t.derivatives.map((d) => d.variable)).toEqual(['w']);
    expect(t.paths.map((p) => p.variable)).toEqual(['w']);
    expect(() => explainTrace({ expression: 'sigmoid(w*x + b)', wrt: 'q' })).toThrow(InputError);
    expect(() => explainTrace({ expression: 'sigmoid(w*x + b)', wrt: 'q' })).toThrow('q is not a variable of this expression; its variables are w, x, b');
    expect(() => explainTrace({ expression: '2 + 3', wrt: 'x' })).toThrow('(it has none)');
  });

  it('bad expressions are InputErrors', () => {
    expect(() => explainTrace({ expression: 'sigmoid(x))' })).toThrow(InputError);
    expect(() => explainTrace({ expression: '' })).toThrow(InputError);
  });
});

/** Every $...$ and $$...$$ of a Markdown text. */
const mathOf = (md: string): string[] => [...md.matchAll(/\$\$([\s\S]+?)\$\$|\$([^$\n]+?)\$/g)].map((m) => m[1] ?? m[2]);
const render = (s: string, displayMode = false): void => {
  expect(() => katex.renderToString(s, { throwOnError: true, displayMode }), s).not.toThrow();
};

describe('derivation', () => {
  it('the Markdown and LaTeX derivations contain every step equation', () => {
    const t = explainTrace({ expression: RNN, values: RNN_AT });
    const md = derivationMarkdown(t), tex = derivationLatex(t);
    for (const s of t.steps) {
      expect(md).toContain(`$${stepLatex(t, s)}$`);
      expect(tex).toContain(stepLatex(t, s).replace('=', '&='));
    }
    // the step for w_h, in symbols and in numbers: a sum over its two children
    const wh = stepOf(t, variableNode(t, 'w_h').id);
    expect(stepLatex(t, wh)).toMatch(/^\\frac\{\\partial f\}\{\\partial w_\{h\}\} = .+ \+ .+ = .+ \+ .+ = /);
    expect(md).toContain('**All 2 paths from $f$ to $w_{h}$**');
    for (const d of t.derivatives) expect(md).toContain(d.latex);
  });

  it.each(EXPRESSIONS)('%s: every LaTeX string renders in KaTeX (throwOnError)', (expression) => {
    const t = explainTrace({ expression });
    render(t.latex);
    for (const n of t.nodes) [n.symbol, n.latex, n.rule].forEach((s) => render(s));
    for (const s of t.steps) {
      render(stepLatex(t, s));
      localsLatex(t, s).forEach((s) => render(s));
    }
    for (const d of t.derivatives) render(d.latex);
    for (const m of mathOf(derivationMarkdown(t))) render(m, true);
    const body = derivationLatex(t).split('\n').filter((l) => !l.startsWith('%')).join('\n');
    render(body, true);
  });

  it('a kink note ends the Markdown derivation', () => {
    const t = explainTrace({ expression: 'relu(x)*w', values: { x: 0, w: 2 } });
    expect(derivationMarkdown(t)).toContain(`Note: ${t.kink!.note}`);
  });
});
