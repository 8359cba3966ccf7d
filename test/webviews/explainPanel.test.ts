/**
 * The Explain Gradient webview in real Chromium under its real CSP: the graph drawn from a trace,
 * keyboard stepping to an input with the engine's gradient, the sum over children at a node used
 * twice, all paths summing to the gradient, the symbolic check, hover highlighting, copying, edits
 * sent to the host, a hostile expression shown as text, and a parse error with the field to fix it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { explainTrace } from '../../src/explain/explainTrace';
import type { ExplainPanelOptions } from '../../src/webviews/explainProtocol';
import { launch, openView } from './page';
import { buildOnce } from './build';

const opts = (expression: string, values: Record<string, number> = {}): ExplainPanelOptions => ({ expression, values, wrt: null, reluAtZero: 0 });
const traceMsg = (o: ExplainPanelOptions) => ({ type: 'trace', options: o, trace: explainTrace({ expression: o.expression, values: o.values, wrt: o.wrt ?? undefined, reluAtZero: o.reluAtZero }) });
const sig4 = (x: number) => Number(x.toPrecision(4));

let browser: Browser;
beforeAll(async () => {
  buildOnce();
  browser = await launch();
});
afterAll(async () => browser?.close());

describe('Explain Gradient webview', () => {
  it('draws every node of the graph with its value, and the expression in KaTeX', async () => {
    const v = await openView(browser, 'explain');
    // KaTeX is neither fetched nor run before a trace is on screen; then it comes with the nonce
    const katexScripts = () => v.page.evaluate(() => [...document.querySelectorAll('script[src$="katex.js"]')].map((s) => (s as HTMLScriptElement).nonce));
    expect(await katexScripts()).toEqual([]);
    expect(await v.page.evaluate(() => 'gradientLensMath' in globalThis)).toBe(false);
    const msg = traceMsg(opts('sigmoid(w*x + b)', { w: 0.5, x: 2, b: -1 }));
    await v.post(msg);
    const { page } = v;
    await page.locator('#graph').waitFor();
    // sigmoid(w*x + b) is 6 nodes: w, x, w*x, b, + and sigmoid
    expect(await page.locator('#graph .node').count()).toBe(6);
    expect(await page.locator('#graph .edge').count()).toBe(5);
    // w*x + b = 0.5*2 - 1 = 0, so f = sigmoid(0) = 0.5
    expect(await page.locator('#graph .node.output .node-value').textContent()).toBe('= 0.5');
    // the expression's KaTeX comes just after the first paint (the graph and the step come first)
    await expect.poll(() => page.locator('#expr-head .katex').count()).toBe(1);
    expect(await katexScripts()).toEqual(['testnonce123']);
    // before stepping only the output's gradient is known
    expect(await page.locator('#graph .node.reached').count()).toBe(1);
    expect(v.problems).toEqual([]);
    await page.close();
  });

  it('steps backward with the keyboard to the first input and shows the engine\'s gradient', async () => {
    const v = await openView(browser, 'explain');
    const msg = traceMsg(opts('sigmoid(w*x + b)', { w: 0.5, x: 2, b: -1 }));
    await v.post(msg);
    const { page } = v;
    await page.locator('#graph').waitFor();
    const t = msg.trace;
    // df/dw = sigmoid'(0) * x = 0.25 * 2 = 0.5
    expect(t.gradient.w).toBeCloseTo(0.5, 12);
    for (let k = 1; k < t.steps.length; k++) {
      await page.keyboard.press('ArrowRight');
      const node = Number(await page.locator('#step-result').getAttribute('data-node'));
      expect(node).toBe(t.steps[k].node);
      expect(Number(await page.locator('#step-result').getAttribute('data-grad'))).toBe(t.steps[k].grad);
      expect(await page.locator('#graph .node.reached').count()).toBe(k + 1);
    }
    // the last step is an input; w is reached on the way, and its shown gradient is the engine's
    await page.keyboard.press('End');
    expect(await page.locator('#step-result').getAttribute('data-kind')).toBe('variable');
    const wStep = t.steps.findIndex((s) => t.nodes[s.node].label === 'w');
    await page.keyboard.press('Home');
    for (let k = 0; k < wStep; k++) await page.keyboard.press('ArrowRight');
    expect(await page.locator('#step-result').textContent()).toBe(`∂f/∂w = ${sig4(t.gradient.w)}`);
    await expect.poll(() => page.locator('#formula .katex').count()).toBe(1);
    // stepping is local: only 'ready' went to the host, and the cursor is saved
    expect((await v.posted()).map((m) => (m as { type: string }).type)).toEqual(['ready']);
    expect(await v.state()).toMatchObject({ cursor: wStep });
    expect(v.problems).toEqual([]);
    await page.close();
  });

  it('shows a node used twice as the sum over its two children', async () => {
    const v = await openView(browser, 'explain');
    // f = x*x + exp(x)*w: x feeds x*x (as both inputs) and exp(x)
    const msg = traceMsg(opts('x*x + exp(x)*w', { x: 0.5, w: 2 }));
    await v.post(msg);
    const { page } = v;
    await page.locator('#graph').waitFor();
    await page.keyboard.press('End');
    expect(await page.locator('#step-result').getAttribute('data-label')).toBe('x');
    // df/dx = 2x + w e^x = 1 + 2 e^0.5
    expect(Number(await page.locator('#step-result').getAttribute('data-grad'))).toBeCloseTo(1 + 2 * Math.exp(0.5), 12);
    expect(await page.locator('#step-note').textContent()).toMatch(/feeds 3 nodes, so its gradient is the sum of 3 terms/);
    expect(await page.locator('#step-rules .rule').count()).toBe(3);
    expect(v.problems).toEqual([]);
    await page.close();
  });

  it('folds the symbolic derivatives of an expression with many variables, drawing each when opened', async () => {
    const v = await openView(browser, 'explain');
    // 4 variables: each derivative sits folded under its name, the first open; every check is shown
    const msg = traceMsg(opts('sigmoid(a*x + b*y)', { a: 0.5, x: 1, b: -1, y: 2 }));
    await v.post(msg);
    const { page } = v;
    await expect.poll(() => page.locator('#symbolic details.derivative').count()).toBe(4);
    expect(await page.locator('#symbolic .check.ok').count()).toBe(4);
    await expect.poll(() => page.locator('#symbolic details[open] .katex').count()).toBe(1);
    expect(await page.locator('#symbolic details:not([open]) .katex').count()).toBe(0);
    // d/dx sigmoid(a x + b y) = sigmoid'(z) a: opening x's draws it
    await page.locator('#symbolic details[data-var="x"] summary').click();
    await expect.poll(() => page.locator('#symbolic details[data-var="x"] .katex').count()).toBe(1);
    expect(v.problems).toEqual([]);
    await page.close();
  });

  it('names a long folded derivative by its length, with thousands separated by commas', async () => {
    const v = await openView(browser, 'explain');
    // the lecture's loss unrolled over 7 steps: d/dw_h of it is a sum over every path through w_h
    let h = 'h0';
    for (let t = 1; t <= 7; t++) h = `relu(w_h*${h} + w_i*x${t})`;
    const msg = traceMsg(opts(`-log(sigmoid(w_o*${h}))`));
    const d = msg.trace.derivatives.find((x) => x.variable === 'w_h')!;
    expect(d.text.length).toBeGreaterThanOrEqual(1000);
    expect(d.text.length).toBeLessThan(1_000_000);
    await v.post(msg);
    const n = d.text.length;
    await expect.poll(() => v.page.locator('#symbolic details[data-var="w_h"] summary').textContent())
      .toBe(`∂f/∂w_h (${Math.floor(n / 1000)},${String(n % 1000).padStart(3, '0')} characters)`);
    expect(v.problems).toEqual([]);
    await v.page.close();
  });

  it('lists every path from the output to an input, summing to the gradient, and checks the symbolic derivative', async () => {
    const v = await openView(browser, 'explain');
    const msg = traceMsg(opts('x*x + exp(x)*w', { x: 0.5, w: 2 }));
    await v.post(msg);
    const { page } = v;
    // the paths replace their placeholder (also #paths) once the first step is on screen
    await page.locator('#paths .path-list').waitFor();
    // three paths to x: through each input of x*x, and through exp(x)
    expect(await page.locator('#paths .path-list li').count()).toBe(3);
    expect(Number(await page.locator('#paths-sum').getAttribute('data-total'))).toBeCloseTo(1 + 2 * Math.exp(0.5), 12);
    // the formulas render just after the first paint
    await expect.poll(() => page.locator('#symbolic .formula .katex').count()).toBe(2);
    expect(await page.locator('#paths .path-list li .katex').count()).toBe(3);
    expect(await page.locator('#symbolic .check.ok').count()).toBe(2);
    // choosing w lists its one path
    await page.locator('#path-var').click();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('#paths .path-list li').count()).toBe(1);
    expect(v.problems).toEqual([]);
    await page.close();
  });

  it('asks the host to highlight a node\'s source when hovered, and to copy the derivation', async () => {
    const v = await openView(browser, 'explain');
    const msg = traceMsg(opts('sigmoid(w*x + b)'));
    await v.post(msg);
    const { page } = v;
    await page.locator('#graph').waitFor();
    const add = msg.trace.nodes.find((n) => n.op === 'add')!;
    await page.locator(`#graph .node[data-node="${add.id}"]`).hover();
    await page.mouse.move(0, 0);
    await page.locator('#copy-markdown').click();
    const posted = (await v.posted()) as { type: string }[];
    // the + node came from "w*x + b", offsets 8 to 15
    expect(posted).toContainEqual({ type: 'highlight', span: { start: 8, end: 15 } });
    expect(posted).toContainEqual({ type: 'highlight', span: null });
    expect(posted).toContainEqual({ type: 'copy', format: 'markdown' });
    expect(v.problems).toEqual([]);
    await page.close();
  });

  it('sends an edited value and a new expression to the host', async () => {
    const v = await openView(browser, 'explain');
    const o = opts('sigmoid(w*x + b)');
    await v.post(traceMsg(o));
    const { page } = v;
    await page.locator('#graph').waitFor();
    await page.locator('input[data-var="w"]').fill('1.5');
    await page.locator('input[data-var="w"]').press('Enter');
    await page.locator('#expression').click();
    await page.keyboard.press('End');
    await page.keyboard.type(' + 1');
    await page.keyboard.press('Enter');
    const posted = (await v.posted()) as { type: string; options?: ExplainPanelOptions }[];
    const sets = posted.filter((m) => m.type === 'setOptions').map((m) => m.options!);
    expect(sets[0].values).toEqual({ w: 1.5 });
    expect(sets.at(-1)!.expression).toBe('sigmoid(w*x + b) + 1');
    expect(v.problems).toEqual([]);
    await page.close();
  });

  it('shows a parse error with the expression to fix, and hostile text only as text', async () => {
    const v = await openView(browser, 'explain');
    const bad = opts('sigmoid(w*x + b)) <img src=x onerror=alert(1)>');
    await v.post({ type: 'error', options: bad, message: "unexpected ')' at column 17" });
    const { page } = v;
    await page.locator('#error').waitFor();
    expect(await page.locator('#error').textContent()).toBe("unexpected ')' at column 17");
    expect(await page.locator('#expression').getAttribute('value')).toBe(bad.expression);
    expect(await page.locator('img').count()).toBe(0);
    expect(v.problems).toEqual([]);
    await page.close();
  });
});
