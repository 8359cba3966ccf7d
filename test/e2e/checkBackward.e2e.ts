/**
 * Check Backward Pass in a real VS Code (code-server): a min-char-rnn whose backward pass forgets
 * dhnext gets a warning on line 38 for each of the three gradients it spoils, a summary with a list
 * that goes to the line, and the warnings go away when the code is edited (they are stale); an
 * import outside the subset gets an error on its line.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VsCode } from './harness';
import { notification, openFile, runCommand, screenshot, startWithExamples, waitFor } from './harness';

let vs: VsCode;
let close: () => Promise<void>;

beforeAll(async () => ({ vs, close } = await startWithExamples()));
afterAll(async () => close?.());

describe('Check Backward Pass', () => {
  it('puts a warning on the line that forgets dhnext, lists the gradients, clears when the code changes, and refuses torch', async () => {
    const { page } = vs;
    try {
      await openFile(page, 'min_char_rnn_buggy.py');
      await runCommand(page, 'Gradient Lens: Check Backward Pass');
      const toast = await notification(page, '2 of 5 gradients correct', 60_000);
      expect(await toast.innerText()).toMatch(/Check Backward Pass \(the whole file\): 2 of 5 gradients correct\. No hand-written gradient for hprev\./);

      // the Problems view: three warnings (Wxh, Whh, bh), all on line 38, the one that forgets "+ dhnext"
      await runCommand(page, 'Problems: Focus on Problems View');
      const rows = page.locator('.markers-panel .monaco-tl-row', { hasText: 'is not dL/d' });
      await waitFor(async () => (await rows.count()) === 3, 'three wrong-gradient warnings in the Problems view', 30_000);
      const texts = (await rows.allInnerTexts()).map((t) => t.replace(/\s+/g, ' '));
      for (const name of ['dWxh is not dL/dWxh', 'dWhh is not dL/dWhh', 'dbh is not dL/dbh']) expect(texts.some((t) => t.includes(name)), name).toBe(true);
      for (const t of texts) {
        expect(t).toContain('[Ln 38');
        expect(t).toContain('wrong-gradient');
        expect(t).toContain('first disagrees at t = 4');
      }
      expect(await page.locator('.markers-panel .monaco-tl-row .codicon-warning, .markers-panel .monaco-tl-row .codicon-problems-warning-icon').count()).toBe(3);
      expect(await page.locator('.markers-panel .monaco-tl-row .codicon-error').count()).toBe(0);
      // a warning in the Problems view goes to its line, where the squiggle is
      const position = page.locator('.statusbar-item[id="status.editor.selection"]');
      await rows.first().dblclick();
      await waitFor(async () => /Ln 38,/.test((await position.innerText()) ?? ''), 'the editor on line 38', 10_000);
      await screenshot(page, 'check-backward-pass');

      // with the cursor in lossFun (line 38) a second run checks that function and replaces the warnings (still three);
      // its Show All lists the five gradients, and picking dWxh goes back to line 38
      await runCommand(page, 'Gradient Lens: Check Backward Pass');
      const again = await notification(page, 'Check Backward Pass (function lossFun): 2 of 5 gradients correct', 60_000);
      expect(await rows.count()).toBe(3);
      await page.keyboard.press('Control+Home'); // away from line 38, so that the pick has to move there
      await waitFor(async () => /Ln 1,/.test((await position.innerText()) ?? ''), 'the cursor on line 1', 10_000);
      await again.locator('.monaco-button', { hasText: 'Show All' }).click();
      const picks = page.locator('.quick-input-widget .monaco-list-row');
      await waitFor(async () => (await picks.count()) === 5, 'five gradients in the list', 10_000);
      expect((await picks.allInnerTexts()).map((t) => t.replace(/\s+/g, ' ')).join(' | ')).toMatch(/dWhy = dL\/dWhy/);
      await picks.filter({ hasText: 'dWxh ≠ dL/dWxh' }).first().click();
      await waitFor(async () => /Ln 38,/.test((await position.innerText()) ?? ''), 'the cursor on line 38', 10_000);

      expect(await rows.count()).toBe(3);
      // an edit makes the result stale: the warnings go
      await page.keyboard.press('End');
      await page.keyboard.type(' ');
      await waitFor(async () => (await rows.count()) === 0, 'the warnings to clear after an edit', 10_000);

      // code outside the subset: an error on the construct and a notification that names it
      await page.keyboard.press('Control+Home');
      await page.keyboard.type('import torch\n');
      await runCommand(page, 'Gradient Lens: Check Backward Pass');
      await notification(page, 'the code is outside the supported subset (line 1): importing torch is not supported', 30_000);
      const error = page.locator('.markers-panel .monaco-tl-row', { hasText: 'importing torch is not supported' });
      await waitFor(async () => (await error.count()) === 1, 'the error in the Problems view', 10_000);
      expect((await error.innerText()).replace(/\s+/g, ' ')).toMatch(/unsupported-code.*\[Ln 1, Col 1\]/);
    } catch (e) {
      await vs.keep('check-backward-pass');
      throw e;
    }
  });
});
