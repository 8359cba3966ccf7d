/**
 * The heavy computations the extension host hands off, as plain data: what each costs (to decide
 * between running inline and in the worker thread) and how to run it. Pure: the worker and the
 * host call the same function.
 */
import type { AttentionOptions } from '../frontends/sentenceAttention';
import { LONG_RANGE_N, attentionTrace, attentionWords } from '../frontends/sentenceAttention';
import type { BpttOptions } from '../frontends/sentenceBptt';
import { sentenceBptt, sentenceWords } from '../frontends/sentenceBptt';
import { checkDocument } from '../homework/checkDocument';
import type { CodeAttentionOptions } from '../frontends/python/codeAttention';
import { codeAttention } from '../frontends/python/codeAttention';
import type { CodeTraceOptions } from '../frontends/python/codeTrace';
import { codeTrace } from '../frontends/python/codeTrace';
import type { CheckJobOptions } from '../frontends/python/checkOutcome';
import { checkCost, checkOutcome } from '../frontends/python/checkOutcome';
import type { DocKind, Feedback } from '../homework/types';

export type Job =
  | { kind: 'bptt'; options: BpttOptions; maxWords: number }
  | { kind: 'attention'; options: AttentionOptions; rnn: { cell: 'relu' | 'tanh'; w_h: number } }
  | { kind: 'homework'; text: string; docKind: DocKind; feedback: Feedback }
  | { kind: 'code'; options: CodeTraceOptions }
  | { kind: 'checkBackward'; text: string; options: CheckJobOptions }
  | { kind: 'attentionCode'; options: CodeAttentionOptions };

/** An estimate above the inline limit: the job goes to the worker. */
const WORKER_MS = 60;

/**
 * Estimated milliseconds on this class of machine (measured: BPTT ~0.08 ms per word, growing with
 * hidden^2; attention ~0.8 us per n^2 per layer; the long-range comparison ~70 ms per layer).
 * Throws the InputError of a bad input before any work.
 */

export function jobCost(job: Job): { ms: number; size: string } {
  if (job.kind === 'code' || job.kind === 'checkBackward' || job.kind === 'attentionCode') {
    // the student's code: its cost is unknown until it runs (recursion, big lists, long loops), so
    // it always runs in the worker, where Cancel can stop it and the host never waits
    const lines = job.options.lines;
    const where = lines ? `lines ${lines.from}-${lines.to}` : job.kind === 'checkBackward' ? job.options.functionName ?? 'the file' : 'the file';
    return { ms: job.kind === 'checkBackward' ? Math.max(WORKER_MS, checkCost(job.text)) : WORKER_MS, size: where };
  }
  if (job.kind === 'homework') {
    // about 4 ms per claim (the bench checks 200 in under a second), plus reading a long file
    const claims = (job.text.match(/(\bd\w*\s*\/\s*d|∂|\\partial|\\frac\{d)[^\n]*=/g) ?? []).length;
    return { ms: claims * 4 + job.text.length / 20_000, size: `${claims} claims` };
  }
  if (job.kind === 'bptt') {
    const n = sentenceWords(job.options, job.maxWords).length, h = job.options.hidden;
    return { ms: n * 0.08 * (1 + (h * h) / 30), size: `${n} words` };
  }
  const n = attentionWords(job.options).length, { d, layers } = job.options;
  const longRange = LONG_RANGE_N.reduce((s, m) => s + m * m, 0);
  return { ms: ((n * n + longRange) * layers * 0.8 * Math.max(1, d / 16)) / 1000, size: `${n} tokens` };
}

export function runJob(job: Job): unknown {
  switch (job.kind) {
    case 'bptt': return sentenceBptt(job.options, job.maxWords);
    case 'attention': return attentionTrace(job.options, job.rnn);
    case 'homework': return checkDocument(job.text, job.docKind, { feedback: job.feedback });
    case 'code': return codeTrace(job.options);
    case 'checkBackward': return checkOutcome(job.text, job.options);
    case 'attentionCode': return codeAttention(job.options);
  }
}
