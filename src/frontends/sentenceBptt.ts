/**
 * The one pipeline from a sentence and the stepper's options to a BPTT trace, shared by the panel,
 * the side view, the worker thread and the CLI: tokenize, repeat the sentence to the chosen length,
 * build the lecture's RNN, trace it.
 */
import type { BpttTrace } from '../models/bptt';
import { bpttTrace } from '../models/bptt';
import type { Cell } from '../models/rnn';
import { codeLikeReason, sentenceRnn, tokenize } from './sentence';

export interface BpttOptions {
  sentence: string;
  cell: Cell;
  /** 1 = the lecture's scalar RNN */
  hidden: number;
  w_h: number;
  label: 'happy' | 'sad';
  /** number of words: the sentence repeated (0 = the sentence as it is) */
  length: number;
  reluAtZero: number;
  seed?: number;
}

export interface SentenceTrace {
  words: string[];
  trace: BpttTrace;
}

export class InputError extends Error {}

/** The words of the sentence, repeated to `length` words, or an InputError saying what is wrong. */
export function sentenceWords(o: BpttOptions, maxWords: number): string[] {
  const why = codeLikeReason(o.sentence);
  if (why) {
    throw new InputError(`The selection looks like code (${why}). Gradient Lens steps through sentences for now; select a sentence such as "llama llama red pajama".`);
  }
  const words = tokenize(o.sentence);
  if (words.length === 0) throw new InputError('The selection has no words. Select a sentence such as "llama llama red pajama".');
  const n = o.length > 0 ? o.length : words.length;
  if (n > maxWords) throw new InputError(`${n} words is more than the limit of ${maxWords} (setting gradientLens.maxSequenceLength).`);
  return Array.from({ length: n }, (_w, i) => words[i % words.length]);
}

/** Rough cost in engine work, to decide whether a trace needs the worker thread. */
export function traceCost(words: number, hidden: number): number {
  return words * hidden * hidden;
}

export function sentenceBptt(o: BpttOptions, maxWords: number): SentenceTrace {
  const words = sentenceWords(o, maxWords);
  const model = sentenceRnn(words, { cell: o.cell, hidden: o.hidden, w_h: o.w_h, label: o.label === 'happy' ? 1 : 0, ...(o.seed !== undefined ? { seed: o.seed } : {}) });
  return { words, trace: bpttTrace(model, { reluAtZero: o.reluAtZero, words }) };
}
