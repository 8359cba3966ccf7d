/**
 * The attention panel's code mode in real Chromium under its real CSP: every softmax the code
 * computed as painted heatmaps (S, A, dL/dS, dL/dA) labelled with its line, row and column indices,
 * values on hover equal to the trace's, a selected row kept in the saved state, a rectangular
 * softmax, values only without a loss, and the sentence mode still drawing after a code result.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { codeAttention } from '../../src/frontends/python/codeAttention';
import { attentionTrace } from '../../src/frontends/sentenceAttention';
import type { AttentionOptions } from '../../src/frontends/sentenceAttention';
import { buildOnce } from './build';
import { launch, openView, paintedPixels } from './page';

const ATTENTION = `import numpy as np

def softmax(x):
    e = np.exp(x - np.max(x, axis=-1, keepdims=True))
    return e / np.sum(e, axis=-1, keepdims=True)

X = np.array([[1.0, 0.5, -0.3, 0.2], [0.1, -1.0, 0.4, 0.8], [0.6, 0.2, 0.9, -0.5]])
W_q = np.array([[0.2, -0.1, 0.4, 0.0], [0.3, 0.5, -0.2, 0.1], [-0.4, 0.2, 0.1, 0.3], [0.1, 0.0, 0.3, -0.2]])
W_k = np.array([[0.1, 0.3, -0.2, 0.4], [-0.3, 0.2, 0.5, 0.0], [0.2, -0.1, 0.3, 0.2], [0.4, 0.1, 0.0, -0.3]])
W_v = np.array([[0.5, 0.1, 0.0, -0.2], [0.0, 0.4, 0.2, 0.1], [0.3, -0.2, 0.1, 0.4], [-0.1, 0.2, 0.3, 0.0]])
S = (X @ W_q) @ (X @ W_k).T / np.sqrt(4)
A = softmax(S)
P = np.exp(X) / np.sum(np.exp(X), axis=-1, keepdims=True)
loss = np.sum((A @ X @ W_v) ** 2) + np.sum(P ** 2)
`;
const codeMsg = (text: string, title = 'attention.py') => ({ type: 'trace', mode: 'code', options: { mode: 'code', text, title }, code: codeAttention({ text }) });

let browser: Browser;
beforeAll(async () => {
  buildOnce();
  browser = await launch();
});
afterAll(async () => browser?.close());

/** The centre of cell (i, j) of a heatmap of `cols` columns (the longer side gets the plot size). */
async function cellCenter(page: Page, id: string, rows: number, cols: number, i: number, j: number) {
  await page.locator(`#${id}`).scrollIntoViewIfNeeded();
  const box = (await page.locator(`#${id}`).boundingBox())!;
  const cell = (Math.max(box.width, box.height) - 78) / Math.max(rows, cols);
  return { x: box.x + 78 + (j + 0.5) * cell, y: box.y + 78 + (i + 0.5) * cell };
}

describe('attention panel webview, code mode', () => {
  it('draws S, A, dL/dS and dL/dA of each softmax, labelled with its line, with the trace\'s values on hover', async () => {
    const v = await openView(browser, 'attention');
    const m = codeMsg(ATTENTION);
    await v.post(m);
    const { page } = v;
    await page.locator('#sm1-A').waitFor();
    expect(await page.locator('#summary').textContent()).toBe(`2 row softmaxes in attention.py; loss = ${Number(m.code.loss!.value.toPrecision(4))}.`);
    expect(await page.locator('#sm1-title').textContent()).toBe('A = softmax(S) at line 12');
    expect(await page.locator('#sm2-title').textContent()).toBe('P = softmax(X) at line 13');
    expect(await page.locator('#sm1 .hint').first().textContent()).toContain('The softmax itself is computed at line 5. Every row of A sums to 1');
    // every heatmap is painted: a 3 x 3 plot of at least 120 px a side is >= 14,400 pixels
    for (const id of ['sm1-S', 'sm1-A', 'sm1-dS', 'sm1-dA', 'sm2-S', 'sm2-A', 'sm2-dS', 'sm2-dA']) {
      expect(await page.locator(`#${id}`).evaluate(paintedPixels), id).toBeGreaterThan(14_000);
    }
    const A = m.code.softmaxes[0].A, dS = m.code.softmaxes[0].dS!;
    let c = await cellCenter(page, 'sm1-A', 3, 3, 0, 2);
    await page.mouse.move(c.x, c.y);
    expect(await page.locator('#sm1-A-tip').textContent()).toBe(`A[0, 2] = ${Number(A.data[2].toPrecision(4))} (row 0, column 2)`);
    expect(Number(await page.locator('#sm1-A-tip').getAttribute('data-value'))).toBe(A.data[2]);
    c = await cellCenter(page, 'sm1-dS', 3, 3, 2, 1);
    await page.mouse.move(c.x, c.y);
    expect(Number(await page.locator('#sm1-dS-tip').getAttribute('data-value'))).toBe(dS.data[7]);
    // the 3 x 4 softmax is wider than tall, and its last column answers
    const box = (await page.locator('#sm2-A').boundingBox())!;
    expect(box.width).toBeGreaterThan(box.height);
    c = await cellCenter(page, 'sm2-A', 3, 4, 2, 3);
    await page.mouse.move(c.x, c.y);
    expect(Number(await page.locator('#sm2-A-tip').getAttribute('data-value'))).toBe(m.code.softmaxes[1].A.data[11]);
    // the table fallback has the indices as headers
    await page.locator('#sm1 details:has(summary:text("A = softmax(S) as a table")) summary').click();
    // the table is built on the toggle event, a task after the click
    await expect.poll(() => page.locator('#sm1 table[aria-label="A = softmax(S)"] thead th').allTextContents()).toEqual(['', '0', '1', '2']);
    expect(v.problems).toEqual([]);
    await page.close();
  });

  it('selects a row by click or keyboard and saves it in the state', async () => {
    const v = await openView(browser, 'attention');
    const m = codeMsg(ATTENTION);
    await v.post(m);
    const { page } = v;
    await page.locator('#sm1-A').waitFor();
    const c = await cellCenter(page, 'sm1-A', 3, 3, 1, 0);
    await page.mouse.click(c.x, c.y);
    await page.locator('#sm1-row').waitFor();
    const row1 = Array.from(m.code.softmaxes[0].A.data.slice(3, 6), (x) => String(Number(x.toPrecision(4))));
    expect(await page.locator('#sm1-row').textContent()).toMatch(new RegExp(`^Row 1 of A: ${row1.join(', ')} \\(sum 1\\)`));
    expect(await v.state()).toMatchObject({ options: { mode: 'code', title: 'attention.py' }, layer: 1, row: 1 });
    await page.locator('#sm1-A').focus();
    await page.keyboard.press('ArrowDown');
    expect(await page.locator('#sm1-row').textContent()).toMatch(/^Row 2 of A/);
    expect(await v.state()).toMatchObject({ layer: 1, row: 2 });
    expect(v.problems).toEqual([]);
    await page.close();
  });

  it('shows values only, and says why, when the code has no loss', async () => {
    const v = await openView(browser, 'attention');
    await v.post(codeMsg('import numpy as np\nS = np.array([[1.0, 2.0], [0.5, -1.0]])\nA = np.exp(S) / np.exp(S).sum(axis=1, keepdims=True)\n', 'scores.py'));
    const { page } = v;
    await page.locator('#sm1-A').waitFor();
    expect(await page.locator('#sm1-title').textContent()).toBe('A = softmax(S) at line 3');
    expect(await page.locator('#sm1-dS').count()).toBe(0);
    expect(await page.locator('#sm1-nograd').textContent()).toBe('No gradients: no loss found: name the loss loss, L or J.');
    expect(v.problems).toEqual([]);
    await page.close();
  });

  it('shows an error instead of a blank panel, and goes back to a sentence', async () => {
    const v = await openView(browser, 'attention');
    const { page } = v;
    await v.post({ type: 'error', options: { mode: 'code', text: 'x = 1\n', title: 'x.py' }, message: 'No row softmax of a matrix in the code.' });
    expect(await page.locator('#error').textContent()).toBe('No row softmax of a matrix in the code.');
    await v.post(codeMsg(ATTENTION));
    await page.locator('#sm1-A').waitFor();
    const o: AttentionOptions = { sentence: 'llama llama red pajama', variant: 'free', layers: 1, d: 4, causal: false, temperature: 1, label: 'happy', length: 0 };
    await v.post({ type: 'trace', options: o, trace: attentionTrace(o) });
    await page.locator('#attn').waitFor();
    expect(await page.locator('#sm1-A').count()).toBe(0);
    expect(await page.locator('#row-sums').textContent()).toContain('Every row of A sums to 1');
    expect(v.problems).toEqual([]);
    await page.close();
  });
});
