/**
 * The one pipeline from a sentence and the stepper's options to a BPTT trace, shared by the panel,
 * the side view, the worker thread and the CLI: tokenize, repeat the sentence to the chosen length,
 * build the lecture's RNN, trace it.
 */
import type { BpttTrace } from '../models/bptt';
import { bpttTrace } from '../models/bptt';
import type { Cell } from '../models/rnn';
import { sentenceRnn, sentenceWordsOf } from './sentence';

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

/** The words of the sentence, repeated to `length` words, or an InputError saying what is wrong. */
export function sentenceWords(o: BpttOptions, maxWords: number): string[] {
  return sentenceWordsOf(o.sentence, o.length, maxWords, ' (setting gradientLens.maxSequenceLength)');
}

export function sentenceBptt(o: BpttOptions, maxWords: number): SentenceTrace {
  const words = sentenceWords(o, maxWords);
  const model = sentenceRnn(words, { cell: o.cell, hidden: o.hidden, w_h: o.w_h, label: o.label === 'happy' ? 1 : 0, ...(o.seed !== undefined ? { seed: o.seed } : {}) });
  return { words, trace: bpttTrace(model, { reluAtZero: o.reluAtZero, words }) };
}
