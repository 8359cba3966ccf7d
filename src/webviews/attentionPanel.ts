/**
 * The attention panel: an options panel whose host computes the attention trace (every layer's
 * similarities, attention and new vectors, and the long-range comparison with the RNN) and whose
 * webview draws it. When it is the active editor, the side view shows its attention heatmap.
 */
import type { AttentionOptions, AttentionTrace } from '../frontends/sentenceAttention';
import { isAttentionOptions } from './attentionProtocol';
import type { PanelKind } from './optionsPanel';
import { settings } from './settings';
import { runInBackground } from './traceRunner';

export function attentionPanel(onActive: (active: boolean, trace?: AttentionTrace, layer?: number) => void): PanelKind<AttentionOptions, { trace: AttentionTrace }> {
  return {
    viewType: 'gradientLens.attention',
    view: 'attention',
    title: 'Attention',
    subject: (o) => o.sentence,
    isOptions: isAttentionOptions,
    async compute(extensionUri, options, signal) {
      const s = settings();
      const trace = await runInBackground<AttentionTrace>(extensionUri.fsPath, { kind: 'attention', options, rnn: { cell: s.defaultCell, w_h: s.defaultWh } }, signal);
      return { trace };
    },
    onActive: (active, last) => onActive(active, last?.result.trace),
  };
}
