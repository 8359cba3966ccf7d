/**
 * The homework checker's entry point: every derivative claim of a document (Markdown, LaTeX, plain
 * text, Python comments, notebook cells) checked in document order, with the definitions in force
 * where it appears and the document's domain directives. Results are plain JSON for any adapter.
 */
import { InputError } from '../frontends/sentence';
import { fnv1a, mulberry32 } from '../engine/random';
import { checkClaim, errorResult } from './check';
import { extractItems } from './extract';
import type { Domains, Interval } from './sample';
import { define } from './scope';
import type { Scope } from './scope';
import type { CheckSummary, ClaimResult, DocKind, Feedback } from './types';

export interface CheckOptions {
  feedback?: Feedback;
  /** points per claim (default 20) */
  points?: number;
  /** base seed; each claim's points depend only on it and the claim's text (default 0) */
  seed?: number;
  /** replaces the seeded generator (tests: force a point onto a kink) */
  rand?: () => number;
}

export const DEFAULT_POINTS = 20;

export function checkDocument(text: string, kind: DocKind, opts: CheckOptions = {}): ClaimResult[] {
  let items;
  try {
    items = extractItems(text, kind);
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    return [errorResult({ range: { line: 0, col: 0, endLine: 0, endCol: 0 }, lhs: '', claim: '' }, 'parse-error', e.message)];
  }
  const names = new Map<string, Interval>();
  let all: Interval | undefined;
  for (const it of items) {
    if (it.type !== 'domain') continue;
    if (it.names === null) all = [it.lo, it.hi];
    else for (const n of it.names) names.set(n, [it.lo, it.hi]);
  }
  const domains: Domains = { names, ...(all ? { all } : {}) };
  const feedback = opts.feedback ?? 'hint';
  const points = opts.points ?? DEFAULT_POINTS;
  let scope: Scope = new Map();
  const out: ClaimResult[] = [];
  for (const it of items) {
    if (it.type === 'definition') scope = define(scope, it.name, it.expr);
    else if (it.type === 'error') out.push(errorResult(it, 'parse-error', it.message));
    else if (it.type === 'claim') {
      // a claim found inside a sentence counts only when its function is defined
      if (it.loose && 'name' in it.fn && !scope.has(it.fn.name)) continue;
      const rand = opts.rand ?? mulberry32((opts.seed ?? 0) ^ fnv1a(`${it.lhs}=${it.claim}`));
      out.push(checkClaim(it, scope, { feedback, points, domains, rand }));
    }
  }
  return out;
}

/** The counts a status bar shows. */
export function summarize(results: readonly ClaimResult[]): CheckSummary {
  const count = (v: ClaimResult['verdict']): number => results.filter((r) => r.verdict === v).length;
  return { total: results.length, correct: count('correct'), incorrect: count('incorrect'), error: count('error') };
}
