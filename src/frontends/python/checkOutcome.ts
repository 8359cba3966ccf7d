/**
 * Check Backward Pass as plain data for the editor: the result without its tensors (it crosses the
 * worker boundary), or the PythonError as data, with "no hand-written gradient" told apart. A check
 * of one function that finds nothing to check there falls back to the whole file.
 */
import type { SourceRange } from '../../engine/tape';
import type { CheckOptions, CheckResult, ParamCheck } from './checkBackward';
import { checkBackward } from './checkBackward';
import type { PyErrorKind } from './pyError';
import { PythonError } from './pyError';
import type { AssumedValue } from './trace';

export type CheckedParam = Omit<ParamCheck, 'hand' | 'auto'>;

export interface CheckReport extends Omit<CheckResult, 'params' | 'assumed'> {
  params: CheckedParam[];
  /** values the check had to assume (no tensors) */
  assumed: { name: string; origin: AssumedValue['origin'] }[];
  /** why a function check became a whole-file check */
  fellBack?: string;
}

export type CheckOutcome =
  | { ok: true; report: CheckReport }
  | { ok: false; kind: PyErrorKind | 'no-gradients'; detail: string; range: SourceRange };

export type CheckJobOptions = Pick<CheckOptions, 'functionName' | 'lines'>;

function plain(r: CheckResult, fellBack?: string): CheckReport {
  return {
    loss: r.loss,
    params: r.params.map(({ hand: _h, auto: _a, ...p }) => p),
    unpaired: r.unpaired,
    ...(r.hidden ? { hidden: r.hidden } : {}),
    assumed: r.assumed.map((a) => ({ name: a.name, origin: a.origin })),
    ...(fellBack ? { fellBack } : {}),
  };
}

function asData(e: unknown): CheckOutcome {
  if (!(e instanceof PythonError)) throw e;
  const none = e.detail.startsWith('no hand-written gradient');
  return { ok: false, kind: none ? 'no-gradients' : e.kind, detail: e.detail, range: e.range };
}

export function checkOutcome(text: string, opts: CheckJobOptions = {}): CheckOutcome {
  try {
    return { ok: true, report: plain(checkBackward(text, opts)) };
  } catch (e) {
    const first = asData(e);
    if (first.ok || !opts.functionName || first.kind === 'limit') return first;
    // the cursor was in a helper (sigmoid) or a function that is not the loss: try the whole file
    try {
      return { ok: true, report: plain(checkBackward(text, { ...opts, functionName: undefined }), first.detail) };
    } catch {
      return first;
    }
  }
}

/**
 * Estimated milliseconds, to choose between inline and the worker: about 1.2 us per multiply-add of
 * the three largest integers in the code (sequence length x hidden size x vocabulary, measured on
 * min-char-rnn: 25 x 100 x 65 takes ~300 ms), plus the parse; a `while` may run to its iteration cap.
 */
export function checkCost(text: string): number {
  const code = text.replace(/#.*$/gm, '');
  const ints = (code.match(/(?<![\w.])\d+(?![\w.])/g) ?? []).map(Number).filter((n) => n >= 2).map((n) => Math.min(n, 1e4));
  const [a = 1, b = 1, c = 1] = ints.sort((x, y) => y - x);
  return text.length * 0.005 + a * b * c * 1.2e-3 + (/\bwhile\b/.test(code) ? 100 : 0);
}
