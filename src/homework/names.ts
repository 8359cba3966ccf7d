/**
 * Variable names as the checker compares them: h_1, h_{1} and h1 are one name (students switch
 * between LaTeX and plain text), and a word is math only if it looks like a symbol, so prose such
 * as "the loss L = cross-entropy" is never read as a product of variables.
 */
import type { Expr } from '../frontends/expression';

const GREEK = new Set([
  'alpha', 'beta', 'gamma', 'delta', 'epsilon', 'varepsilon', 'eta', 'theta', 'lambda', 'mu', 'nu', 'rho', 'tau',
  'phi', 'varphi', 'psi', 'omega', 'xi', 'zeta', 'kappa', 'chi', 'pi',
]);
const FUNCTION_WORDS = new Set([
  'exp', 'log', 'ln', 'sqrt', 'abs', 'sin', 'cos', 'tanh', 'sigmoid', 'sigma', 'relu', 'ReLU', 'Relu', 'softplus',
  'max', 'min', 'step', 'heaviside', 'sign', 'sgn', 'e',
]);

/** h_1 -> h1, h_{12} -> h12, w_{h} -> w_h, \alpha -> alpha. */
export function canonicalName(name: string): string {
  const n = name.replace(/[\\{}\s]/g, '');
  const m = /^([A-Za-z\u0370-\u03ff]+)_(\d+)$/.exec(n);
  return m ? m[1] + m[2] : n;
}

/** The tree with every variable renamed to its canonical name. */
export function canonicalExpr(e: Expr): Expr {
  if (e.kind === 'var') return { ...e, name: canonicalName(e.name) };
  if (e.kind === 'num') return e;
  return { ...e, args: e.args.map(canonicalExpr) };
}

/** A symbol a student would write in math: x, x1, w_h, h_0, a12, alpha, or a name defined above. */
export function isMathWord(word: string, defined: ReadonlySet<string>): boolean {
  if (FUNCTION_WORDS.has(word) || GREEK.has(word) || defined.has(canonicalName(word))) return true;
  const base = /^([A-Za-z\u0370-\u03ff]+?)(\d*)(_\w+)?$/.exec(word);
  return !!base && (base[1].length === 1 || GREEK.has(base[1]));
}

/** The offset of the first word of plain text that is prose, not math, or -1. */
export function firstProseWord(text: string, defined: ReadonlySet<string>): number {
  // a word right before "(" is a function name, right or misspelt: the parser reports it
  const re = /(?<![\w.])[A-Za-z\u0370-\u03ff_][A-Za-z0-9_\u0370-\u03ff]*(?!\s*\(|[\w\u0370-\u03ff])/g;
  for (let m; (m = re.exec(text)); ) if (!isMathWord(m[0], defined)) return m.index;
  return -1;
}

/** The free variables of a tree, in order of first appearance. */
export function variablesOf(e: Expr, out: string[] = []): string[] {
  if (e.kind === 'var') {
    if (!out.includes(e.name)) out.push(e.name);
  } else if (e.kind === 'call') e.args.forEach((a) => variablesOf(a, out));
  return out;
}
