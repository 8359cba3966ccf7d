/**
 * The attention panel: an options panel whose host computes the attention trace of a sentence
 * (every layer's similarities, attention and new vectors, and the long-range comparison with the
 * RNN) or the softmaxes of selected code, and whose webview draws it. When it is the active
 * editor, the side view shows a sentence's attention heatmap.
 */
import type { CodeAttention } from '../frontends/python/codeAttention';
import type { AttentionTrace } from '../frontends/sentenceAttention';
import type { AttentionPanelOptions, AttentionResult } from './attentionProtocol';
import { isAttentionPanelOptions } from './attentionProtocol';
import type { PanelKind } from './optionsPanel';
import { settings } from './settings';
import { runInBackground } from './traceRunner';

export function attentionPanel(onActive: (active: boolean, trace?: AttentionTrace, layer?: number) => void): PanelKind<AttentionPanelOptions, AttentionResult> {
  return {
    viewType: 'gradientLens.attention',
    view: 'attention',
    title: 'Attention',
    subject: (o) => ('mode' in o ? o.title : o.sentence),
    isOptions: isAttentionPanelOptions,
    async compute(extensionUri, options, signal) {
      if ('mode' in options) {
        const { text, lines } = options;
        const code = await runInBackground<CodeAttention>(extensionUri.fsPath, { kind: 'attentionCode', options: { text, ...(lines ? { lines } : {}) } }, signal);
        return { mode: 'code', code };
      }
      const s = settings();
      const trace = await runInBackground<AttentionTrace>(extensionUri.fsPath, { kind: 'attention', options, rnn: { cell: s.defaultCell, w_h: s.defaultWh } }, signal);
      return { trace };
    },
    onActive: (active, last) => onActive(active, last && 'trace' in last.result ? last.result.trace : undefined),
  };
}
