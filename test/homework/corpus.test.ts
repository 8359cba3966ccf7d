/**
 * The labelled corpus: every claim gets the right verdict, no prose becomes a claim, and the
 * diagnosis names the labelled mistake for most wrong claims (the rate is printed and has a floor).
 */
import { describe, expect, it } from 'vitest';
import { scoreCorpus } from './corpus';

const DIAGNOSIS_FLOOR = 0.85;

describe('homework corpus', () => {
  const score = scoreCorpus();
  const where = (c: { file: string; result: { range: { line: number; cell?: number }; lhs: string; claim: string } }) =>
    `${c.file}:${c.result.range.cell !== undefined ? `cell ${c.result.range.cell}:` : ''}${c.result.range.line + 1} ${c.result.lhs} = ${c.result.claim}`;

  it('has at least 60 labelled claims, about half of them wrong, over every file type', () => {
    expect(score.claims.length).toBeGreaterThanOrEqual(60);
    const wrong = score.wrongClaims / score.claims.length;
    expect(wrong).toBeGreaterThan(0.35);
    expect(wrong).toBeLessThan(0.65);
    expect(new Set(score.claims.map((c) => c.file.split('.').pop()))).toEqual(new Set(['md', 'tex', 'txt', 'py', 'ipynb']));
  });

  it('finds exactly the labelled claims: no claim from prose, no labelled claim missed', () => {
    expect(score.unlabelled.map(where)).toEqual([]);
    expect(score.unmatched).toEqual([]);
  });

  it('gives every claim the right verdict', () => {
    expect(score.verdictErrors.map((c) => `${where(c)}: expected ${c.label}, got ${c.result.verdict} (${c.result.message})`)).toEqual([]);
  });

  it(`diagnoses at least ${DIAGNOSIS_FLOOR * 100}% of the wrong claims as labelled`, () => {
    const misses = score.misdiagnosed.map((c) => `${where(c)}: labelled ${c.label}, diagnosed ${c.result.mistake}`);
    console.log(`diagnosis accuracy ${(score.diagnosisAccuracy * 100).toFixed(1)}% of ${score.wrongClaims} wrong claims; misses:\n  ${misses.join('\n  ')}`);
    expect(score.diagnosisAccuracy).toBeGreaterThanOrEqual(DIAGNOSIS_FLOOR);
  });

  it('covers every mistake kind', () => {
    const kinds = new Set(score.claims.map((c) => c.label));
    for (const k of ['sign-error', 'constant-factor', 'missing-chain-factor', 'dropped-relu-mask', 'missing-activation-derivative', 'missing-sum-term', 'treated-as-constant', 'counterexample']) {
      expect(kinds, k).toContain(k);
    }
  });
});
