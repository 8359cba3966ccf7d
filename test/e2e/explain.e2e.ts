/**
 * Explain Gradient in a real VS Code (code-server): select the lecture's RNN loss in a Markdown
 * file, run the command from the palette, step backward to the first input and compare the shown
 * gradient with the engine's, light up a node's source in the editor, and get a precise message
 * for a typo.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { explainTrace } from '../../src/explain/explainTrace';
import type { VsCode } from './harness';
import { notification, openFile, runCommand, screenshot, selectText, startWithExamples, waitFor, webviewFrame } from './harness';

const EXT = 'gradient-lens.gradient-lens';
const LOSS = '-log(sigmoid(w_o*relu(w_h*relu(w_h*h0 + w_i*x1) + w_i*x2)))';
let vs: VsCode;
let close: () => Promise<void>;

beforeAll(async () => ({ vs, close } = await startWithExamples()));
afterAll(async () => close?.());

describe('Explain Gradient', () => {
  it('explains the selected RNN loss step by step, down to the first input', async () => {
    const { page } = vs;
    await openFile(page, 'explain.md');
    await selectText(page, LOSS);
    await runCommand(page, 'Gradient Lens: Explain Gradient');
    const panel = webviewFrame(page, { view: false, extensionId: EXT });
    await panel.locator('#graph').waitFor({ timeout: 60_000 });
    // the engine's explanation of the same expression with the same seeded values
    const engine = explainTrace({ expression: LOSS });
    expect(await panel.locator('#graph .node').count()).toBe(engine.nodes.length);
    // KaTeX, loaded by the page once the graph is on screen with the page's nonce, draws the formula
    await waitFor(async () => (await panel.locator('#expr-head .katex').count()) === 1, 'the expression drawn by KaTeX', 30_000);

    // step back until the first input variable is reached, as a student would with the Right key
    await panel.locator('#step-count').click();
    const first = engine.steps.findIndex((s) => engine.nodes[s.node].kind === 'variable');
    for (let k = 0; k < first; k++) await page.keyboard.press('ArrowRight');
    await waitFor(async () => (await panel.locator('#step-result').getAttribute('data-kind')) === 'variable', 'the first input to be reached', 10_000);
    const label = (await panel.locator('#step-result').getAttribute('data-label'))!;
    const shown = Number(await panel.locator('#step-result').getAttribute('data-grad'));
    expect(label).toBe(engine.nodes[engine.steps[first].node].label);
    expect(shown).toBe(engine.gradient[label]);
    expect(await panel.locator('#step-result').textContent()).toBe(`∂f/∂${label} = ${Number(engine.gradient[label].toPrecision(4))}`);
    expect(await panel.locator('#symbolic .check.ok').count()).toBe(engine.derivatives.length);

    await screenshot(page, 'explain-gradient');

    // hovering the inner relu node lights up its source text in the editor
    const inner = engine.nodes.find((n) => n.op === 'relu' && n.span && LOSS.slice(n.span.start, n.span.end) === 'relu(w_h*h0 + w_i*x1)')!;
    await panel.locator(`#graph .node[data-node="${inner.id}"]`).hover();
    const lit = page.locator('.monaco-editor .view-overlays [class*="ced-"], .monaco-editor .view-overlays .cdr');
    await waitFor(async () => (await lit.count()) > 0, 'the node\'s source to be highlighted in the editor', 10_000);
    await screenshot(page, 'explain-gradient-source');
  });

  it('names the column of a typo in the panel and in a notification', async () => {
    const { page } = vs;
    await openFile(page, 'explain.md');
    await selectText(page, 'sigmoid(w*x + b))');
    await runCommand(page, 'Gradient Lens: Explain Gradient');
    await notification(page, "unexpected ')' at column 17");
    const panel = webviewFrame(page, { view: false, extensionId: EXT });
    await waitFor(async () => (await panel.locator('#error').textContent()) === "unexpected ')' at column 17", 'the error in the panel', 30_000);
    expect(await panel.locator('#expression').getAttribute('value')).toBe('sigmoid(w*x + b))');
  });
});
