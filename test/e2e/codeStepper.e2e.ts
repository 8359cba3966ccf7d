/**
 * Step Through BPTT on selected code in a real VS Code (code-server): select the forward pass of
 * examples/rnn.py, run the command from the palette, step back three statements, and check that the
 * panel shows the engine's gradient and the editor lights up the statement's line.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeTrace } from '../../src/frontends/python/codeTrace';
import type { VsCode } from './harness';
import { openFile, runCommand, screenshot, startWithExamples, waitFor, webviewFrame } from './harness';

const EXT = 'gradient-lens.gradient-lens';
const FIRST = 12, LAST = 17; // "h = h0" to "loss = -np.log(p)"
let vs: VsCode;
let close: () => Promise<void>;

beforeAll(async () => ({ vs, close } = await startWithExamples()));
afterAll(async () => close?.());

describe('Step Through BPTT on selected code', () => {
  it('steps back through the forward pass and lights up each statement in the editor', async () => {
    const { page } = vs;
    await openFile(page, 'rnn.py');
    // select lines 12 to 17 with the keyboard: Go to Line, then Shift+Down
    await page.locator('.editor-group-container.active .monaco-editor .view-lines').click();
    await page.keyboard.press('Control+G');
    await page.keyboard.type(String(FIRST));
    await page.keyboard.press('Enter');
    await page.keyboard.press('Home');
    for (let k = FIRST; k < LAST; k++) await page.keyboard.press('Shift+ArrowDown');
    await page.keyboard.press('Shift+End');
    await runCommand(page, 'Gradient Lens: Step Through BPTT');
    const panel = webviewFrame(page, { view: false, extensionId: EXT });
    await panel.locator('#step-result').waitFor({ timeout: 60_000 });

    const text = readFileSync(join(__dirname, '../../examples/rnn.py'), 'utf8');
    const engine = codeTrace({ text, lines: { from: FIRST, to: LAST } });
    await panel.locator('#step-count').click();
    for (let k = 0; k < 3; k++) await page.keyboard.press('ArrowRight');
    const step = engine.steps[3];
    await waitFor(async () => (await panel.locator('#step-count').textContent())?.startsWith('Step 4 of'), 'three steps back', 10_000);
    // the shown gradient is the engine's, and the step is the statement on the expected line
    expect(Number(await panel.locator('#step-result').getAttribute('data-grad'))).toBe(step.grad.scalar ?? step.grad.norm);
    expect(Number(await panel.locator('#step-result').getAttribute('data-line'))).toBe(step.range.line + 1);

    // the editor lights up that line: the whole-line highlight sits where its line number is
    const lineTop = async (n: number) => page.locator('.editor-group-container .margin-view-overlays .line-numbers', { hasText: new RegExp(`^${n}$`) }).first()
      .evaluate((e) => (e.closest('div[style*="top"]') as HTMLElement).getBoundingClientRect().top);
    const litTop = async () => page.locator('.editor-group-container .view-overlays .cdr').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().top));
    await waitFor(async () => (await litTop()).length > 0, 'the statement to be lit up in the editor', 10_000);
    const want = await lineTop(step.range.line + 1);
    expect((await litTop()).some((top) => Math.abs(top - want) < 2)).toBe(true);
    await screenshot(page, 'code-stepper');
  });
});
