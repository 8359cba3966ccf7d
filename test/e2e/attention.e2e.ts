/**
 * Inspect Attention in a real VS Code: run the command on a selected sentence, read a heatmap cell
 * from the panel and compare it with the engine, switch to layer 2, click a row and check its bar
 * chart's numbers; the side view shows the heatmap while the panel is active.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attentionTrace, defaultAttentionOptions } from '../../src/frontends/sentenceAttention';
import type { VsCode } from './harness';
import { openFile, runCommand, screenshot, selectText, startWithExamples, waitFor, webviewFrame } from './harness';

const EXT = 'gradient-lens.gradient-lens';
let vs: VsCode;
let close: () => Promise<void>;

beforeAll(async () => ({ vs, close } = await startWithExamples()));
afterAll(async () => close?.());

describe('Inspect Attention', () => {
  it('shows the engine\'s attention, layer by layer, with a row\'s weights', async () => {
    const { page } = vs;
    try {
      await openFile(page, 'lecture.md');
      await selectText(page, 'llama llama red pajama');
      await runCommand(page, 'Gradient Lens: Inspect Attention');
      const panel = webviewFrame(page, { view: false, extensionId: EXT });
      const canvas = panel.locator('#attn');
      await canvas.waitFor({ timeout: 60_000 });
      const engine = attentionTrace({ ...defaultAttentionOptions('llama llama red pajama'), layers: 2 });

      // a heatmap cell, read on hover: A[llama → red] of layer 1
      const cellCenter = async (i: number, j: number) => {
        await canvas.scrollIntoViewIfNeeded();
        const box = (await canvas.boundingBox())!;
        const size = box.width - 78;
        return { x: box.x + 78 + (j + 0.5) * (size / 4), y: box.y + 78 + (i + 0.5) * (size / 4) };
      };
      let c = await cellCenter(0, 2);
      await page.mouse.move(c.x, c.y);
      await waitFor(async () => (await panel.locator('#attn-tip').getAttribute('data-value')) !== null, 'the hover value', 10_000);
      expect(Number(await panel.locator('#attn-tip').getAttribute('data-value'))).toBeAllclose(engine.layers[0].A.data[2], { rtol: 1e-12 });

      // two layers, then layer 2, then row 3 ("red")
      await panel.locator('#layers').click();
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('Enter');
      await panel.locator('#layer-2').waitFor({ timeout: 30_000 });
      await panel.locator('#layer-2').click();
      await waitFor(async () => (await panel.locator('#row-sums').textContent())?.startsWith('Layer 2 of 2.'), 'layer 2', 10_000);
      c = await cellCenter(2, 0);
      await page.mouse.click(c.x, c.y);
      await panel.locator('#row-chart').waitFor();
      const shown = (await panel.locator('#row-table td').allTextContents()).map(Number);
      expect(shown).toEqual(Array.from(engine.layers[1].A.data.slice(8, 12), (x) => Number(x.toPrecision(4))));
      await screenshot(page, 'attention-panel');

      // the side view shows the attention heatmap while the panel is active
      await page.locator('.activitybar .action-item .action-label[aria-label="Gradient Lens"]').click();
      const side = webviewFrame(page, { view: true, extensionId: EXT });
      await side.locator('#side-heatmap').waitFor({ timeout: 30_000 });
      await screenshot(page, 'attention-side-view');
    } catch (e) {
      await vs.keep('attention');
      throw e;
    }
  });

  it('offers the walkthrough from the lecture\'s sentence to a dead ReLU', async () => {
    const { page } = vs;
    await runCommand(page, 'Welcome: Open Walkthrough...');
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'See a gradient vanish, explode and die' }).first().click();
    for (const step of ["Step through BPTT on the lecture's sentence", 'Go back one time step at a time', 'Make the gradient vanish, then explode', 'Kill a ReLU']) {
      await page.locator('.getting-started-step', { hasText: step }).first().waitFor({ timeout: 30_000 });
    }
    await screenshot(page, 'walkthrough');
  });
});
