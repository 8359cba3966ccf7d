/**
 * Formulas for a page whose KaTeX arrives as a later script (katexGlobal.ts): `texSoon` renders at
 * once when it has run, or shows the plain text until it has.
 */
import type * as MathModule from './math';

const loaded = (): typeof MathModule | undefined => (globalThis as { gradientLensMath?: typeof MathModule }).gradientLensMath;
/** the latest render asked for each element, and all renders waiting for KaTeX */
const pendingFor = new WeakMap<HTMLElement, () => void>();
const waiting: (() => void)[] = [];
document.addEventListener('gradient-lens-math', () => {
  for (const render of waiting.splice(0)) render();
});

/** Renders now if KaTeX has run; otherwise shows `plain` and renders when it has. */
export function texSoon(target: HTMLElement, latex: string, plain: string, display = true): void {
  const math = loaded();
  if (math) return math.tex(target, latex, display);
  target.textContent = plain;
  const render = (): void => {
    // a newer formula for the same element wins
    if (pendingFor.get(target) === render) loaded()!.tex(target, latex, display);
  };
  pendingFor.set(target, render);
  waiting.push(render);
}
