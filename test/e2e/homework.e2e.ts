/**
 * Homework checks in a real VS Code (code-server): a Markdown homework with two right claims and
 * one wrong one gets exactly one warning in the Problems view with its diagnosis, a status bar
 * count that opens that view, CodeLenses on the right claims; fixing the claim by typing clears the
 * warning.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VsCode } from './harness';
import { openFile, screenshot, selectText, startWithExamples, waitFor } from './harness';

const WRONG = '(sigmoid(w_o*h_2) - 1)*w_o*step(w_h*h_1 + w_i*x_2)*h_1';
const FIXED = '(sigmoid(w_o*h_2) - 1)*w_o*step(w_h*h_1 + w_i*x_2)*(h_1 + w_h*step(w_h*h_0 + w_i*x_1)*h_0)';
let vs: VsCode;
let close: () => Promise<void>;

beforeAll(async () => ({ vs, close } = await startWithExamples()));
afterAll(async () => close?.());

describe('Check homework derivatives', () => {
  it('warns on the one wrong claim with its diagnosis, and clears the warning when it is fixed', async () => {
    const { page } = vs;
    await openFile(page, 'derivatives.md');
    const status = page.locator('.statusbar-item', { hasText: 'Derivatives:' });
    await waitFor(async () => (await status.textContent())?.includes('Derivatives: 2 ✓ 1 ✗'), 'the status bar to count 2 right and 1 wrong', 60_000);
    const lenses = page.locator('.monaco-editor .codelens-decoration', { hasText: '✓ derivative checked (20 points)' });
    await waitFor(async () => (await lenses.count()) === 2, 'a CodeLens on each right claim', 20_000);

    // the status bar item opens the Problems view: one warning, the missing BPTT term
    await status.click();
    const rows = page.locator('.markers-panel .monaco-list-row .marker-message-details, .markers-panel .monaco-tl-row .marker-message-line');
    const warnings = page.locator('.markers-panel .monaco-tl-row .codicon-warning, .markers-panel .monaco-tl-row .codicon-problems-warning-icon');
    await waitFor(async () => (await page.locator('.markers-panel .monaco-tl-row', { hasText: 'A term of the sum is missing' }).count()) === 1, 'the diagnosis in the Problems view', 20_000);
    expect(await warnings.count()).toBe(1);
    expect(await page.locator('.markers-panel .monaco-tl-row .codicon-error').count()).toBe(0);
    expect((await rows.allTextContents()).join(' ')).toMatch(/missing/);
    await screenshot(page, 'homework-check');

    // fix the claim by typing: select the wrong right-hand side and type the whole sum
    await openFile(page, 'derivatives.md');
    await selectText(page, WRONG);
    await page.keyboard.type(FIXED);
    // the editor auto-closed some brackets as we typed: drop what it left after the cursor
    await page.keyboard.press('Shift+End');
    await page.keyboard.press('Delete');
    await waitFor(async () => (await status.textContent())?.includes('Derivatives: 3 ✓ 0 ✗'), 'the status bar to count 3 right', 30_000);
    await waitFor(async () => (await page.locator('.markers-panel .monaco-tl-row', { hasText: 'A term of the sum is missing' }).count()) === 0, 'the warning to disappear', 20_000);
    await waitFor(async () => (await lenses.count()) === 3, 'a CodeLens on the fixed claim too', 20_000);
    await screenshot(page, 'homework-check-fixed');
  });
});
