/** The Gradient Flow side view in Chromium: a hint when nothing is selected, a chart and verdict for a sentence. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { attentionTrace } from '../../src/frontends/sentenceAttention';
import { sentenceBptt } from '../../src/frontends/sentenceBptt';
import { buildOnce } from './build';
import { launch, openView, paintedPixels } from './page';

let browser: Browser;
beforeAll(async () => {
  buildOnce();
  browser = await launch();
});
afterAll(async () => browser?.close());

describe('Gradient Flow side view', () => {
  it('says what to select instead of showing a blank box', async () => {
    const v = await openView(browser, 'flow');
    expect(await v.page.locator('#hint').textContent()).toBe('Select a sentence in the editor to see how its gradient flows back through the RNN.');
    await v.page.close();
  });

  it('draws the chart and verdict for a selected sentence and asks the host to open the panel', async () => {
    const v = await openView(browser, 'flow');
    const o = { sentence: 'llama llama red pajama', cell: 'relu' as const, hidden: 1, w_h: 0.1, label: 'happy' as const, length: 0, reluAtZero: 0 };
    const { words, trace } = sentenceBptt(o, 100);
    await v.post({ type: 'flow', flow: { sentence: o.sentence, words, log10: trace.log10_dL_dh, verdict: trace.verdict } });
    const { page } = v;
    expect(await page.locator('#flow-verdict').getAttribute('data-kind')).toBe('dead');
    expect(await page.locator('#flow-verdict').textContent()).toContain('The gradient stops at t = 3');
    const painted = await page.locator('#flow-chart').evaluate(paintedPixels);
    expect(painted).toBeGreaterThan(100);
    await page.locator('#open-panel').click();
    expect((await v.posted()).at(-1)).toEqual({ type: 'openPanel' });
    expect(v.problems).toEqual([]);
    await page.close();
  });

  it('shows a small attention heatmap while the attention panel is active', async () => {
    const v = await openView(browser, 'flow');
    const tr = attentionTrace({ sentence: 'llama llama red pajama', variant: 'free', layers: 2, d: 4, causal: false, temperature: 1, label: 'happy', length: 0 });
    await v.post({ type: 'attention', attention: { words: tr.words, A: tr.layers[1].A, layer: 2 } });
    const { page } = v;
    await page.locator('#side-heatmap').waitFor();
    const box = (await page.locator('#side-heatmap').boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.375, box.y + box.height * 0.125); // row 0, column 1
    expect(await page.locator('#side-heatmap-tip').textContent()).toBe(`llama → llama: ${tr.layers[1].A.data[1].toFixed(4)}`);
    expect(v.problems).toEqual([]);
    await page.close();
  });
});
