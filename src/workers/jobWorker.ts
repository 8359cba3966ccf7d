/**
 * Worker thread for heavy jobs (a 10,000-word BPTT, attention over a long sentence), so the
 * extension host's thread never blocks. It receives the job in workerData and posts one result.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { InputError } from '../frontends/sentence';
import type { Job } from './jobs';
import { runJob } from './jobs';

try {
  parentPort!.postMessage({ ok: true, result: runJob(workerData as Job) });
} catch (e) {
  parentPort!.postMessage({ ok: false, input: e instanceof InputError, message: (e as Error).message });
}
