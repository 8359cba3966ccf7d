/**
 * The BPTT panel's webview in real Chromium under its real CSP: rendering from a trace, keyboard
 * stepping with the engine's numbers, theme changes, a hostile sentence shown as text, and a
 * 10,000-word trace. Any CSP violation or page error fails the test.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { BpttOptions } from '../../src/frontends/sentenceBptt';
import { sentenceBptt } from '../../src/frontends/sentenceBptt';
import { bpttTrace } from '../../src/models/bptt';
import { sentenceRnn } from '../../src/frontends/sentence';
import { launch, openView, paintedPixels, setTheme } from './page';
import { buildOnce } from './build';

const base: BpttOptions = { sentence: 'llama llama red pajama', cell: 'relu', hidden: 1, w_h: 0.5, label: 'happy', length: 0, reluAtZero: 0 };
const traceMsg = (options: BpttOptions, maxWords = 10_000) => ({ type: 'trace', options, maxWords, ...sentenceBptt(options, maxWords) });
const sig4 = (x: number) => Number(x.toPrecision(4));

let browser: Browser;
beforeAll(async () => {
  buildOnce();
  browser = await launch();
});
afterAll(async () => browser?.close());

describe('BPTT panel webview', () => {
  it('renders the unrolled RNN, the step formula and a drawn chart from a trace', async () => {
    const v = await openView(browser, 'bptt');
    await v.post(traceMsg(base));
    const { page } = v;
    await page.locator('#rnn').waitFor();
    expect(await page.locator('#rnn thead th.rnn-col').count()).toBe(4);
    expect(await page.locator('#rnn thead th.rnn-col').allTextContents()).toEqual(['1', '2', '3', '4']);
    expect(await page.locator('#rnn tbody tr').first().locator('td').allTextContents()).toEqual(['llama', 'llama', 'red', 'pajama', '']);
    expect(await page.locator('#formula .katex').count()).toBe(1);
    expect(await page.locator('#formula .gl-factor').count()).toBeGreaterThan(0);
    expect(await page.locator('#step-result').textContent()).toMatch(/^dL\/dh_4 = -?\d/);
    expect(await page.locator('#verdict').getAttribute('data-kind')).toBe('healthy');
    // the chart is not blank: some pixel of the canvas is painted
    const painted = await page.locator('#chart').evaluate(paintedPixels);
    expect(painted).toBeGreaterThan(100);
    expect(v.problems).toEqual([]);
    await page.close();
  });

  it('steps with the keyboard and shows the engine\'s dL/dh_t at every step', async () => {
    const v = await openView(browser, 'bptt');
    const msg = traceMsg(base);
    await v.post(msg);
    const { page } = v;
    await page.locator('#rnn').waitFor();
    const dh = msg.trace.dL_dh as number[];
    const shown = async () => ({ t: Number(await page.locator('#step-result').getAttribute('data-t')), text: (await page.locator('#step-result').textContent())! });
    for (let k = 1; k <= 3; k++) {
      await page.keyboard.press('ArrowRight');
      const s = await shown();
      expect(s.t).toBe(4 - k);
      // the text shows 4 significant figures of the engine's value
      expect(Number(s.text.split(' = ')[1])).toBe(sig4(dh[4 - k]));
    }
    // dL/dh_1 = dL/dh_2 relu'(a_2) w_h, and the formula shows those numbers
    expect(await page.locator('#formula').textContent()).toContain('0.5');
    expect(await page.locator('#rnn thead th.current').count()).toBeGreaterThan(0);
    await page.keyboard.press('End');
    expect((await shown()).t).toBe(0);
    await page.keyboard.press('ArrowRight'); // clamps at h_0
    expect((await shown()).t).toBe(0);
    await page.keyboard.press('ArrowLeft');
    expect((await shown()).t).toBe(1);
    await page.keyboard.press('Home');
    expect((await shown()).t).toBe(4);
    // stepping is persisted for a reload, and needs no message to the host
    await page.keyboard.press('ArrowRight');
    expect(await v.state()).toEqual({ options: base, cursor: 1 });
    expect((await v.posted()).map((m) => (m as { type: string }).type)).toEqual(['ready']);
    expect(v.problems).toEqual([]);
    await page.close();
  });

  it('restores the step cursor from its saved state when the same trace comes back', async () => {
    const v = await openView(browser, 'bptt', { state: { options: base, cursor: 2 } });
    await v.post(traceMsg(base));
    await v.page.locator('#rnn').waitFor();
    expect(await v.page.locator('#step-result').getAttribute('data-t')).toBe('2');
    await v.page.close();
  });

  it('sends new options to the host when a control changes', async () => {
    const v = await openView(browser, 'bptt');
    await v.post(traceMsg(base));
    await v.page.locator('#rnn').waitFor();
    await v.page.locator('#wh').fill('1.8');
    await v.page.locator('#wh').dispatchEvent('change');
    const last = (await v.posted()).at(-1) as { type: string; options: BpttOptions };
    expect(last).toEqual({ type: 'setOptions', options: { ...base, w_h: 1.8 } });
    await v.page.close();
  });

  it('follows the theme: the chart is redrawn in the new --vscode-charts-blue', async () => {
    const v = await openView(browser, 'bptt');
    await v.post(traceMsg({ ...base, length: 40 }));
    const { page } = v;
    await page.locator('#rnn').waitFor();
    await page.keyboard.press('End');
    const count = (rgb: [number, number, number]) => page.locator('#chart').evaluate((c: HTMLCanvasElement, rgb) => {
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 0; i < d.length; i += 4) if (Math.abs(d[i] - rgb[0]) < 8 && Math.abs(d[i + 1] - rgb[1]) < 8 && Math.abs(d[i + 2] - rgb[2]) < 8 && d[i + 3] > 200) n++;
      return n;
    }, rgb);
    await setTheme(page, 'dark', { '--vscode-charts-blue': 'rgb(0, 200, 0)' });
    await page.waitForTimeout(50);
    const green = await count([0, 200, 0]);
    await setTheme(page, 'light', { '--vscode-charts-blue': 'rgb(200, 0, 200)' });
    await page.waitForTimeout(50);
    expect(green).toBeGreaterThan(50);
    expect(await count([200, 0, 200])).toBeGreaterThan(50);
    expect(await count([0, 200, 0])).toBe(0);
    await page.close();
  });

  it('shows a hostile sentence as text, never as HTML', async () => {
    const words = ['<img src=x onerror=alert(1)>', '<script>alert(2)</script>'];
    const model = sentenceRnn(words, { cell: 'relu', hidden: 1, w_h: 0.5, label: 1 });
    const trace = bpttTrace(model, { words });
    const options = { ...base, sentence: words.join(' ') };
    const v = await openView(browser, 'bptt');
    await v.post({ type: 'trace', options, maxWords: 100, words, trace });
    const { page } = v;
    await page.locator('#rnn').waitFor();
    expect(await page.locator('#rnn tbody tr').first().locator('td').allTextContents()).toEqual([...words, '']);
    expect(await page.locator('img, #app script').count()).toBe(0);
    expect(await page.locator('vscode-textfield#sentence').getAttribute('value')).toBe(words.join(' '));
    expect(v.problems).toEqual([]);
    await page.close();
  });

  it('renders a 10,000-word trace with a chart and a window of columns', async () => {
    const options = { ...base, length: 10_000, w_h: 0.5 };
    const v = await openView(browser, 'bptt');
    await v.post(traceMsg(options));
    const { page } = v;
    await page.locator('#rnn').waitFor();
    expect(await page.locator('#rnn thead th.rnn-col').count()).toBe(12);
    await page.keyboard.press('End');
    expect(await page.locator('#step-result').textContent()).toMatch(/^dL\/dh_0 = 0 in float64 \(true size 10\^-30\d\d\.\d\)$/);
    expect(await page.locator('#verdict').getAttribute('data-kind')).toBe('vanishing');
    expect(v.problems).toEqual([]);
    await page.close();
  });

  it('writes the dead step as dL/dh_{t-1} = dL/dh_t · 0 · w_h with w_h\'s value, and says why', async () => {
    const v = await openView(browser, 'bptt');
    await v.post(traceMsg({ ...base, w_h: 0.1 }));
    const { page } = v;
    await page.locator('#rnn').waitFor();
    for (let k = 0; k < 2; k++) await page.keyboard.press('ArrowRight'); // dL/dh_2, through relu'(a_3) = 0
    // the LaTeX source travels in KaTeX's MathML annotation
    const source = await page.locator('#formula annotation').textContent();
    expect(source).toContain("\\operatorname{relu}'(a_{3}) \\cdot w_h}");
    expect(source).toContain('{0 \\cdot 0.1}');
    expect(await page.locator('#step-result').textContent()).toBe('dL/dh_2 = 0');
    expect(await page.locator('#step-note').textContent()).toMatch(/^The gradient stops at t = 3 because a_3 = -0\.\d+ < 0, so relu'\(a_3\) = 0/);
    await page.close();
  });

  it('starts a new trace at its first step even if the user stepped while it was computing', async () => {
    const v = await openView(browser, 'bptt');
    await v.post(traceMsg(base));
    const { page } = v;
    await page.locator('#rnn').waitFor();
    await page.keyboard.press('ArrowRight');
    const next = { ...base, w_h: 0.6 };
    await v.post({ type: 'busy', options: next, message: 'Computing…' });
    await page.keyboard.press('ArrowRight'); // still stepping the old trace
    expect(await v.state()).toEqual({ options: base, cursor: 2 });
    await v.post(traceMsg(next));
    await page.waitForFunction(() => document.getElementById('step-result')?.dataset.t === '4');
    expect(await v.state()).toEqual({ options: next, cursor: 0 });
    await page.close();
  });

  it('shows an error from the host in words', async () => {
    const v = await openView(browser, 'bptt');
    await v.post({ type: 'error', options: base, message: 'The selection looks like code.' });
    expect(await v.page.locator('#error[role=alert]').textContent()).toBe('The selection looks like code.');
    await v.page.close();
  });
});
