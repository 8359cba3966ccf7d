// The homework checker: the time to check a 200-claim Markdown document built from the labelled
// corpus (target: under 1 s), and on the corpus itself every verdict (strict) and the share of wrong
// claims whose diagnosis is the labelled mistake.
import { join } from 'node:path';
import { checkDocument } from '../src/homework/checkDocument';
import { corpusFiles, scoreCorpus } from '../test/homework/corpus';
import type { Section, SectionResult } from './sections';
import { timeMedian, timeOnce } from './timing';

const CLAIMS = 200;
const LIMIT_MS = 1000;
const DIAGNOSIS_FLOOR = 0.85;

/** The Markdown and plain-text corpus files repeated, cut after the CLAIMS-th claim. */
function homeworkDocument(dir: string): string {
  const parts = corpusFiles(dir).filter((f) => f.kind === 'md' || f.kind === 'txt').map((f) => f.text);
  const round = parts.join('\n\n');
  const perRound = checkDocument(round, 'md', { feedback: 'verdict' }).length;
  const text = Array.from({ length: Math.ceil(CLAIMS / perRound) }, () => round).join('\n\n');
  const last = checkDocument(text, 'md', { feedback: 'verdict' })[CLAIMS - 1].range.endLine;
  return text.split('\n').slice(0, last + 1).join('\n');
}

export const homeworkSection: Section = {
  name: 'homework check',
  async run(ctx): Promise<SectionResult> {
    if (ctx.only && !'homework'.includes(ctx.only)) return { rows: [], targets: [] };
    const dir = join(process.cwd(), 'test/homework/corpus');
    const doc = homeworkDocument(dir);
    const cold = timeOnce(() => checkDocument(doc, 'md'));
    const claims = cold.value.length;
    const t = await timeMedian(() => checkDocument(doc, 'md'), { warmupMs: 0, minReps: 5, targetMs: 1500, capMs: 8000, warmedMs: cold.ms });
    const score = scoreCorpus(corpusFiles(dir));
    const verdictErrors = score.verdictErrors.length + score.unlabelled.length + score.unmatched.length;
    const acc = score.diagnosisAccuracy;
    ctx.log(`homework: ${claims} claims checked in ${t.ms.toFixed(0)} ms (median of ${t.reps}; first call ${cold.ms.toFixed(0)} ms)`);
    ctx.log(`homework: corpus of ${score.claims.length} claims, ${verdictErrors} wrong verdicts, diagnosis ${(acc * 100).toFixed(1)}% of ${score.wrongClaims} wrong claims`);
    return {
      rows: [{ workload: 'homework check (hint)', size: `${claims} claims`, engine_ms: t.ms, reps: { engine: t.reps } }],
      targets: [
        { name: `homework: check a ${claims}-claim document < ${LIMIT_MS} ms`, pass: t.ms < LIMIT_MS, value: Number(t.ms.toFixed(1)), unit: 'ms' },
        { name: `homework: diagnosis accuracy on the ${score.wrongClaims} wrong corpus claims >= ${DIAGNOSIS_FLOOR * 100}%`, pass: acc >= DIAGNOSIS_FLOOR, value: Number((acc * 100).toFixed(1)), unit: '%' },
      ],
      checks: [{
        name: `homework corpus verdicts (${score.claims.length} claims)`, relErr: verdictErrors / Math.max(1, score.claims.length), rtol: 0,
        ok: verdictErrors === 0, strict: true, detail: `${verdictErrors} claim(s) with a wrong verdict, unlabelled or missed`,
      }],
      notes: [`homework: the first check of the ${claims}-claim document (cold, as when a file is opened) takes ${cold.ms.toFixed(0)} ms; diagnosis misses: ${score.misdiagnosed.map((c) => `${c.file}:${c.result.range.line + 1} ${c.label} -> ${c.result.mistake}`).join(', ') || 'none'}`],
      json: { homework: { claims, ms: t.ms, cold_ms: cold.ms, corpus_claims: score.claims.length, wrong_claims: score.wrongClaims, verdict_errors: verdictErrors, diagnosis_accuracy: acc } },
    };
  },
};
