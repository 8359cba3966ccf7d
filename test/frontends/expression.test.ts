/**
 * The expression front end: every spelling the issue documents (plain text and the LaTeX subset)
 * parses to the tree its canonical text names, every node's span points at the text it came from,
 * and bad input gets one precise message.
 */
import { describe, expect, it } from 'vitest';
import type { Expr } from '../../src/frontends/expression';
import { parseExpression } from '../../src/frontends/expression';
import { InputError } from '../../src/frontends/sentence';
import { toText } from '../../src/explain/printExpr';

const canonical = (source: string): string => toText(parseExpression(source).expr);

/** Every node as "fn: covered text", depth first, so a test can look up a node by what it is. */
function spans(source: string): string[] {
  const out: string[] = [];
  const walk = (e: Expr): void => {
    const what = e.kind === 'call' ? e.fn : e.kind === 'var' ? e.name : String(e.value);
    out.push(`${what}: ${e.span ? source.slice(e.span.start, e.span.end) : '(none)'}`);
    if (e.kind === 'call') e.args.forEach(walk);
  };
  walk(parseExpression(source).expr);
  return out;
}

function parseError(source: string): string {
  try {
    parseExpression(source);
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as Error).message;
  }
  throw new Error(`${source} parsed`);
}

describe('plain text', () => {
  it.each([
    // operators: * and implicit multiplication, ^ and **, unary minus, division
    ['w*x + b', 'w*x + b'],
    ['x^3', 'x^3'],
    ['x**3', 'x^3'],
    ['2**x**2', '2^(x^2)'],
    ['-x^2', '-x^2'],
    ['x^-2', 'x^(-2)'],
    ['a/b/c', 'a/b/c'],
    ['a - (b - c)', 'a - (b - c)'],
    ['2x', '2*x'],
    ['2x + 3y', '2*x + 3*y'],
    ['w_h h0', 'w_h*h0'],
    ['w_h h0 + w_i x1', 'w_h*h0 + w_i*x1'],
    ['2(x + 1)', '2*(x + 1)'],
    ['x(1 - x)', 'x*(1 - x)'],
    ['x·y × z', 'x*y*z'],
    ['x − y', 'x - y'],
    // functions and their other names
    ['exp(x)', 'exp(x)'],
    ['log(x)', 'log(x)'],
    ['ln(x)', 'log(x)'],
    ['sqrt(x)', 'sqrt(x)'],
    ['abs(x)', 'abs(x)'],
    ['sin(x) cos(y)', 'sin(x)*cos(y)'],
    ['tanh(x)', 'tanh(x)'],
    ['sigmoid(z)', 'sigmoid(z)'],
    ['σ(z)', 'sigmoid(z)'],
    ['relu(z)', 'relu(z)'],
    ['ReLU(z)', 'relu(z)'],
    ['softplus(z)', 'softplus(z)'],
    ['max(a, b)', 'max(a, b)'],
    ['max(a, b, c)', 'max(max(a, b), c)'],
    ['min(a, b)', 'min(a, b)'],
    ['step(z)', 'step(z)'],
    ['heaviside(z)', 'step(z)'],
    ["relu'(z)", 'step(z)'],
    // constants
    ['e^x', 'e^x'],
    ['2*pi*x', '2*pi*x'],
    ['0.5*x + 1e-3', '0.5*x + 0.001'],
    // the examples
    ['sigmoid(w*x + b)', 'sigmoid(w*x + b)'],
    ['-log(sigmoid(w_o*relu(w_h*relu(w_h*h0 + w_i*x1) + w_i*x2)))', '-log(sigmoid(w_o*relu(w_h*relu(w_h*h0 + w_i*x1) + w_i*x2)))'],
    ['(2*x + 1)^3', '(2*x + 1)^3'],
    ['exp(s1)/(exp(s1) + exp(s2))', 'exp(s1)/(exp(s1) + exp(s2))'],
    ['tanh(w*h + u*x)^2', 'tanh(w*h + u*x)^2'],
  ])('%s reads as %s', (source, expected) => {
    const p = parseExpression(source);
    expect(p.syntax).toBe('plain');
    expect(toText(p.expr)).toBe(expected);
  });

  it('lists the free variables in order of first appearance, constants excluded', () => {
    expect(parseExpression('-log(sigmoid(w_o*relu(w_h*relu(w_h*h0 + w_i*x1) + w_i*x2)))').variables).toEqual(['w_o', 'w_h', 'h0', 'w_i', 'x1', 'x2']);
    expect(parseExpression('2*pi*x + e^y').variables).toEqual(['x', 'y']);
    expect(parseExpression('x(1 - y)').variables).toEqual(['x', 'y']);
    expect(parseExpression('3 + 4').variables).toEqual([]);
  });
});

describe('LaTeX', () => {
  it.each([
    ['\\frac{a}{b}', 'a/b'],
    ['\\frac12 x', '1/2*x'],
    ['x^10 \\cdot y', 'x^10*y'],
    ['a \\cdot b', 'a*b'],
    ['a \\times b', 'a*b'],
    ['x^{2}', 'x^2'],
    ['x^{-2}', 'x^(-2)'],
    ['x^{\\frac{1}{2}}', 'x^(1/2)'],
    ['w_{h} h_{0}', 'w_h*h_0'],
    ['w_h h_{2}', 'w_h*h_2'],
    ['\\sigma(z)', 'sigmoid(z)'],
    ['\\tanh(z)', 'tanh(z)'],
    ['\\exp(z)', 'exp(z)'],
    ['e^{z}', 'e^z'],
    ['e^{-x^2}', 'e^(-x^2)'],
    ['\\log(x)', 'log(x)'],
    ['\\ln(x)', 'log(x)'],
    ['\\log x', 'log(x)'],
    ['\\sqrt{x}', 'sqrt(x)'],
    ['\\sqrt{x^2 + 1}', 'sqrt(x^2 + 1)'],
    ['\\left(2x+1\\right)^{3}', '(2*x + 1)^3'],
    ['\\operatorname{relu}(z)', 'relu(z)'],
    ['\\mathrm{ReLU}(z)', 'relu(z)'],
    ["\\operatorname{relu}'(z)", 'step(z)'],
    ['\\max(a, b)', 'max(a, b)'],
    ['\\min(a, b)', 'min(a, b)'],
    ['\\sin x \\cos y', 'sin(x)*cos(y)'],
    ['\\mathrm{lr}^2 x', 'lr^2*x'],
    ['\\alpha x', 'alpha*x'],
    ['$\\sigma(z)$', 'sigmoid(z)'],
    // the examples
    ['\\sigma(wx+b)', 'sigmoid(w*x + b)'],
    ['-\\log \\sigma(w_o h_2)', '-log(sigmoid(w_o*h_2))'],
    ['\\frac{e^{s_1}}{e^{s_1}+e^{s_2}}', 'e^s_1/(e^s_1 + e^s_2)'],
  ])('%s reads as %s', (source, expected) => {
    const p = parseExpression(source);
    expect(p.syntax).toBe('latex');
    expect(toText(p.expr)).toBe(expected);
  });

  it('chooses LaTeX only for LaTeX, unless told', () => {
    expect(parseExpression('w_h h0').syntax).toBe('plain');
    expect(parseExpression('x^{2}').syntax).toBe('latex');
    expect(parseExpression('x^2', 'latex').syntax).toBe('latex');
    expect(canonical('\\sigma(w_o h_2)')).toBe(toText(parseExpression('sigmoid(w_o*h_2)', 'plain').expr));
  });
});

describe('spans: each node covers the source text it came from', () => {
  it('\\sigma(wx+b): the sigmoid covers the whole call, each variable its letter', () => {
    expect(spans('\\sigma(wx+b)')).toEqual(['sigmoid: \\sigma(wx+b)', 'add: wx+b', 'mul: wx', 'w: w', 'x: x', 'b: b']);
  });

  it('(2*x + 1)^3: the sum covers its parentheses', () => {
    expect(spans('(2*x + 1)^3')).toEqual(['pow: (2*x + 1)^3', 'add: (2*x + 1)', 'mul: 2*x', '2: 2', 'x: x', '1: 1', '3: 3']);
  });

  it('-\\log \\sigma(w_o h_2): the minus sign belongs to the negation', () => {
    expect(spans('-\\log \\sigma(w_o h_2)')).toEqual([
      'neg: -\\log \\sigma(w_o h_2)', 'log: \\log \\sigma(w_o h_2)', 'sigmoid: \\sigma(w_o h_2)', 'mul: w_o h_2', 'w_o: w_o', 'h_2: h_2',
    ]);
    expect(spans('x^-2')).toEqual(['pow: x^-2', 'x: x', 'neg: -2', '2: 2']);
    expect(spans('-log(p)')[0]).toBe('neg: -log(p)');
  });

  it('\\left( \\right) belong to the group they size', () => {
    expect(spans('\\left(2x+1\\right)^{3}').slice(0, 2)).toEqual(['pow: \\left(2x+1\\right)^{3}', 'add: \\left(2x+1\\right)']);
    expect(spans('\\sigma\\left(z\\right)')[0]).toBe('sigmoid: \\sigma\\left(z\\right)');
  });

  it('a variable used twice is two nodes, each at its own place', () => {
    const source = 'w_h*relu(w_h*h0)';
    const { expr } = parseExpression(source);
    const at: number[] = [];
    const walk = (e: Expr): void => {
      if (e.kind === 'var' && e.name === 'w_h') at.push(e.span!.start);
      if (e.kind === 'call') e.args.forEach(walk);
    };
    walk(expr);
    expect(at).toEqual([0, 9]);
  });

  it('plain spellings: 2x, w_h h0, **, relu\'', () => {
    expect(spans('w_h h0 + 2x')).toEqual(['add: w_h h0 + 2x', 'mul: w_h h0', 'w_h: w_h', 'h0: h0', 'mul: 2x', '2: 2', 'x: x']);
    expect(spans('x**2')).toEqual(['pow: x**2', 'x: x', '2: 2']);
    expect(spans("relu'(z)")).toEqual(["step: relu'(z)", 'z: z']);
  });

  it('every fold of max(a, b, c) stands for the whole call', () => {
    expect(spans('max(x, y, z)')).toEqual(['max: max(x, y, z)', 'max: max(x, y, z)', 'x: x', 'y: y', 'z: z']);
  });

  it('LaTeX powers and fractions: e^{s_1} covers the power, the fraction covers \\frac{...}{...}', () => {
    const s = spans('\\frac{e^{s_1}}{e^{s_1}+e^{s_2}}');
    expect(s[0]).toBe('div: \\frac{e^{s_1}}{e^{s_1}+e^{s_2}}');
    expect(s).toContain('pow: e^{s_2}');
    expect(s).toContain('add: {e^{s_1}+e^{s_2}}');
  });
});

describe('bad input: one precise message', () => {
  it.each([
    // where parsing stopped, as a 1-based column of the source
    ['sigmoid(x))', "unexpected ')' at column 11"],
    ['(x + y))', "unexpected ')' at column 8"],
    ['\\sigma(x))', "unexpected ')' at column 10"],
    ['3.5.2', "unexpected '.' at column 4"],
    // an opening parenthesis without its closing one names the opening one
    ['(x + 1', "'(' is never closed at column 1"],
    ['sigmoid((x)', "'(' is never closed at column 8"],
    ['\\sigma(x', "'(' is never closed at column 7"],
    ['\\frac{x}{', "'{' is never closed at column 9"],
    // an expression cut short
    ['x +', 'The expression ends too early'],
    // LaTeX outside the subset
    ['\\foo{x}', 'unsupported LaTeX command \\foo at column 1'],
    ['a + \\int x', 'unsupported LaTeX command \\int at column 5'],
    ['\\sqrt[3]{x}', 'only square roots are supported'],
    ['\\log^2 x', 'write powers of log after its argument, e.g. log(x)^2'],
    // a function without parentheses
    ['exp x', 'exp is a function: write exp(…) with parentheses (column 1)'],
    ['2 + sigmoid', 'sigmoid is a function: write sigmoid(…) with parentheses (column 5)'],
    // arguments
    ['sigmoid(x, y)', 'sigmoid takes 1 argument, got 2'],
    ['max(x)', 'max needs at least two arguments, e.g. max(a, b)'],
    ['x == y', "The operator '==' is not supported"],
  ])('%s: %s', (source, message) => {
    expect(parseError(source)).toContain(message);
  });

  it('an unknown function is named, with its column and what is supported', () => {
    const m = parseError('2 + foo(x)');
    expect(m).toMatch(/^Unknown function 'foo' at column 5\. Supported: exp, log, sqrt, abs, sin, cos, tanh, sigmoid, relu, softplus, max, min, step/);
    expect(m).toContain('ln, σ, heaviside');
    // in LaTeX the column is the source's, not the rewritten text's
    expect(parseError('x + \\operatorname{foo}(x)')).toMatch(/^Unknown function 'foo' at column 5\./);
  });

  it('empty input says what to select', () => {
    expect(parseError('')).toBe('The selection is empty: select a math expression such as sigmoid(w*x + b).');
    expect(parseError('  \n ')).toContain('The selection is empty');
  });

  it('one line, no stack trace, for every message', () => {
    for (const s of ['sigmoid(x))', '(x + 1', '\\foo{x}', 'foo(x)', '']) expect(parseError(s)).not.toContain('\n');
  });
});

describe('a power followed by a parenthesised factor', () => {
  // mathjs alone reads e^x (1 + x) as e^(x (1 + x)); d/dx (x e^x) = e^x (1 + x) is what students write
  it.each([
    ['e^x (1 + x)', 'e^x*(1 + x)'],
    ['2^x (1+x)', '2^x*(1 + x)'],
    ['x^x (1 + ln(x))', 'x^x*(1 + log(x))'],
  ])('%s is the power times the factor', (source, expected) => {
    expect(canonical(source)).toBe(expected);
  });
});
