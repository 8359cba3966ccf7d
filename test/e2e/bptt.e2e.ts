/**
 * Gradient Lens in a real VS Code (code-server): select the lecture's sentence, run the command from
 * the palette, step back with the keyboard and compare with the engine, make the gradient explode,
 * follow the selection in the side view, and get the panel back after a window reload.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sentenceBptt } from '../../src/frontends/sentenceBptt';
import { paintedPixels } from '../webviews/page';
import type { VsCode } from './harness';
import { activateTab, openFile, runCommand, screenshot, selectText, startWithExamples, waitFor, webviewFrame } from './harness';

const EXT = 'gradient-lens.gradient-lens';
let vs: VsCode;
let close: () => Promise<void>;

beforeAll(async () => ({ vs, close } = await startWithExamples()));
afterAll(async () => close?.());

describe('Step Through BPTT', () => {
  it('steps back through the lecture sentence, explodes at w_h = 1.8, and survives a reload', async () => {
    const { page } = vs;
    try {
      await openFile(page, 'lecture.md');
      await selectText(page, 'llama llama red pajama');
      await runCommand(page, 'Gradient Lens: Step Through BPTT');
      const panel = webviewFrame(page, { view: false, extensionId: EXT });
      await panel.locator('#rnn').waitFor({ timeout: 60_000 });
      expect(await panel.locator('#rnn thead th.rnn-col').count()).toBe(4);

      // three Right presses: dL/dh_1, equal to the engine's value to 4 significant figures
      const engine = sentenceBptt({ sentence: 'llama llama red pajama', cell: 'relu', hidden: 1, w_h: 0.5, label: 'happy', length: 0, reluAtZero: 0 }, 100);
      await panel.locator('#step-count').click();
      for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
      await waitFor(async () => (await panel.locator('#step-result').getAttribute('data-t')) === '1', 'dL/dh_1 to be shown', 10_000);
      const shown = Number((await panel.locator('#step-result').textContent())!.split(' = ')[1]);
      expect(shown).toBe(Number((engine.trace.dL_dh[1] as number).toPrecision(4)));
      expect(await panel.locator('#chart').evaluate(paintedPixels)).toBeGreaterThan(100);
      await screenshot(page, 'bptt-panel');

      // w_h = 1.8 and 40 words: the exploding flag
      await panel.locator('#wh').fill('1.8');
      await panel.locator('#wh').dispatchEvent('change');
      await panel.locator('#length input').fill('40');
      await panel.locator('#length input').press('Enter');
      await waitFor(async () => (await panel.locator('#verdict').getAttribute('data-kind')) === 'exploding', 'the exploding flag', 30_000);
      expect(await panel.locator('#verdict').textContent()).toMatch(/^Exploding: \|dL\/dh_0\| is 10\^\+\d+\.\d times \|dL\/dh_40\|/);
      expect(await panel.locator('#rnn thead th.rnn-col').count()).toBe(12);
      await screenshot(page, 'bptt-panel-exploding');

      // 10,000 words: traced in the worker thread, reported with the true power of ten
      await panel.locator('#length input').fill('10000');
      await panel.locator('#length input').press('Enter');
      await waitFor(async () => (await panel.locator('#step-count').textContent())?.startsWith('Step 0 of 10000'), 'the 10,000-word trace', 90_000, 250);
      // happy label: h overflows float64, so p = 1 exactly and nothing flows back; the panel says so
      expect(await panel.locator('#verdict').getAttribute('data-kind')).toBe('vanishing');
      expect(await panel.locator('#verdict').textContent()).toMatch(/^The output is saturated: h_t overflows float64 from t = \d+/);
      await panel.locator('#length input').fill('40');
      await panel.locator('#length input').press('Enter');
      await waitFor(async () => (await panel.locator('#step-count').textContent())?.startsWith('Step 0 of 40'), 'back to 40 words', 30_000);
      await panel.locator('#step-count').click();
      await page.keyboard.press('ArrowRight');
      await page.keyboard.press('ArrowRight');
      await waitFor(async () => (await panel.locator('#step-count').textContent())?.startsWith('Step 2 of 40'), 'two steps back', 10_000);

      // the side view follows the selection
      await page.locator('.activitybar .action-item .action-label[aria-label="Gradient Lens"]').click();
      const side = webviewFrame(page, { view: true, extensionId: EXT });
      await openFile(page, 'lecture.md');
      await selectText(page, 'llama llama red pajama');
      await side.locator('#flow-verdict').waitFor({ timeout: 30_000 });
      expect(await side.locator('#flow-verdict').getAttribute('data-kind')).toBe('healthy');
      expect(await side.locator('#flow-chart').evaluate(paintedPixels)).toBeGreaterThan(100);
      await screenshot(page, 'gradient-flow-side-view');

      // opening lecture.md again put it in front of the panel: the panel was hidden (its webview
      // destroyed, no retainContextWhenHidden); shown again, it has its step back
      expect(await page.locator('.tabs-container .tab.active', { hasText: 'BPTT' }).count()).toBe(0);
      await activateTab(page, 'BPTT');
      const shownAgain = webviewFrame(page, { view: false, extensionId: EXT });
      await waitFor(async () => (await shownAgain.locator('#step-count').textContent())?.startsWith('Step 2 of 40'), 'the step after hiding', 30_000);

      // the panel comes back after a window reload, with the options it had (VS Code restores it
      // as a tab; it renders when shown)
      await vs.reload();
      await activateTab(page, 'BPTT');
      const revived = webviewFrame(page, { view: false, extensionId: EXT });
      await revived.locator('#rnn').waitFor({ timeout: 60_000 });
      expect(await revived.locator('#verdict').getAttribute('data-kind')).toBe('exploding');
      expect(await revived.locator('#rnn thead th.rnn-col').count()).toBe(12);
      expect(await revived.locator('#step-count').textContent()).toMatch(/^Step 2 of 40/);
    } catch (e) {
      await vs.keep('bptt');
      throw e;
    }
  });
});
