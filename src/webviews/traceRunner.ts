/**
 * Runs a job (BPTT, attention): inline when it is small (a few ms), else in a worker thread with a
 * cancellable progress notification, so the extension host never blocks on a long sequence.
 */
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import * as vscode from 'vscode';
import { InputError } from '../frontends/sentence';
import type { Job } from '../workers/jobs';
import { jobCost, runJob } from '../workers/jobs';

const JOB_TITLE: Record<Job['kind'], string> = { bptt: 'BPTT', attention: 'attention', homework: 'the derivative checks', code: 'the code\'s trace', checkBackward: 'the backward pass check', attentionCode: 'the code\'s attention' };

/** Jobs estimated under this many milliseconds run inline. */
export const INLINE_MS = 25;
/** A job in the worker shows a cancellable notification once it has run this long. */
export const NOTIFY_AFTER_MS = 400;
/** A trace of the student's code says so sooner: it may loop for long. */
export const CODE_NOTIFY_MS = 50;

export class Cancelled extends Error {}

/**
 * Runs `job`, in the worker when it is large. `signal` (a newer request, a closed panel) stops the
 * worker; so does Cancel on the notification. Both reject with Cancelled.
 */
export async function runInBackground<R>(extensionPath: string, job: Job, signal?: AbortSignal, quiet = false): Promise<R> {
  const { ms, size } = jobCost(job); // throws InputError before any work
  if (signal?.aborted) throw new Cancelled('Superseded.');
  if (ms <= INLINE_MS) return runJob(job) as R;
  const worker = new Worker(path.join(extensionPath, 'dist', 'jobWorker.js'), { workerData: job, resourceLimits: { maxOldGenerationSizeMb: 1024 } });
  let stop: (why: string) => void = () => {};
  const result = new Promise<R>((resolve, reject) => {
    let settled = false;
    const settle = (f: () => void) => { if (!settled) { settled = true; f(); } };
    stop = (why) => { void worker.terminate(); settle(() => reject(new Cancelled(why))); };
    worker.once('message', (m: { ok: true; result: R } | { ok: false; input: boolean; message: string }) => {
      void worker.terminate();
      settle(() => (m.ok ? resolve(m.result) : reject(m.input ? new InputError(m.message) : new Error(m.message))));
    });
    worker.once('error', (e) => settle(() => reject(e)));
    // a worker that ends without answering (terminated, or out of memory) must not leave us waiting
    worker.once('exit', (code) => settle(() => reject(new Error(`the worker stopped (exit code ${code})`))));
  });
  const onAbort = () => stop('Superseded.');
  signal?.addEventListener('abort', onAbort);
  // the panel already says it is computing; a notification with Cancel only for the long ones
  // (quiet jobs, such as checking a document as the student types, never show one)
  const timer = quiet ? undefined : setTimeout(() => {
    const title = `Gradient Lens: computing ${JOB_TITLE[job.kind]} over ${size}…`;
    void vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (_p, token) => {
      token.onCancellationRequested(() => stop('Cancelled.'));
      return result.catch(() => undefined);
    });
  }, job.kind === 'code' || job.kind === 'attentionCode' || job.kind === 'checkBackward' ? CODE_NOTIFY_MS : NOTIFY_AFTER_MS);
  try {
    return await result;
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
}
