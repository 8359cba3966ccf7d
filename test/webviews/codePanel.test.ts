/**
 * The code stepper's webview in real Chromium under its real CSP: a trace of examples/rnn.py drawn
 * with its steps, keyboard stepping that reports the cursor to the host (which lights up the editor),
 * a step asked for by the editor's keybinding, an edited seeded value sent back, and an error.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { codeTrace } from '../../src/frontends/python/codeTrace';
import type { CodePanelOptions } from '../../src/webviews/codeProtocol';
import { launch, openView, paintedPixels } from './page';
import { buildOnce } from './build';

const RNN = readFileSync(join(__dirname, '../../examples/rnn.py'), 'utf8');
const opts = (text: string, lines?: { from: number; to: number }): CodePanelOptions => ({ text, ...(lines ? { lines } : {}), uri: 'file:///rnn.py', title: 'rnn.py', values: {}, reluAtZero: 0 });
const traceMsg = (o: CodePanelOptions) => ({ type: 'trace', options: o, trace: codeTrace(o) });

let browser: Browser;
beforeAll(async () => {
  buildOnce();
  browser = await launch();
});
afterAll(async () => browser?.close());

describe('code stepper webview', () => {
  it('steps back through the code with the keyboard, reporting each step to the host', async () => {
    const v = await openView(browser, 'code');
    const msg = traceMsg(opts(RNN, { from: 12, to: 17 }));
    await v.post(msg);
    const { page } = v;
    await page.locator('#step-result').waitFor();
    const steps = msg.trace.steps;
    // the first step is the loss itself: dL/dloss = 1, on line 17
    expect(await page.locator('#step-result').getAttribute('data-line')).toBe('17');
    expect(Number(await page.locator('#step-result').getAttribute('data-grad'))).toBe(1);
    for (let k = 1; k < 4; k++) {
      await page.keyboard.press('ArrowRight');
      expect(Number(await page.locator('#step-result').getAttribute('data-line'))).toBe(steps[k].range.line + 1);
      expect(Number(await page.locator('#step-result').getAttribute('data-grad'))).toBe(steps[k].grad.scalar);
    }
    const cursors = ((await v.posted()) as { type: string; cursor?: number }[]).filter((m) => m.type === 'cursor').map((m) => m.cursor);
    expect(cursors).toEqual([0, 1, 2, 3]);
    // the hidden state's chart is drawn, and the parameters' gradients are listed
    expect(await page.locator('#chart').evaluate(paintedPixels)).toBeGreaterThan(50);
    expect(await page.locator('#params tbody tr').count()).toBe(msg.trace.params.length);
    expect(v.problems).toEqual([]);
    await page.close();
  });

  it('follows a step asked for from the editor, and sends an edited seeded value', async () => {
    const v = await openView(browser, 'code');
    // w is not defined anywhere: it gets a seeded value the student can edit
    const code = 'import numpy as np\nx = 2.0\nloss = (w * x - 1.0) ** 2\n';
    const o = opts(code);
    const msg = traceMsg(o);
    expect(msg.trace.assumed.map((a) => [a.name, a.origin, typeof a.edit])).toEqual([['w', 'random', 'number']]);
    await v.post(msg);
    const { page } = v;
    await page.locator('#step-result').waitFor();
    await v.post({ type: 'step', delta: 1 });
    await expect.poll(() => page.locator('#step-count').textContent()).toMatch(/^Step 2 of/);
    await page.locator('input[data-var="w"]').fill('0.25');
    await page.locator('input[data-var="w"]').press('Enter');
    const sent = ((await v.posted()) as { type: string; options?: CodePanelOptions }[]).filter((m) => m.type === 'setOptions');
    expect(sent.at(-1)!.options!.values).toEqual({ w: 0.25 });
    // with w = 0.25, loss = (0.5 - 1)^2 and dL/dw = 2 (w x - 1) x = -2
    const again = codeTrace(sent.at(-1)!.options!);
    expect(again.params.find((p) => p.name === 'w')!.grad.scalar).toBeCloseTo(-2, 12);
    expect(v.problems).toEqual([]);
    await page.close();
  });

  it('lets the student type a seeded array as nested lists, and refuses a ragged one in place', async () => {
    const v = await openView(browser, 'code');
    // W is not defined: W @ x with x of length 2 makes it a 3 x 2 array of seeded numbers
    const o = opts('import numpy as np\nx = np.array([1.0, 2.0])\nloss = np.sum((W @ x) ** 2)\n');
    const msg = traceMsg(o);
    expect(msg.trace.assumed.map((a) => [a.name, a.shape])).toEqual([['W', [3, 2]]]);
    await v.post(msg);
    const { page } = v;
    const input = page.locator('input[data-var="W"]');
    await input.waitFor();
    expect(JSON.parse(await input.inputValue())).toEqual(msg.trace.assumed[0].edit);
    await input.fill('[[1, 0], [0, 1], [1]]');
    await input.press('Enter');
    await expect.poll(() => input.getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#err-W').textContent()).toBe('W[2]: expected an array of length 2 (shape [3, 2])');
    const setOptions = async () => ((await v.posted()) as { type: string; options?: CodePanelOptions }[]).filter((m) => m.type === 'setOptions');
    expect(await setOptions()).toEqual([]);
    await input.fill('[[1, 0], [0, 1], [1, 1],]');
    await input.press('Enter');
    await expect.poll(async () => (await setOptions()).length).toBe(1);
    const sent = (await setOptions())[0].options!;
    expect(sent.values).toEqual({ W: [[1, 0], [0, 1], [1, 1]] });
    // W x = [1, 2, 3], loss = 14, dL/dW = 2 (W x) x^T
    const again = codeTrace(sent);
    expect(again.loss.value).toBe(14);
    expect(again.params.find((p) => p.name === 'W')!.grad).toMatchObject({ shape: [3, 2], head: [2, 4, 4, 8, 6, 12] });
    expect(v.problems).toEqual([]);
    await page.close();
  });

  it('shows an error for code outside the subset, as text', async () => {
    const v = await openView(browser, 'code');
    await v.post({ type: 'error', options: opts('import os\n'), message: 'line 1: import os is not supported <b>x</b>' });
    await v.page.locator('#error').waitFor();
    expect(await v.page.locator('#error').textContent()).toBe('line 1: import os is not supported <b>x</b>');
    expect(await v.page.locator('#error b').count()).toBe(0);
    expect(v.problems).toEqual([]);
    await v.page.close();
  });
});
