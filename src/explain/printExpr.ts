/**
 * An expression tree as LaTeX (for KaTeX and for students' write-ups) and as plain text that the
 * expression front end reads back to the same tree (for the CLI, JSON and Markdown).
 */
import type { Expr } from '../frontends/expression';

/** Binding strength: a child weaker than its parent gets parentheses. */
function prec(e: Expr): number {
  if (e.kind === 'num') return e.value < 0 ? 2 : 9;
  if (e.kind === 'var') return 9;
  switch (e.fn) {
    case 'add': case 'sub': return 1;
    case 'neg': return 2;
    case 'mul': case 'div': return 3;
    case 'pow': return 5;
    default: return 8;
  }
}

/** A number with at most 12 significant digits, and the two constants by name. */
export function numText(v: number): string {
  if (v === Math.E) return 'e';
  if (v === Math.PI) return 'pi';
  if (Number.isInteger(v) && Math.abs(v) < 1e15) return String(v);
  return String(Number(v.toPrecision(12)));
}

export function toText(e: Expr): string {
  const wrap = (c: Expr, min: number): string => (prec(c) < min ? `(${toText(c)})` : toText(c));
  if (e.kind === 'num') return numText(e.value);
  if (e.kind === 'var') return e.name;
  const [a, b] = e.args;
  switch (e.fn) {
    case 'add': return `${toText(a)} + ${wrap(b, 1)}`;
    case 'sub': return `${toText(a)} - ${wrap(b, 2)}`;
    case 'mul': return `${wrap(a, 3)}*${wrap(b, 4)}`;
    case 'div': return `${wrap(a, 3)}/${wrap(b, 4)}`;
    case 'pow': return `${wrap(a, 6)}^${wrap(b, 6)}`;
    case 'neg': return `-${wrap(a, 3)}`;
    default: return `${e.fn}(${e.args.map(toText).join(', ')})`;
  }
}

const GREEK = new Set(['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'eta', 'theta', 'lambda', 'mu', 'nu', 'rho', 'tau', 'phi', 'psi', 'omega', 'xi', 'zeta', 'kappa', 'chi']);

/** w_h -> w_{h}, h0 -> h_{0}, alpha -> \alpha, lr -> \mathit{lr}. */
export function varLatex(name: string): string {
  const m = /^([A-Za-z\u0370-\u03ff]+?)(?:_?(\d+)|_(\w+))?$/.exec(name);
  if (!m) return `\\mathit{${name.replace(/_/g, '\\_')}}`;
  const [, base, digits, sub] = m;
  const b = GREEK.has(base) ? `\\${base}` : base.length > 1 ? `\\mathit{${base}}` : base;
  const s = digits ?? sub;
  return s === undefined ? b : `${b}_{${s.replace(/_/g, ',')}}`;
}

const FN_LATEX: Record<string, string> = {
  log: '\\log', sin: '\\sin', cos: '\\cos', tanh: '\\tanh', sigmoid: '\\sigma', relu: '\\operatorname{relu}',
  softplus: '\\operatorname{softplus}', step: '\\operatorname{step}', sign: '\\operatorname{sign}', max: '\\max', min: '\\min',
};

export function toLatex(e: Expr): string {
  const wrap = (c: Expr, min: number): string => (prec(c) < min ? `\\left(${toLatex(c)}\\right)` : toLatex(c));
  if (e.kind === 'num') return e.value === Math.E ? 'e' : e.value === Math.PI ? '\\pi' : numText(e.value);
  if (e.kind === 'var') return varLatex(e.name);
  const [a, b] = e.args;
  switch (e.fn) {
    case 'add': return `${toLatex(a)} + ${wrap(b, 1)}`;
    case 'sub': return `${toLatex(a)} - ${wrap(b, 2)}`;
    case 'mul': {
      const right = wrap(b, 3); // a product is associative: a (b c) = a b c
      // juxtapose unless two numbers would run together
      return `${wrap(a, 3)}${/^[0-9.]/.test(right) ? ' \\cdot ' : '\\,'}${right}`;
    }
    case 'div': return `\\frac{${toLatex(a)}}{${toLatex(b)}}`;
    // e^{x} is itself a power: (e^{x})^{2}, never the double superscript e^{x}^{2}
    case 'pow': return `${a.kind === 'call' && a.fn === 'exp' ? `\\left(${toLatex(a)}\\right)` : wrap(a, 6)}^{${toLatex(b)}}`;
    case 'neg': return `-${wrap(a, 3)}`;
    case 'exp': return `e^{${toLatex(a)}}`;
    case 'sqrt': return `\\sqrt{${toLatex(a)}}`;
    case 'abs': return `\\left|${toLatex(a)}\\right|`;
    default: return `${FN_LATEX[e.fn]}\\left(${e.args.map(toLatex).join(', ')}\\right)`;
  }
}
