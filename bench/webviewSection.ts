// The panels' drawing time in headless Chromium (the real bundles under their real CSP): the BPTT
// panel's 10,000-word chart (target 200 ms), and the attention panel's compute + draw for
// n = 64, 256, 512 tokens (targets: 256 under 50 ms, 512 under 150 ms). Skipped with a note
// when Chromium is missing.
import { existsSync } from 'node:fs';
import { attentionTrace, defaultAttentionOptions } from '../src/frontends/sentenceAttention';
import { sentenceBptt } from '../src/frontends/sentenceBptt';
import { launch, openView } from '../test/webviews/page';
import type { Section, SectionResult } from './sections';
import { median } from './timing';

const WORDS = 10_000;
const LIMIT_MS = 200;
const ATTENTION: [n: number, limitMs: number | null][] = [[64, null], [256, 50], [512, 150]];

/** Time from posting a message to the next painted frame, in the page. */
async function drawMs(page: import('playwright-core').Page, message: unknown, doneSelector: string): Promise<number> {
  return page.evaluate(async ({ msg, sel }) => {
    document.querySelector(sel)?.remove();
    const t0 = performance.now();
    window.postMessage(msg, '*');
    await new Promise<void>((done) => {
      const check = () => (document.querySelector(sel) ? requestAnimationFrame(() => setTimeout(done, 0)) : setTimeout(check, 0));
      check();
    });
    return performance.now() - t0;
  }, { msg: message, sel: doneSelector });
}

export const webviewSection: Section = {
  name: 'webview drawing',
  async run(ctx): Promise<SectionResult> {
    if (ctx.only && !'webview'.includes(ctx.only)) return { rows: [], targets: [] };
    if (!existsSync('/usr/bin/chromium')) return { rows: [], targets: [], notes: ['webview drawing: /usr/bin/chromium is missing (apt-get install chromium); not measured'] };
    const options = { sentence: 'llama llama red pajama', cell: 'relu' as const, hidden: 1, w_h: 0.5, label: 'happy' as const, length: WORDS, reluAtZero: 0 };
    const message: unknown = { type: 'trace', options, maxWords: WORDS, ...sentenceBptt(options, WORDS) };
    const browser = await launch();
    try {
      const v = await openView(browser, 'bptt');
      const render: number[] = [], step: number[] = [];
      for (let i = 0; i < 7; i++) {
        render.push(await drawMs(v.page, message, '#rnn'));
        step.push(await v.page.evaluate(async () => {
          const t0 = performance.now();
          document.dispatchEvent(new KeyboardEvent('keydown', { key: 'End', bubbles: true }));
          await new Promise<void>((done) => requestAnimationFrame(() => setTimeout(done, 0)));
          return performance.now() - t0;
        }));
      }
      if (v.problems.length) throw new Error(`webview errors: ${v.problems.join('; ')}`);
      const r = median(render.slice(2)), s = median(step.slice(2));
      ctx.log(`webview: ${WORDS}-word trace rendered in ${r.toFixed(1)} ms (median of 5), step to h_0 redraws in ${s.toFixed(1)} ms`);

      // attention: the host's compute (in this process) plus the webview's draw (message to frame)
      const a = await openView(browser, 'attention');
      const targets: SectionResult['targets'] = [
        { name: `BPTT panel: the ${WORDS}-word chart (10,001 points) drawn on a step < ${LIMIT_MS} ms`, pass: s < LIMIT_MS, value: Number(s.toFixed(1)), unit: 'ms' },
      ];
      const attention: Record<string, { compute_ms: number; draw_ms: number }> = {};
      for (const [n, limit] of ATTENTION) {
        const options = { ...defaultAttentionOptions('llama llama red pajama'), length: n };
        const compute: number[] = [], draw: number[] = [];
        let trace = attentionTrace(options);
        for (let i = 0; i < 6; i++) {
          const t0 = performance.now();
          trace = attentionTrace(options);
          compute.push(performance.now() - t0);
          draw.push(await drawMs(a.page, { type: 'trace', options, trace }, '#attn'));
        }
        const c = median(compute.slice(1)), d = median(draw.slice(1));
        attention[`n=${n}`] = { compute_ms: c, draw_ms: d };
        ctx.log(`webview: attention n = ${n}: compute ${c.toFixed(1)} ms + draw ${d.toFixed(1)} ms`);
        targets.push({ name: `attention panel n = ${n}: compute + draw${limit ? ` < ${limit} ms` : ''}`, pass: limit ? c + d < limit : null, value: Number((c + d).toFixed(1)), unit: 'ms' });
      }
      if (a.problems.length) throw new Error(`webview errors: ${a.problems.join('; ')}`);
      return {
        rows: [],
        targets,
        notes: [`webview: a ${WORDS}-word trace takes ${r.toFixed(0)} ms from the host's message to the first painted frame (cloning the trace included; no target)`],
        json: { webview: { words: WORDS, render_ms: r, step_ms: s, attention } },
      };
    } finally {
      await browser.close();
    }
  },
};
