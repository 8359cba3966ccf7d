/**
 * `gradient-lens bptt`: the BPTT table of a sentence (the lecture's RNN with seeded word vectors)
 * or of a JSON model with every parameter given, and the parameter gradients.
 */
import { readFileSync } from 'node:fs';
import type { BpttTrace } from '../models/bptt';
import { bpttTrace } from '../models/bptt';
import { parseRnnModel } from '../models/rnn';
import { sentenceRnn, tokenize } from '../frontends/sentence';
import type { Nested } from '../engine/tensor';
import { nestedNorm as norm } from '../engine/tensor';
import { fmt, table, toJson } from './format';
import type { CliArgs } from './args';
import { UsageError, numberArg, oneOfArg } from './args';

export const MAX_WORDS = 100_000;

export function bpttCommand(a: CliArgs): string {
  const relu0 = numberArg(a, 'relu-at-zero', 0);
  if (a.model) {
    const model = parseRnnModel(JSON.parse(readFileSync(a.model, 'utf8')));
    const tr = bpttTrace(model, { reluAtZero: relu0 });
    if (a.json) return toJson({ loss: tr.loss, p: tr.p, z: tr.z, grads: tr.grads, dL_dh: tr.dL_dh, log10_dL_dh: tr.log10_dL_dh, verdict: tr.verdict });
    return render(tr, `model ${a.model}`);
  }
  const sentence = a.sentence ?? 'llama llama red pajama';
  const words = tokenize(sentence);
  if (words.length === 0) throw new UsageError('--sentence: no words found');
  if (words.length > MAX_WORDS) throw new UsageError(`--sentence: ${words.length} words; the limit is ${MAX_WORDS}`);
  const hidden = numberArg(a, 'hidden', 1);
  if (!Number.isInteger(hidden) || hidden < 1 || hidden > 256) throw new UsageError('--hidden: expected a whole number from 1 to 256');
  const cell = oneOfArg(a, 'cell', ['relu', 'tanh'] as const, 'relu');
  const label = oneOfArg(a, 'label', ['happy', 'sad'] as const, 'happy') === 'happy' ? 1 : 0;
  const w_h = numberArg(a, 'w-h', 0.5);
  const seed = a.seed === undefined ? undefined : numberArg(a, 'seed', 0);
  const model = sentenceRnn(words, { cell, hidden, w_h, label, ...(seed !== undefined ? { seed } : {}) });
  const tr = bpttTrace(model, { reluAtZero: relu0, words });
  if (a.json) return toJson({ words, ...tr });
  const kind = hidden === 1 ? `scalar ${cell} RNN` : `vector ${cell} RNN, hidden size ${hidden}`;
  return render(tr, `"${words.join(' ')}" (${kind}, w_h = ${w_h}, label ${label ? 'happy' : 'sad'})`);
}

function render(tr: BpttTrace, title: string): string {
  const s = tr.scalar;
  const head = s
    ? ['t', 'word', 'a_t', 'h_t', 'dh_t/dh_t-1', 'dL/dh_t', 'log10|dL/dh_t|', 'flag']
    : ['t', 'word', '|a_t|', '|h_t|', 'gain', '|dL/dh_t|', 'log10|dL/dh_t|', 'flag'];
  const rows = tr.steps.map((st) => [
    String(st.t), st.word ?? '',
    fmt(s ? (st.a as number) : norm(st.a)), fmt(s ? (st.h as number) : norm(st.h)),
    fmt(s ? st.factor! : st.gain), fmt(s ? (st.dLdh as number) : norm(st.dLdh)),
    st.log10dLdh.toFixed(3), st.flag,
  ]).reverse();
  rows.push(['0', '(h_0)', '', fmt(s ? (tr.h0 as number) : norm(tr.h0)), '', fmt(s ? (tr.dL_dh[0] as number) : norm(tr.dL_dh[0])), tr.log10_dL_dh[0].toFixed(3), '']);
  const g = tr.grads;
  const grad = (name: string, v: Nested) => `  dL/d${name} = ${s ? fmt(v as number) : `‖…‖ ${fmt(norm(v))}`}`;
  return [
    `BPTT on ${title}`,
    `loss L = ${fmt(tr.loss)}   p = ${fmt(tr.p)}   z = ${fmt(tr.z)}`,
    '',
    table(head, rows),
    '',
    'Parameter gradients:',
    grad(s ? 'w_h' : 'W_h', g.W_h), grad(s ? 'w_i' : 'W_i', g.W_i), grad(s ? 'w_o' : 'W_o', g.W_o), grad('h_0', g.h0),
    ...(g.b !== undefined ? [grad('b', g.b)] : []),
    '',
    tr.verdict.message,
  ].join('\n');
}
