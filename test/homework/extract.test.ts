/**
 * Finding claims, definitions and directives: plain text and LaTeX, exact ranges, notebook cells,
 * and prose that talks about derivatives without making a claim.
 */
import { describe, expect, it } from 'vitest';
import { toText } from '../../src/explain/printExpr';
import { extractItems } from '../../src/homework/extract';
import type { DocKind, Item } from '../../src/homework/types';

type Claim = Extract<Item, { type: 'claim' }>;
const claims = (text: string, kind: DocKind = 'md'): Claim[] => extractItems(text, kind).filter((i): i is Claim => i.type === 'claim');
const fnText = (c: Claim): string => ('name' in c.fn ? c.fn.name : toText(c.fn.expr));

describe('plain-text claims', () => {
  it('reads dL/dw_o, ∂L/∂w_h, d/dx (...) and sigmoid\'(z) left sides', () => {
    const cs = claims('dL/dw_o = (p - 1)*h2\n∂L/∂w_h = 0\nd/dx (x^2 exp(-x)) = 2x exp(-x) - x^2 exp(-x)\nsigmoid\'(z) = sigmoid(z)(1 - sigmoid(z))');
    expect(cs.map((c) => [fnText(c), c.wrt])).toEqual([['L', 'w_o'], ['L', 'w_h'], ['x^2*exp(-x)', 'x'], ['sigmoid(z)', 'z']]);
    expect(toText(cs[2].rhs)).toBe('2*x*exp(-x) - x^2*exp(-x)');
  });

  it('gives each claim the exact range of "lhs = rhs", 0-based, without trailing punctuation', () => {
    const line = '- So dL/dw_o = (p - 1)*h2.';
    const [c] = claims(`Intro line.\n${line}`);
    expect(c.range).toEqual({ line: 1, col: line.indexOf('dL'), endLine: 1, endCol: line.lastIndexOf('.') });
    expect([c.lhs, c.claim]).toEqual(['dL/dw_o', '(p - 1)*h2']);
  });

  it('reads the relu derivative spelled relu\'(z), step(z), H(z), 1[z>0] and (z>0) as the same step', () => {
    const cs = claims("d/dz relu(z) = relu'(z)\nd/dz relu(z) = step(z)\nd/dz relu(z) = H(z)\nd/dz relu(z) = 1[z>0]\nd/dz relu(z) = (z > 0)");
    expect(cs.map((c) => toText(c.rhs))).toEqual(['step(z)', 'step(z)', 'step(z)', 'step(z - 0)', 'step(z - 0)']);
  });

  it('reads "# check:" lines and comments in Python, never code', () => {
    const py = 'h1 = relu(w_h*h0 + w_i*x1)\nprint("dL/dw =", g)  # dL/dw_h = 0\n# check: d/dz sigmoid(z) = sigmoid(z)*(1 - sigmoid(z))\n';
    const items = extractItems(py, 'py');
    expect(items.map((i) => i.type)).toEqual(['claim', 'claim']);
    const line = py.split('\n')[2];
    expect((items[1] as Claim).range).toEqual({ line: 2, col: line.indexOf('d/dz'), endLine: 2, endCol: line.length });
  });

  it('makes no claim of prose about derivatives', () => {
    const prose = [
      'The loss L = cross-entropy, and d/dx is the derivative.',
      'dL/dw is what we want.',
      'We write dL/dw = a sum over time steps.',
      'Set the learning rate lr = small enough, and note that d/dx of a constant is zero.',
      'The price is $5 and $10 for d/dx.',
    ].join('\n');
    expect(extractItems(prose, 'md')).toEqual([]);
    expect(extractItems(prose, 'txt')).toEqual([]);
  });

  it('reports a claim whose right side does not parse as an error at its column', () => {
    // the extra ')' is the 30th character of the line
    const items = extractItems('text\ndL/dw_o = (sigmoid(z) - 1)*h2)', 'md');
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ type: 'error', lhs: 'dL/dw_o', message: "unexpected ')' at column 30", range: { line: 1, col: 29 } });
  });
});

describe('LaTeX claims', () => {
  it('reads \\frac{\\partial L}{\\partial w_h}, \\frac{d}{dx}\\left(...\\right) and \\mathbb{1}[z>0]', () => {
    const first = String.raw`$$\frac{\partial L}{\partial w_h} = \left(\sigma(z) - 1\right) w_o \mathbb{1}[a_2 > 0] h_1$$`;
    const cs = claims(`${first}\n${String.raw`\[ \frac{d}{dx}\left(x^2 e^{-x}\right) = x(2 - x) e^{-x} \]`}`);
    expect(cs.map((c) => [fnText(c), c.wrt])).toEqual([['L', 'w_h'], ['x^2*e^(-x)', 'x']]);
    // (sigma(z) - 1) w_o [a2 > 0] h1, with the indicator a step
    expect(toText(cs[0].rhs)).toBe('(sigmoid(z) - 1)*(w_o*step(a2 - 0))*h1');
    expect(cs[0].range).toEqual({ line: 0, col: 2, endLine: 0, endCol: first.length - 2 });
  });

  it('reads each line of an align environment, a leading "&=" continuing the left side above', () => {
    const tex = String.raw`\begin{align}
\frac{d}{dx}\left(x^2 e^{-x}\right) &= \frac{d}{dx}(x^2) e^{-x} + x^2 \frac{d}{dx} e^{-x} \\
  &= 2x e^{-x} - x^2 e^{-x} \\
  &= x(2 - x) e^{-x}
\end{align}`;
    const cs = claims(tex, 'tex');
    expect(cs.map((c) => [c.lhs, c.claim, c.range.line])).toEqual([
      [String.raw`\frac{d}{dx}\left(x^2 e^{-x}\right)`, String.raw`2x e^{-x} - x^2 e^{-x}`, 2],
      [String.raw`\frac{d}{dx}\left(x^2 e^{-x}\right)`, String.raw`x(2 - x) e^{-x}`, 3],
    ]);
  });

  it('drops trailing \\quad \\text{...} notes and reads \\tanh^2(x)', () => {
    const [c] = claims(String.raw`$\frac{d}{dx}\tanh(x) = 1 - \tanh^2(x) \quad \text{for all } x$`);
    expect(toText(c.rhs)).toBe('1 - tanh(x)^2');
    expect(c.claim).toBe(String.raw`1 - \tanh^2(x)`);
  });
});

describe('definitions and directives', () => {
  it('reads definitions in plain text, comments and LaTeX, with h_1 and h1 the same name', () => {
    const md = 'h1 = relu(w_h*h0 + w_i*x1)\n$h_2 = \\operatorname{relu}(w_h h_1 + w_i x_2)$\nwhere L = -log(sigmoid(w_o*h2)) is the loss\nw_h = 0.5\n';
    const defs = extractItems(md, 'md').filter((i) => i.type === 'definition');
    expect(defs.map((d) => d.type === 'definition' && `${d.name} = ${toText(d.expr)}`)).toEqual([
      'h1 = relu(w_h*h0 + w_i*x1)', 'h2 = relu(w_h*h1 + w_i*x2)', 'L = -log(sigmoid(w_o*h2))',
    ]);
  });

  it('reads "domain: w_h in [0.1, 1.5]" (also in an HTML comment, several names, or all variables)', () => {
    const items = extractItems('domain: w_h in [0.1, 1.5]\n<!-- domain: x, y in [0, 1] -->\ndomain: [-1, 1]\n', 'md');
    expect(items.map((i) => i.type === 'domain' && [i.names, i.lo, i.hi])).toEqual([[['w_h'], 0.1, 1.5], [['x', 'y'], 0, 1], [null, -1, 1]]);
    expect(extractItems('domain: x in [2, 1]', 'md')[0]).toMatchObject({ type: 'error' });
  });
});

describe('notebooks', () => {
  it('reads Markdown and code cells, with positions relative to the cell and its index', () => {
    const nb = JSON.stringify({ cells: [
      { cell_type: 'markdown', source: ['# Title\n', 'Let $y = x^3$.\n'] },
      { cell_type: 'raw', source: 'dy/dx = 0' },
      { cell_type: 'code', source: ['y = x**3  # code\n', '# check: dy/dx = 3*x**2\n'] },
    ] });
    const items = extractItems(nb, 'ipynb');
    expect(items.map((i) => [i.type, i.range])).toEqual([
      ['definition', { line: 1, col: 5, endLine: 1, endCol: 12, cell: 0 }],
      ['claim', { line: 1, col: 9, endLine: 1, endCol: 23, cell: 2 }],
    ]);
  });
});
