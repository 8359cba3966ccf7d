/**
 * The stepping keys every step-through panel shares: Right one step further back, Left one step
 * forward, Home the first step, End the last. A key typed into a control belongs to the control.
 */
export function onStepKeys(last: () => number | undefined, cursor: () => number, set: (k: number) => void): void {
  document.addEventListener('keydown', (e) => {
    if (e.target instanceof Element && e.target.closest('input, textarea, select, vscode-textfield, vscode-single-select, vscode-radio-group, form')) return;
    const end = last();
    if (end === undefined) return; // nothing shown yet
    const keys: Record<string, number> = { ArrowRight: cursor() + 1, ArrowLeft: cursor() - 1, Home: 0, End: end };
    const k = keys[e.key];
    if (k === undefined) return;
    e.preventDefault();
    set(k);
  });
}
