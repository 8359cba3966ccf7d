/**
 * The labelled homework corpus (test/homework/corpus): every claim is preceded by a comment
 * "expect: correct" or "expect: <mistake code>". Shared by the corpus test and `npm run bench`.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { checkDocument } from '../../src/homework/checkDocument';
import type { CheckOptions } from '../../src/homework/checkDocument';
import { notebookCells } from '../../src/homework/notebook';
import type { ClaimResult, DocKind } from '../../src/homework/types';

export const CORPUS_DIR = join(__dirname, 'corpus');

export interface CorpusFile {
  name: string;
  kind: DocKind;
  text: string;
}

export interface Labelled {
  file: string;
  label: string;
  result: ClaimResult;
}

export interface CorpusScore {
  claims: Labelled[];
  /** claims without a label, and labels without a claim (both must be empty) */
  unlabelled: { file: string; result: ClaimResult }[];
  unmatched: { file: string; cell?: number; line: number; label: string }[];
  verdictErrors: Labelled[];
  /** wrong claims whose diagnosis is not the labelled mistake */
  misdiagnosed: Labelled[];
  wrongClaims: number;
  diagnosisAccuracy: number;
}

/** The corpus files (the bench bundle passes the directory: its __dirname is dist/). */
export function corpusFiles(dir = CORPUS_DIR): CorpusFile[] {
  return readdirSync(dir).sort().flatMap((name) => {
    const kind = /\.(md|tex|txt|py|ipynb)$/.exec(name)?.[1] as DocKind | undefined;
    return kind ? [{ name, kind, text: readFileSync(join(dir, name), 'utf8') }] : [];
  });
}

/** The "expect:" labels of a file: (cell, line) -> label. */
function labels(f: CorpusFile): { cell?: number; line: number; label: string }[] {
  const docs = f.kind === 'ipynb' ? notebookCells(f.text).map((c) => ({ cell: c.index as number | undefined, text: c.source })) : [{ cell: undefined, text: f.text }];
  return docs.flatMap(({ cell, text }) => text.split('\n').flatMap((line, i) => {
    const m = /expect:\s*([a-z-]+)/.exec(line);
    return m ? [{ cell, line: i, label: m[1] }] : [];
  }));
}

export function scoreCorpus(files: CorpusFile[] = corpusFiles(), opts: CheckOptions = {}): CorpusScore {
  const s: CorpusScore = { claims: [], unlabelled: [], unmatched: [], verdictErrors: [], misdiagnosed: [], wrongClaims: 0, diagnosisAccuracy: 0 };
  for (const f of files) {
    const results = checkDocument(f.text, f.kind, opts);
    const taken = new Set<ClaimResult>();
    for (const l of labels(f)) {
      // a label covers the claims of the first line below it that has any
      const below = results.filter((r) => r.range.cell === l.cell && r.range.endLine > l.line);
      const first = Math.min(...below.map((r) => r.range.endLine));
      const mine = below.filter((r) => r.range.endLine === first);
      if (!mine.length) s.unmatched.push({ file: f.name, ...l });
      for (const result of mine) {
        taken.add(result);
        s.claims.push({ file: f.name, label: l.label, result });
      }
    }
    for (const result of results) if (!taken.has(result)) s.unlabelled.push({ file: f.name, result });
  }
  for (const c of s.claims) {
    const expected = c.label === 'correct' ? 'correct' : 'incorrect';
    if (c.result.verdict !== expected) s.verdictErrors.push(c);
    if (expected === 'incorrect') {
      s.wrongClaims++;
      if (c.result.mistake !== c.label) s.misdiagnosed.push(c);
    }
  }
  s.diagnosisAccuracy = s.wrongClaims ? (s.wrongClaims - s.misdiagnosed.length) / s.wrongClaims : 0;
  return s;
}
