/**
 * The words of Check Backward Pass in the editor: a wrong gradient's diagnostic (parameter, worst
 * entry, first bad time step; the diagnostic's place says the line), the summary, the list's rows
 * and the error of code outside the subset. Pure, shared by nothing else, tested on its own.
 */
import type { CheckOutcome, CheckReport, CheckedParam } from './checkOutcome';

const num = (x: number): string => String(Number(x.toPrecision(6)));

/** The diagnostic on the line that computes a wrong gradient. */
export function wrongGradientMessage(p: CheckedParam, hidden?: CheckReport['hidden']): string {
  if (!p.worst) return `${p.message}.`; // shapes differ: the core's message names both
  const which = p.worst.index.length ? `its worst entry, [${p.worst.index.join(', ')}], is` : 'it is';
  return [
    `${p.gradientVariable} is not dL/d${p.name}: ${which} ${num(p.worst.hand)} where autodiff gives ${num(p.worst.auto)} (relative error ${p.relError.toPrecision(3)}).`,
    ...(p.firstBadStep !== undefined && hidden ? [`The hand-written dL/d${hidden.name}_t${hidden.gradient ? ` (${hidden.gradient})` : ''} first disagrees at t = ${p.firstBadStep}.`] : []),
  ].join(' ');
}

/** "Check Backward Pass (function lossFun): 2 of 5 gradients correct. ..." */
export function summaryText(r: CheckReport, scope: string): string {
  const ok = r.params.filter((p) => p.verdict === 'correct').length, n = r.params.length;
  const verdict = ok === n ? `all ${n} gradient${n === 1 ? '' : 's'} correct (relative error < 1e-6)` : `${ok} of ${n} gradients correct`;
  const random = r.assumed.filter((a) => a.origin === 'random').map((a) => a.name);
  return [
    `Check Backward Pass (${r.fellBack ? 'the whole file' : scope}): ${verdict}.`,
    ...(r.fellBack ? [`(Nothing to check in ${scope} alone.)`] : []),
    ...(r.unpaired.length ? [`No hand-written gradient for ${r.unpaired.join(', ')}.`] : []),
    ...(random.length ? [`Given random values: ${random.join(', ')} (add # gradient-lens: name = ... to choose them).`] : []),
  ].join(' ');
}

/** One row of the list of gradients. */
export function pickRow(p: CheckedParam, hidden?: CheckReport['hidden']): { label: string; description: string; detail: string } {
  const ok = p.verdict === 'correct';
  return {
    label: `${ok ? '$(pass)' : '$(warning)'} ${p.gradientVariable} ${ok ? '=' : '≠'} dL/d${p.name}`,
    description: `relative error ${Number.isFinite(p.relError) ? p.relError.toExponential(1) : 'shape mismatch'}`,
    detail: ok ? 'matches autodiff' : wrongGradientMessage(p, hidden),
  };
}

/** The notification for a check that could not run; `where` is "line 12" or "code cell 3, line 4". */
export function failureText(o: Extract<CheckOutcome, { ok: false }>, where: string): string {
  if (o.kind === 'no-gradients') return `Check Backward Pass: ${o.detail}.`;
  const what = o.kind === 'limit' ? 'stopped at a resource limit' : o.kind === 'syntax' ? 'cannot read the code' : o.kind === 'runtime' ? 'the code fails' : 'the code is outside the supported subset';
  return `Check Backward Pass: ${what} (${where}): ${o.detail}`;
}

/** The diagnostic code of each kind of failure. */
export const FAILURE_CODE = { unsupported: 'unsupported-code', runtime: 'runtime-error', limit: 'resource-limit', syntax: 'syntax-error' } as const;

/**
 * The last line (0-based) that assigns `variable` (`dWhy += ...`, `dWhy = ...`), to go to from the
 * list for a correct gradient (a wrong one has the line of its cause), or undefined.
 */
export function assignmentLine(text: string, variable: string): number | undefined {
  const esc = variable.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(`(^|[^\\w.'"])${esc}\\s*(?:[-+*/@]?=(?!=))`);
  const lines = text.split('\n');
  for (let i = lines.length - 1; i >= 0; i--) if (re.test(lines[i].replace(/#.*$/, ''))) return i;
  return undefined;
}
