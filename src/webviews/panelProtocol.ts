/**
 * The message shape every options panel shares: the host sends a computed result for the options
 * (or why there is none), the webview says it is ready or sends new options. Each panel fills in
 * its options and payload types; both sides switch exhaustively on `type`.
 */

export type PanelToView<O, P> =
  | ({ type: 'trace'; options: O } & P)
  | { type: 'busy'; options: O; message: string }
  | { type: 'error'; options: O; message: string };

export type PanelFromView<O> = { type: 'ready' } | { type: 'setOptions'; options: O };

export function assertNever(x: never): never {
  throw new Error(`unexpected message ${JSON.stringify(x)}`);
}

export function isFromPanelView<O>(m: unknown, isOptions: (o: unknown) => o is O): m is PanelFromView<O> {
  if (!m || typeof m !== 'object') return false;
  const v = m as Record<string, unknown>;
  switch (v.type) {
    case 'ready': return true;
    case 'setOptions': return isOptions(v.options);
    default: return false;
  }
}

/** The options a webview saved with setState, if they pass the guard (a reload revives from them). */
export function savedOptions<O>(state: unknown, isOptions: (o: unknown) => o is O): O | undefined {
  const saved = state && typeof state === 'object' ? (state as { options?: unknown }).options : undefined;
  return isOptions(saved) ? saved : undefined;
}

export const isNum = (v: unknown, lo: number, hi: number): v is number => typeof v === 'number' && Number.isFinite(v) && v >= lo && v <= hi;
export const isInt = (v: unknown, lo: number, hi: number): v is number => isNum(v, lo, hi) && Number.isInteger(v);
