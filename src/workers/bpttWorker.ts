/**
 * Worker thread that traces a long sentence off the extension host's thread, so a 10,000-word
 * BPTT never blocks the editor. It receives the options in workerData and posts one result.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { BpttOptions } from '../frontends/sentenceBptt';
import { InputError, sentenceBptt } from '../frontends/sentenceBptt';

const { options, maxWords } = workerData as { options: BpttOptions; maxWords: number };
try {
  parentPort!.postMessage({ ok: true, result: sentenceBptt(options, maxWords) });
} catch (e) {
  parentPort!.postMessage({ ok: false, input: e instanceof InputError, message: (e as Error).message });
}
