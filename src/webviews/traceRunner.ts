/**
 * Runs the BPTT pipeline: inline when it is small (well under 50 ms), else in a worker thread with
 * a cancellable progress notification, so the extension host never blocks on a long sequence.
 */
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import * as vscode from 'vscode';
import type { BpttOptions, SentenceTrace } from '../frontends/sentenceBptt';
import { InputError, sentenceBptt, sentenceWords, traceCost } from '../frontends/sentenceBptt';

/** Work below this (words x hidden^2) runs inline: about 10 ms on this machine's class. */
export const INLINE_COST = 1500;

export class Cancelled extends Error {}

export async function runBptt(extensionPath: string, options: BpttOptions, maxWords: number): Promise<SentenceTrace> {
  const words = sentenceWords(options, maxWords); // throws InputError before any work
  if (traceCost(words.length, options.hidden) <= INLINE_COST) return sentenceBptt(options, maxWords);
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Gradient Lens: tracing BPTT over ${words.length} words…`, cancellable: true },
    (_progress, token) =>
      new Promise<SentenceTrace>((resolve, reject) => {
        const worker = new Worker(path.join(extensionPath, 'dist', 'bpttWorker.js'), {
          workerData: { options, maxWords },
          resourceLimits: { maxOldGenerationSizeMb: 1024 },
        });
        const sub = token.onCancellationRequested(() => {
          void worker.terminate();
          reject(new Cancelled('Cancelled.'));
        });
        worker.once('message', (m: { ok: true; result: SentenceTrace } | { ok: false; input: boolean; message: string }) => {
          sub.dispose();
          void worker.terminate();
          if (m.ok) resolve(m.result);
          else reject(m.input ? new InputError(m.message) : new Error(m.message));
        });
        worker.once('error', (e) => {
          sub.dispose();
          reject(e);
        });
      }),
  );
}
