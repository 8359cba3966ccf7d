/**
 * KaTeX rendering that works under the strict CSP: katex.render builds DOM nodes and sets their
 * styles through CSSOM (renderToString would need inline style attributes, which the CSP blocks).
 * \htmlClass marks the factor just multiplied so CSS can highlight it in any theme.
 */
import katex from 'katex';

export function tex(target: HTMLElement, latex: string, display = true): void {
  katex.render(latex, target, {
    displayMode: display,
    throwOnError: false,
    output: 'htmlAndMathml',
    trust: (ctx) => ctx.command === '\\htmlClass',
    strict: (code: string) => (code === 'htmlExtension' ? 'ignore' : 'warn'),
  });
}

/** A number as LaTeX: 4 significant figures, scientific notation as a × 10^{k}. */
export function texNum(x: number): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? '\\text{NaN}' : x > 0 ? '\\infty' : '-\\infty';
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a < 1e-3 || a >= 1e5) {
    const [m, e] = x.toExponential(3).split('e');
    return `${Number(m)} \\times 10^{${Number(e)}}`;
  }
  return String(Number(x.toPrecision(4)));
}
