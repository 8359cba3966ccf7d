/**
 * The BPTT panel: an options panel whose host computes the whole trace (in a worker thread when
 * long) and whose webview only renders and steps through it.
 */
import type * as vscode from 'vscode';
import type { BpttOptions } from '../frontends/sentenceBptt';
import type { BpttTrace } from '../models/bptt';
import { isBpttOptions } from './bpttProtocol';
import type { PanelKind } from './optionsPanel';
import { settings } from './settings';
import type { SentenceTrace } from '../frontends/sentenceBptt';
import { runInBackground } from './traceRunner';

export const BPTT_PANEL: PanelKind<BpttOptions, { words: string[]; trace: BpttTrace; maxWords: number }> = {
  viewType: 'gradientLens.bptt',
  view: 'bptt',
  title: 'BPTT',
  subject: (o) => o.sentence,
  isOptions: isBpttOptions,
  async compute(extensionUri: vscode.Uri, options: BpttOptions, signal: AbortSignal) {
    const { maxSequenceLength } = settings();
    const { words, trace } = await runInBackground<SentenceTrace>(extensionUri.fsPath, { kind: 'bptt', options, maxWords: maxSequenceLength }, signal);
    return { words, trace, maxWords: maxSequenceLength };
  },
};
