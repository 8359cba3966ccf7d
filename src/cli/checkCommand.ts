/**
 * `gradient-lens check FILE...`: the homework checker for instructors and autograders. One line per
 * claim (file:line:column: verdict: message), or JSON; exit 0 when every claim is right, 1 when one
 * is wrong, 2 when one cannot be read or checked.
 */
import { readFileSync } from 'node:fs';
import { checkDocument } from '../homework/checkDocument';
import type { ClaimResult, DocKind, Feedback } from '../homework/types';
import type { CliArgs } from './args';
import { UsageError, oneOfArg } from './args';
import { toJson } from './format';

const KINDS: Record<string, DocKind> = { md: 'md', markdown: 'md', tex: 'tex', txt: 'txt', py: 'py', ipynb: 'ipynb' };

export interface CheckLine {
  file: string;
  /** 1-based notebook cell, only for .ipynb files */
  cell?: number;
  line: number;
  column: number;
  lhs: string;
  claim: string;
  verdict: ClaimResult['verdict'];
  mistake?: string;
  message: string;
  counterexample?: ClaimResult['counterexample'];
  correct?: ClaimResult['correct'];
}

function checkFile(file: string, feedback: Feedback): CheckLine[] {
  const unreadable = (message: string): CheckLine[] => [{ file, line: 1, column: 1, lhs: '', claim: '', verdict: 'error', message }];
  const ext = /\.([A-Za-z]+)$/.exec(file)?.[1]?.toLowerCase() ?? '';
  const kind = KINDS[ext];
  if (!kind) return unreadable(`cannot check a .${ext || '(no extension)'} file: expected .md, .tex, .txt, .py or .ipynb`);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    return unreadable(`cannot read the file (${(e as { code?: string }).code ?? (e as Error).message})`);
  }
  return checkDocument(text, kind, { feedback }).map((r) => ({
    file,
    ...(r.range.cell !== undefined ? { cell: r.range.cell + 1 } : {}),
    line: r.range.line + 1,
    column: r.range.col + 1,
    lhs: r.lhs,
    claim: r.claim,
    verdict: r.verdict,
    ...(r.mistake ? { mistake: r.mistake } : {}),
    message: r.message,
    ...(r.counterexample ? { counterexample: r.counterexample } : {}),
    ...(r.correct ? { correct: r.correct } : {}),
  }));
}

export function checkCommand(a: CliArgs, positionals: readonly string[]): { code: number; stdout: string } {
  if (positionals.length === 0) throw new UsageError('expected one or more files, e.g. gradient-lens check homework.md');
  const feedback = oneOfArg(a, 'feedback', ['verdict', 'hint', 'full'] as const, 'hint');
  const lines = positionals.flatMap((f) => checkFile(f, feedback));
  const code = lines.some((l) => l.verdict === 'error') ? 2 : lines.some((l) => l.verdict === 'incorrect') ? 1 : 0;
  if (a.json) return { code, stdout: toJson(lines) };
  const count = (v: CheckLine['verdict']): number => lines.filter((l) => l.verdict === v).length;
  const out = lines.map((l) => `${l.file}:${l.cell !== undefined ? `cell ${l.cell}:` : ''}${l.line}:${l.column}: ${l.verdict}: ${l.message}`);
  out.push(`${lines.length} claim${lines.length === 1 ? '' : 's'}: ${count('correct')} correct, ${count('incorrect')} incorrect, ${count('error')} not checked`);
  return { code, stdout: out.join('\n') };
}
