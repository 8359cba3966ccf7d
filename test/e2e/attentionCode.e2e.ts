/**
 * Inspect Attention on selected code in a real VS Code: select the forward pass of
 * examples/attention.py, run the command, and read the panel's softmax: its label, a heatmap that
 * is painted, and a hovered value of A equal to the same trace run here.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeAttention } from '../../src/frontends/python/codeAttention';
import { paintedPixels } from '../webviews/page';
import type { VsCode } from './harness';
import { ROOT, openFile, runCommand, screenshot, selectText, selectedText, startWithExamples, waitFor, webviewFrame } from './harness';

const EXT = 'gradient-lens.gradient-lens';
const FORWARD = ['Q = X @ W_q', 'K = X @ W_k', 'V = X @ W_v', 'S = Q @ K.T / np.sqrt(d)', 'A = softmax(S)', 'out = A @ V', 'loss = np.mean((out - target) ** 2)'];
let vs: VsCode;
let close: () => Promise<void>;

beforeAll(async () => ({ vs, close } = await startWithExamples()));
afterAll(async () => close?.());

describe('Inspect Attention on code', () => {
  it('shows the softmax of the selected forward pass with its line, heatmaps and values', async () => {
    const { page } = vs;
    try {
      await openFile(page, 'attention.py');
      // the forward pass: from its first line, six lines down to the end of the loss
      await selectText(page, FORWARD[0]);
      for (let k = 1; k < FORWARD.length; k++) await page.keyboard.press('Shift+ArrowDown');
      await page.keyboard.press('Shift+End');
      expect((await selectedText(page)).replace(/\r\n/g, '\n')).toBe(FORWARD.join('\n'));
      await runCommand(page, 'Gradient Lens: Inspect Attention');
      const panel = webviewFrame(page, { view: false, extensionId: EXT });
      const canvas = panel.locator('#sm1-A');
      await canvas.waitFor({ timeout: 60_000 });

      const text = readFileSync(join(ROOT, 'examples', 'attention.py'), 'utf8');
      const lines = text.split('\n');
      const from = lines.indexOf(FORWARD[0]) + 1, at = lines.indexOf('A = softmax(S)') + 1;
      const engine = codeAttention({ text, lines: { from, to: from + FORWARD.length - 1 } });
      expect(await panel.locator('#sm1-title').textContent()).toBe(`A = softmax(S) at line ${at}`);
      expect(await panel.locator('#summary').textContent()).toBe(`1 row softmax in attention.py, lines ${from}-${from + FORWARD.length - 1}; loss = ${Number(engine.loss!.value.toPrecision(4))}.`);
      expect(await panel.locator('#sm1-dS').count()).toBe(1);
      // painted, not blank: the 4 x 4 plot alone is at least 120 x 120 pixels
      expect(await canvas.evaluate(paintedPixels)).toBeGreaterThan(14_000);

      // a cell of A read on hover: row 1, column 2
      await canvas.scrollIntoViewIfNeeded();
      const box = (await canvas.boundingBox())!;
      const cell = (box.width - 78) / 4;
      await page.mouse.move(box.x + 78 + 2.5 * cell, box.y + 78 + 1.5 * cell);
      await waitFor(async () => (await panel.locator('#sm1-A-tip').getAttribute('data-value')) !== null, 'the hover value', 10_000);
      expect(Number(await panel.locator('#sm1-A-tip').getAttribute('data-value'))).toBeAllclose(engine.softmaxes[0].A.data[6], { rtol: 1e-12 });
      expect(await panel.locator('#sm1-A-tip').textContent()).toMatch(/^A\[1, 2\] = /);
      await panel.locator('#sm1-title').scrollIntoViewIfNeeded();
      await screenshot(page, 'attention-code');
    } catch (e) {
      await vs.keep('attention-code');
      throw e;
    }
  });
});
