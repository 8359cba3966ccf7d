/**
 * `gradient-lens attention`: the attention matrices of every layer, the loss and the gradients,
 * for a JSON model or a sentence (seeded word vectors of size --d).
 */
import { readFileSync } from 'node:fs';
import { Graph } from '../engine/graph';
import { toNested } from '../engine/tensor';
import type { AttentionModel } from '../models/attention';
import { MAX_LAYERS, buildAttention, parseAttentionModel } from '../models/attention';
import { sentenceAttention, tokenize } from '../frontends/sentence';
import { fmt, table, toJson } from './format';
import type { CliArgs } from './args';
import { UsageError, numberArg, oneOfArg } from './args';

export const MAX_TOKENS = 1024;
/** rows and columns of a matrix printed as text */
const SHOWN = 16;

export function attentionCommand(a: CliArgs): string {
  let model: AttentionModel;
  let words: string[] | undefined;
  if (a.model) {
    model = parseAttentionModel(JSON.parse(readFileSync(a.model, 'utf8')));
  } else {
    words = tokenize(a.sentence ?? 'llama llama red pajama');
    if (words.length === 0) throw new UsageError('--sentence: no words found');
    if (words.length > MAX_TOKENS) throw new UsageError(`--sentence: ${words.length} words; the limit is ${MAX_TOKENS}`);
    const layers = numberArg(a, 'layers', 1), d = numberArg(a, 'd', 4);
    if (!Number.isInteger(layers) || layers < 1 || layers > MAX_LAYERS) throw new UsageError(`--layers: expected a whole number from 1 to ${MAX_LAYERS}`);
    if (!Number.isInteger(d) || d < 1 || d > 64) throw new UsageError('--d: expected a whole number from 1 to 64');
    model = sentenceAttention(words, {
      variant: oneOfArg(a, 'variant', ['free', 'scaled', 'qkv'] as const, 'free'),
      layers, d,
      label: oneOfArg(a, 'label', ['happy', 'sad'] as const, 'happy') === 'happy' ? 1 : 0,
      causal: a.causal === true,
      ...(a.seed !== undefined ? { seed: numberArg(a, 'seed', 0) } : {}),
    });
  }
  const g = new Graph({ reluAtZero: numberArg(a, 'relu-at-zero', 0) });
  const n = buildAttention(g, model);
  const grads = g.backward(n.loss);
  const A = n.layers.map((l) => toNested(g.value(l.A)) as number[][]);
  const perLayer = (ids?: readonly number[]) => ids?.map((id) => toNested(grads.get(id as never)));
  const out = {
    ...(words ? { words } : {}),
    loss: g.scalar(n.loss),
    p: g.scalar(n.p),
    z: g.scalar(n.z),
    grads: {
      X: toNested(grads.get(n.params.X)),
      w_o: toNested(grads.get(n.params.w_o)),
      ...(n.params.W_q ? { W_q: perLayer(n.params.W_q), W_k: perLayer(n.params.W_k), W_v: perLayer(n.params.W_v) } : {}),
    },
    attention: A,
  };
  if (a.json) return toJson(out);
  const labels = words ?? A[0].map((_r, i) => `token ${i + 1}`);
  const k = Math.min(labels.length, SHOWN); // a terminal gets the first rows and columns; --json has all
  const cut = labels.length > SHOWN ? `\n(the first ${SHOWN} of ${labels.length} rows and columns; --json prints them all)` : '';
  const layersText = A.map((M, l) => [
    `Layer ${l + 1}: attention A = row softmax(S) (each row sums to 1)`,
    table(['', ...labels.slice(0, k).map((w) => w.slice(0, 10))], M.slice(0, k).map((row, i) => [labels[i].slice(0, 10), ...row.slice(0, k).map(fmt)])) + cut,
  ].join('\n'));
  return [
    `Attention (${model.variant}, K = ${model.layers}${model.causal ? ', causal' : ''}) on ${words ? `"${words.join(' ')}"` : `model ${a.model}`}`,
    `loss L = ${fmt(out.loss)}   p = ${fmt(out.p)}   z = ${fmt(out.z)}`,
    '',
    ...layersText.flatMap((t) => [t, '']),
    `|dL/dx_i| per token: ${labels.slice(0, k).map((w, i) => `${w} ${fmt(Math.hypot(...(out.grads.X as number[][])[i]))}`).join(', ')}${labels.length > k ? ', …' : ''}`,
  ].join('\n');
}
