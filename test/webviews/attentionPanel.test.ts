/**
 * The attention panel's webview in real Chromium under its real CSP: heatmaps drawn from the
 * engine's matrices with values on hover, layers, a clicked row's bar chart and weighted sum, the
 * long-range comparison, a 512-token sentence, and controls that send options to the host.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { AttentionOptions } from '../../src/frontends/sentenceAttention';
import { attentionTrace } from '../../src/frontends/sentenceAttention';
import { buildOnce } from './build';
import { launch, openView, paintedPixels } from './page';

const base: AttentionOptions = { sentence: 'llama llama red pajama', variant: 'free', layers: 2, d: 4, causal: false, temperature: 1, label: 'happy', length: 0 };
const msg = (o: AttentionOptions, longRange = true) => ({ type: 'trace', options: o, trace: attentionTrace(o, longRange ? { cell: 'relu', w_h: 0.5 } : undefined) });

let browser: Browser;
beforeAll(async () => {
  buildOnce();
  browser = await launch();
});
afterAll(async () => browser?.close());

/** The centre of cell (i, j) of a heatmap canvas, in page coordinates. */
async function cellCenter(page: import('playwright-core').Page, id: string, n: number, i: number, j: number) {
  const box = (await page.locator(`#${id}`).boundingBox())!;
  const margin = 78, size = box.width - margin;
  return { x: box.x + margin + (j + 0.5) * (size / n), y: box.y + margin + (i + 0.5) * (size / n) };
}

describe('attention panel webview', () => {
  it('shows S and A with word labels, values on hover equal to the engine\'s', async () => {
    const v = await openView(browser, 'attention');
    const m = msg(base);
    await v.post(m);
    const { page } = v;
    await page.locator('#attn').waitFor();
    const A1 = m.trace.layers[0].A;
    const c = await cellCenter(page, 'attn', 4, 0, 2);
    await page.mouse.move(c.x, c.y);
    expect(await page.locator('#attn-tip').textContent()).toBe(`A[llama → red] = ${Number(A1.data[2].toPrecision(4))} (row 1, column 3)`);
    expect(Number(await page.locator('#attn-tip').getAttribute('data-value'))).toBe(A1.data[2]);
    const s = await cellCenter(page, 'sim', 4, 3, 3);
    await page.mouse.move(s.x, s.y);
    expect(Number(await page.locator('#sim-tip').getAttribute('data-value'))).toBe(m.trace.layers[0].S.data[15]);
    expect(await page.locator('#row-sums').textContent()).toContain('Every row of A sums to 1');
    // identical words, identical rows: "llama" twice in the parameter-free variant
    await page.locator('details:has(summary:text("A as a table"))').locator('summary').click();
    const rows = page.locator('table[aria-label="A"] tbody tr');
    await rows.nth(1).waitFor(); // the table is built on the toggle event, a task after the click
    expect(await rows.nth(0).locator('td').allTextContents()).toEqual(await rows.nth(1).locator('td').allTextContents());
    expect(v.problems).toEqual([]);
    await page.close();
  });

  it('switches layers and shows a clicked row\'s weights, bar chart and weighted sum', async () => {
    const v = await openView(browser, 'attention');
    const m = msg(base);
    await v.post(m);
    const { page } = v;
    await page.locator('#attn').waitFor();
    await page.locator('#layer-2').click();
    expect(await page.locator('#row-sums').textContent()).toMatch(/^Layer 2 of 2\./);
    const c = await cellCenter(page, 'attn', 4, 2, 0);
    await page.mouse.click(c.x, c.y);
    await page.locator('#row-chart').waitFor();
    expect(await page.locator('#row-title').textContent()).toContain('Row 3: how "red" attends to every word (layer 2)');
    const A2 = m.trace.layers[1].A;
    expect(await page.locator('#row-table td').allTextContents()).toEqual(Array.from(A2.data.slice(8, 12), (x) => String(Number(x.toPrecision(4)))));
    expect(await page.locator('#row-formula .katex').count()).toBe(1);
    const bars = await page.locator('#row-chart').evaluate(paintedPixels);
    expect(bars).toBeGreaterThan(500);
    expect(await v.state()).toMatchObject({ layer: 2, row: 2 });
    expect(v.problems).toEqual([]);
    await page.close();
  });

  it('says what the long-range chart shows, with the engine\'s numbers', async () => {
    const v = await openView(browser, 'attention');
    const m = msg({ ...base, layers: 1 });
    await v.post(m);
    await v.page.locator('#long-range-summary').waitFor();
    const text = (await v.page.locator('#long-range-summary').textContent())!;
    expect(text).toMatch(/^From n = 4 to 256 words, the gradient reaching the first word changes by .* through the RNN \(one factor per step\) but by 10\^[+-]\d+\.\d through attention/);
    expect(m.trace.longRange!.n).toEqual([4, 8, 16, 32, 64, 128, 256]);
    await v.page.close();
  });

  it('draws 512 tokens on one canvas and survives punctuation, emoji and other scripts', async () => {
    const v = await openView(browser, 'attention');
    await v.post(msg({ ...base, sentence: 'Llama, llama 🦙 — 赤い pajama! <b>x</b>', length: 512, layers: 1 }, false));
    const { page } = v;
    await page.locator('#attn').waitFor();
    expect(await page.locator('canvas').count()).toBeGreaterThanOrEqual(2);
    expect(await page.locator('#layer-view td').count()).toBe(0); // no DOM cell per entry
    expect(await page.locator('b').count()).toBe(0);
    expect(v.problems).toEqual([]);
    await page.close();
  });

  it('sends the new options when the temperature or the variant changes', async () => {
    const v = await openView(browser, 'attention');
    await v.post(msg(base));
    const { page } = v;
    await page.locator('#attn').waitFor();
    await page.locator('#temperature').fill('1');
    await page.locator('#temperature').dispatchEvent('change');
    expect((await v.posted()).at(-1)).toEqual({ type: 'setOptions', options: { ...base, temperature: 10 } });
    await page.close();
  });

  it('lets the learned weights of the shown layer be edited entry by entry', async () => {
    const qkv: AttentionOptions = { ...base, variant: 'qkv', d: 2 };
    const v = await openView(browser, 'attention');
    await v.post(msg(qkv, false));
    const { page } = v;
    await page.locator('#weights summary').click();
    const entry = page.locator('input[data-key="W_q[1]"][data-k="1"]');
    await entry.fill('0.75');
    await entry.dispatchEvent('change');
    const sent = (await v.posted()).at(-1) as { type: string; options: AttentionOptions };
    expect(sent.type).toBe('setOptions');
    expect(sent.options.weights!['W_q[1]'][1]).toBe(0.75);
    expect(sent.options.weights!['W_q[1]']).toHaveLength(4);
    await page.close();
  });

  it('selects rows with the keyboard: Tab to a heatmap, then Down and Up', async () => {
    const v = await openView(browser, 'attention');
    await v.post(msg(base, false));
    const { page } = v;
    await page.locator('#attn').focus();
    await page.keyboard.press('ArrowDown');
    expect(await page.locator('#row-title').textContent()).toMatch(/^Row 1: how "llama" attends/);
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowUp');
    expect(await page.locator('#row-title').textContent()).toMatch(/^Row 2: how "llama" attends/);
    expect(await page.locator('#attn').getAttribute('tabindex')).toBe('0');
    await page.close();
  });

  it('shows the host\'s options in the controls when they change without the user', async () => {
    const v = await openView(browser, 'attention');
    await v.post(msg(base, false));
    await v.page.locator('#attn').waitFor();
    await v.post(msg({ ...base, variant: 'scaled', layers: 3 }, false));
    await v.page.waitForFunction(() => (document.getElementById('variant') as HTMLSelectElement | null)?.value === 'scaled');
    expect(await v.page.locator('#layers').evaluate((e) => (e as HTMLSelectElement).value)).toBe('3');
    await v.page.close();
  });
});
