/**
 * KaTeX for a view whose first paint should not wait for it (Explain Gradient): the math module is
 * fetched in its own chunk as soon as the page starts, and `texSoon` renders at once when it has
 * arrived, or shows the formula's plain text until it does.
 */
type MathModule = typeof import('./math');

let math: MathModule | undefined;
const loading: Promise<MathModule> = import('./math').then((m) => (math = m));

/** Renders now if KaTeX is loaded; otherwise shows `plain` and renders when it is. */
export function texSoon(target: HTMLElement, latex: string, plain: string, display = true): void {
  if (math) return math.tex(target, latex, display);
  target.textContent = plain;
  const token = {};
  pendingFor.set(target, token);
  void loading.then((m) => {
    // a newer formula for the same element wins
    if (pendingFor.get(target) === token) m.tex(target, latex, display);
  });
}

const pendingFor = new WeakMap<HTMLElement, object>();
