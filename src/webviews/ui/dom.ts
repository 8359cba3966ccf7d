/**
 * Building DOM without HTML strings: text always goes in as textContent, so a sentence like
 * `<img src=x onerror=alert(1)>` is shown as text and never parsed.
 */

type Child = Node | string | null | undefined | false;

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number | boolean | undefined> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (k === 'text') e.textContent = String(v);
    else e.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) e.append(c);
  return e;
}

/** A theme colour from VS Code's --vscode-* variables, with a fallback outside VS Code. */
export function cssVar(name: string, fallback: string): string {
  return getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;
}

/** A labelled vscode-single-select with its options (value, text). */
export function select(id: string, label: string, value: string, options: [string, string][]): HTMLElement {
  const s = el('vscode-single-select' as 'select', { id, 'aria-label': label });
  for (const [v, text] of options) s.append(el('vscode-option' as 'option', { value: v, selected: v === value, text }));
  return el('label', { class: 'control' }, el('span', { text: label }), s);
}

export function fmt(x: number): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'NaN' : x > 0 ? '∞' : '−∞';
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a < 1e-3 || a >= 1e5) {
    const [m, e] = x.toExponential(3).split('e');
    return `${m}e${e.replace('+', '')}`;
  }
  return String(Number(x.toPrecision(4)));
}

/**
 * 12345 -> "12,345". Not toLocaleString: its first call in a page loads the locale data, ~60 ms of
 * a new panel's first frames on this machine.
 */
export function thousands(n: number): string {
  return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** A magnitude 10^l written out, for values beyond float64 (l = log10 |x|). */
export function fmtPow10(l: number): string {
  if (l === -Infinity) return '0';
  return `10^${l >= 0 ? '+' : ''}${l.toFixed(1)}`;
}

/** The stepper's buttons (First, Previous, the step count, Next, Last) shared by the step-through panels. */
export function stepHead(next: string, end: string, ...extra: Child[]): HTMLElement {
  return el('div', { class: 'step-head' },
    el('vscode-button' as 'button', { id: 'home', secondary: true, title: 'Home: back to the output', 'aria-label': 'First step (Home)' }, 'First'),
    el('vscode-button' as 'button', { id: 'prev', secondary: true, title: 'Left: previous step', 'aria-label': 'Previous step (Left)' }, '◀ Previous'),
    el('span', { id: 'step-count', class: 'step-count' }),
    el('vscode-button' as 'button', { id: 'next', title: `Right: ${next}`, 'aria-label': 'Next backward step (Right)' }, 'Next step ▶'),
    el('vscode-button' as 'button', { id: 'end', secondary: true, title: `End: ${end}`, 'aria-label': 'Last step (End)' }, 'Last'),
    ...extra);
}
