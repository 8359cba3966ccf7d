/**
 * The left side of a derivative claim, in the spellings students use: dL/dw_o, ∂L/∂w_h,
 * d/dx (x^2 exp(-x)), sigmoid'(z), and in LaTeX \frac{\partial L}{\partial w_h}, \frac{d}{dx}\left(...\right),
 * \partial L / \partial w, \sigma'(z). Anything else is not a derivative, so prose never becomes one.
 */
import { canonicalName } from './names';

export interface LeftSide {
  /** a named function (dL/dw) or the source of an expression with its offset in the left side */
  fn: { name: string } | { text: string; offset: number };
  wrt: string;
}

const NAME = String.raw`[A-Za-z\u0370-\u03ff][A-Za-z0-9_]*`;
const D = String.raw`(?:d|\\partial|\\mathrm\s*\{\s*d\s*\}|\\mathrm\s+d|\\operatorname\s*\{\s*d\s*\}|\\text\s*\{\s*d\s*\})`;
const LNAME = String.raw`(?:\\[A-Za-z]+|[A-Za-z])(?:\s*_\s*(?:\{[^{}]*\}|[A-Za-z0-9]))?`;
const FN_PRIME = 'sigmoid|σ|tanh|softplus|exp|log|ln|sin|cos|sqrt';
const LATEX_PRIME = String.raw`\\sigma|\\tanh|\\exp|\\log|\\ln|\\sin|\\cos|\\operatorname\s*\{\s*(?:softplus|sigmoid)\s*\}`;

const PLAIN_NAMED = new RegExp(String.raw`^\s*d\s*(${NAME})\s*/\s*d\s*(${NAME})\s*$`);
const PLAIN_OP = new RegExp(String.raw`^\s*d\s*/\s*d\s*(${NAME}?)(?=[\s([{]|$)`);
const PLAIN_PRIME = new RegExp(String.raw`^\s*(${FN_PRIME})\s*'\s*\(\s*(${NAME})\s*\)\s*$`);
const LATEX_NAMED = [
  new RegExp(String.raw`^\s*\\[dt]?frac\s*\{\s*${D}\s*(${LNAME})\s*\}\s*\{\s*${D}\s*(${LNAME})\s*\}\s*$`),
  new RegExp(String.raw`^\s*${D}\s*(${LNAME})\s*/\s*${D}\s*(${LNAME})\s*$`),
];
const LATEX_OP = [
  new RegExp(String.raw`^\s*\\[dt]?frac\s*\{\s*${D}\s*\}\s*\{\s*${D}\s*(${LNAME})\s*\}`),
  new RegExp(String.raw`^\s*${D}\s*/\s*${D}\s*(${LNAME})(?=[\s\\([{]|$)`),
];
const LATEX_PRIME_RE = new RegExp(String.raw`^\s*(${LATEX_PRIME})\s*'\s*\(\s*(${LNAME})\s*\)\s*$`);

const latexName = (s: string): string => canonicalName(s.replace(/\\/g, ''));

/** The derivative a left side names, or undefined when it is not one. */
export function derivativeLeft(text: string, syntax: 'plain' | 'latex'): LeftSide | undefined {
  if (syntax === 'plain') {
    let m = PLAIN_NAMED.exec(text);
    if (m) return { fn: { name: canonicalName(m[1]) }, wrt: canonicalName(m[2]) };
    m = PLAIN_OP.exec(text);
    if (m && m[1] && text.slice(m[0].length).trim() !== '') return { fn: { text: text.slice(m[0].length), offset: m[0].length }, wrt: canonicalName(m[1]) };
    m = PLAIN_PRIME.exec(text);
    if (m) return { fn: { text: `${m[1]}(${m[2]})`, offset: -1 }, wrt: canonicalName(m[2]) };
    return undefined;
  }
  for (const re of LATEX_NAMED) {
    const m = re.exec(text);
    if (m) return { fn: { name: latexName(m[1]) }, wrt: latexName(m[2]) };
  }
  for (const re of LATEX_OP) {
    const m = re.exec(text);
    if (m && text.slice(m[0].length).trim() !== '') return { fn: { text: text.slice(m[0].length), offset: m[0].length }, wrt: latexName(m[1]) };
  }
  const m = LATEX_PRIME_RE.exec(text);
  if (m) {
    const fn = m[1].replace(/\\operatorname\s*\{\s*(\w+)\s*\}/, '\\operatorname{$1}');
    return { fn: { text: `${fn}(${m[2]})`, offset: -1 }, wrt: latexName(m[2]) };
  }
  return undefined;
}

/** Whether a right side is itself written with derivatives (an intermediate step, not checkable). */
export function hasDerivative(text: string): boolean {
  return /\\partial|\\nabla|\\[dt]?frac\s*\{\s*(d|\\mathrm\s*\{\s*d\s*\})\s*[A-Za-z\\]*\s*\}\s*\{\s*(d|\\mathrm)/.test(text)
    || /(^|[^A-Za-z0-9_])d[A-Za-z0-9_{}]*\s*\/\s*d\s*[A-Za-z\\]/.test(text)
    || /[A-Za-z]'\s*\(/.test(text.replace(/relu'/gi, ''));
}

/** The start of a plain-text derivative left side followed by `=` inside a sentence, or -1. */
export function findDerivativeInSentence(text: string): number {
  const re = new RegExp(String.raw`(?<![A-Za-z0-9_/])d\s*(?:${NAME})?\s*/\s*d\s*${NAME}[^=]*=(?!=)`, 'g');
  const m = re.exec(text);
  return m ? m.index : -1;
}
