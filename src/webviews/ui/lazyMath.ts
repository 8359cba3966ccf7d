/**
 * Formulas for a page whose KaTeX arrives as a later script (katexGlobal.ts): `texSoon` renders at
 * once when it has run, or shows the plain text until it has; `runLaterScripts` runs it.
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
    // a newer formula for the same element wins, and one a newer trace has replaced is not drawn
    if (pendingFor.get(target) === render && target.isConnected) loaded()!.tex(target, latex, display);
  };
  pendingFor.set(target, render);
  waiting.push(render);
}

let scheduled = false;
/**
 * Loads the page's later scripts (html.ts lists their URLs in <body data-later-scripts>) once the
 * element marked elementtiming="<identifier>" is on screen: once per page, in order, each a classic
 * script carrying the nonce of the page's own entry script (html.ts's one module script: the
 * property, since the browser empties the attribute).
 */
export function runLaterScriptsWhenShown(identifier: string): void {
  if (scheduled) return;
  scheduled = true;
  whenPresented(identifier, runLaterScripts);
}

function runLaterScripts(): void {
  const nonce = document.querySelector<HTMLScriptElement>('script[type="module"][nonce]')?.nonce ?? '';
  for (const src of JSON.parse(document.body.dataset.laterScripts ?? '[]') as string[]) {
    const script = document.createElement('script');
    script.nonce = nonce;
    script.src = src;
    script.async = false; // in document order
    document.body.append(script);
  }
}

/**
 * Calls `then` once an element marked `elementtiming="<identifier>"` has been presented on screen
 * (Element Timing: after raster, not just after the main thread's part of the frame) at a time after
 * `since` (ms from navigation start: an element drawn earlier with the same mark does not count), or
 * after `ms` if the browser does not tell (a hidden panel paints nothing).
 */
export function whenPresented(identifier: string, then: () => void, since = 0, ms = 300): void {
  let done = false;
  let observer: PerformanceObserver | undefined;
  const go = (): void => {
    if (done) return;
    done = true;
    observer?.disconnect();
    clearTimeout(timer);
    then();
  };
  const timer = setTimeout(go, ms);
  if (PerformanceObserver.supportedEntryTypes?.includes('element')) {
    observer = new PerformanceObserver((list) => {
      const shown = (e: PerformanceEntry): boolean => {
        const t = e as PerformanceEntry & { identifier?: string; renderTime?: number };
        return t.identifier === identifier && (t.renderTime || t.startTime) >= since;
      };
      if (list.getEntries().some(shown)) go();
    });
    observer.observe({ type: 'element', buffered: true });
  }
}
