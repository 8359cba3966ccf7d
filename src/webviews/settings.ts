/** The gradientLens.* settings, read in one place with their defaults. */
import * as vscode from 'vscode';
import type { BpttOptions } from '../frontends/sentenceBptt';
import type { Cell } from '../models/rnn';

export interface Settings {
  defaultCell: Cell;
  defaultWh: number;
  reluAtZero: number;
  maxSequenceLength: number;
}

export function settings(): Settings {
  const c = vscode.workspace.getConfiguration('gradientLens');
  return {
    defaultCell: c.get<string>('defaultCell') === 'tanh' ? 'tanh' : 'relu',
    defaultWh: c.get<number>('defaultWh', 0.5),
    reluAtZero: Number(c.get<string>('reluDerivativeAtZero', '0')),
    maxSequenceLength: c.get<number>('maxSequenceLength', 10_000),
  };
}

export function defaultOptions(sentence: string): BpttOptions {
  const s = settings();
  return { sentence, cell: s.defaultCell, hidden: 1, w_h: s.defaultWh, label: 'happy', length: 0, reluAtZero: s.reluAtZero };
}
