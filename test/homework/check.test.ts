/**
 * Checking claims: definitions substituted (and redefined), kinks that must not fail a right claim,
 * the domain directive, too few valid points, feedback levels and the diagnoses' wording.
 */
import { describe, expect, it } from 'vitest';
import { parseExpression } from '../../src/frontends/expression';
import { evaluate } from '../../src/frontends/exprGraph';
import { mulberry32 } from '../../src/engine/random';
import { checkDocument, summarize } from '../../src/homework/checkDocument';
import { drawSample } from '../../src/homework/sample';

const verdicts = (text: string, kind: 'md' | 'txt' | 'tex' = 'md') => checkDocument(text, kind).map((r) => r.verdict);

describe('definitions', () => {
  it('differentiates through the definitions: dL/dw_h is the total derivative through h1 and h2', () => {
    const doc = [
      'h1 = relu(w_h*h0 + w_i*x1)', 'h2 = relu(w_h*h1 + w_i*x2)', 'L = -log(sigmoid(w_o*h2))',
      // both time steps: d h2/d w_h = relu'(a2) (h1 + w_h relu'(a1) h0)
      "dL/dw_h = (sigmoid(w_o*h2) - 1)*w_o*relu'(w_h*h1 + w_i*x2)*(h1 + w_h*relu'(w_h*h0 + w_i*x1)*h0)",
      // with respect to a defined name, that name is the variable: dL/dh1 holds w_h fixed
      "dL/dh1 = (sigmoid(w_o*h2) - 1)*w_o*relu'(w_h*h1 + w_i*x2)*w_h",
    ].join('\n');
    expect(verdicts(doc)).toEqual(['correct', 'correct']);
  });

  it('uses the definition in force where the claim is, and keeps earlier definitions as they were', () => {
    const doc = ['y = x^2', 'u = 3*y', 'dy/dx = 2x', 'y = x^3', 'dy/dx = 3x^2', 'dy/dx = 2x',
      // u was defined with y = x^2, so du/dx = 6x even after y is redefined
      'du/dx = 6x'].join('\n');
    expect(verdicts(doc)).toEqual(['correct', 'correct', 'incorrect', 'correct']);
  });

  it('says when the differentiated name or a name on the right is not defined', () => {
    const [a, b] = checkDocument('dL/dw = 2w\nf = w^2\ndf/dw = 2*w*p', 'md');
    expect(a).toMatchObject({ verdict: 'error', mistake: 'undefined-name' });
    expect(a.message).toMatch(/^L is not defined above/);
    expect(b).toMatchObject({ verdict: 'error', mistake: 'undefined-name' });
    expect(b.message).toContain('uses p');
  });

  it('carries definitions across notebook cells', () => {
    const nb = JSON.stringify({ cells: [{ cell_type: 'markdown', source: '$z = w x + b$' }, { cell_type: 'code', source: '# check: dz/dw = x' }] });
    expect(checkDocument(nb, 'ipynb').map((r) => [r.verdict, r.range.cell])).toEqual([['correct', 1]]);
  });
});

describe('sampling', () => {
  it('redraws a point on a kink, so relu at 0 is not a false failure', () => {
    // the first draw is x = 0 (0.5 of [-2, 2]), where relu'(0) = 0 but (x >= 0) = 1
    const seeded = mulberry32(7);
    let first = true;
    const rand = () => (first ? ((first = false), 0.5) : seeded());
    const x = parseExpression('relu(x)').expr, claim = parseExpression('(x >= 0)').expr;
    const s = drawSample(x, 'x', claim, ['x'], { names: new Map() }, rand, 20);
    expect(s.nearKink).toBe(1);
    expect(s.points).toHaveLength(20);
    expect(s.points.every((p) => Math.abs(p.x) > 1e-6)).toBe(true);
    first = true;
    const [r] = checkDocument('d/dx relu(x) = (x >= 0)', 'md', { rand });
    expect(r).toMatchObject({ verdict: 'correct', points: 20 });
  });

  it('does not fail right claims at kinks of abs and max either', () => {
    expect(verdicts('d/dx abs(x) = sign(x)\nd/dx max(x, 0) = H(x)\nd/dx relu(x - 1) = (x > 1)')).toEqual(['correct', 'correct', 'correct']);
  });

  it('draws positive values for a variable under a log or sqrt', () => {
    const [r] = checkDocument('d/dx (log(x) + sqrt(x)) = 1/x + 1/(2 sqrt(x))', 'md');
    expect(r).toMatchObject({ verdict: 'correct', points: 20 });
  });

  it('honours the domain directive: |x| has derivative 1 on [0.1, 2] but not on [-2, 2]', () => {
    expect(verdicts('d/dx abs(x) = 1')).toEqual(['incorrect']);
    expect(verdicts('domain: x in [0.1, 2]\n\nd/dx abs(x) = 1')).toEqual(['correct']);
    expect(verdicts('d/dx abs(x) = 1\n\n<!-- domain: x in [0.1, 2] -->')).toEqual(['correct']);
  });

  it('says so when it cannot draw 20 valid points instead of guessing', () => {
    // log(x) is not finite anywhere on [-2, -1]
    const [r] = checkDocument('domain: x in [-2, -1]\n\nd/dx log(x) = 1/x', 'md');
    expect(r).toMatchObject({ verdict: 'error', mistake: 'too-few-points', points: 0 });
    expect(r.message).toMatch(/^Could not draw 20 valid points \(0 of 500 draws/);
  });

  it('is deterministic: the same document gives the same points and messages', () => {
    const doc = 'd/dx sin(x)^2 = cos(x)^2';
    expect(checkDocument(doc, 'md')).toEqual(checkDocument(doc, 'md'));
    expect(checkDocument(doc, 'md', { seed: 1 })[0].counterexample).not.toEqual(checkDocument(doc, 'md')[0].counterexample);
  });
});

describe('feedback levels and diagnoses', () => {
  const wrong = 'd/dw sigmoid(w*x + b) = sigmoid(w*x + b)*(1 - sigmoid(w*x + b))';

  it('verdict: right or wrong only', () => {
    const [r] = checkDocument(wrong, 'md', { feedback: 'verdict' });
    expect(r.verdict).toBe('incorrect');
    expect(r.mistake).toBeUndefined();
    expect(r.correct).toBeUndefined();
    expect(r.message).toMatch(/^Incorrect/);
  });

  it('hint: the diagnosis, without the correct derivative', () => {
    const [r] = checkDocument(wrong, 'md');
    expect(r).toMatchObject({ verdict: 'incorrect', mistake: 'missing-chain-factor', points: 20 });
    expect(r.message).toBe('A chain-rule factor is missing: the derivative of the inner expression w*x + b with respect to w.');
    expect(r.correct).toBeUndefined();
  });

  it('full: also the correct derivative, as text that parses back to the true derivative', () => {
    const [r] = checkDocument(wrong, 'md', { feedback: 'full' });
    expect(r.correct?.latex).toContain('\\sigma');
    // the answer is x sigma(wx + b)(1 - sigma(wx + b)); compare at a point
    const at = { w: 0.3, x: -1.2, b: 0.7 };
    const s = 1 / (1 + Math.exp(-(0.3 * -1.2 + 0.7)));
    expect(evaluate(parseExpression(r.correct!.text).expr, at)).toBeCloseTo(-1.2 * s * (1 - s), 12);
    expect(r.message).toContain(r.correct!.text);
  });

  it('gives a counterexample with both values when no diagnosis fits', () => {
    const [r] = checkDocument('d/dx sin(x)^2 = cos(x)^2', 'md');
    expect(r.mistake).toBe('counterexample');
    const { point, claimed, actual } = r.counterexample!;
    // the truth is 2 sin(x) cos(x) = sin(2x)
    expect(claimed).toBeCloseTo(Math.cos(point.x) ** 2, 12);
    expect(actual).toBeCloseTo(Math.sin(2 * point.x), 12);
  });

  it('names a constant factor and a sign error without stating the answer', () => {
    const [factor, sign] = checkDocument('d/dx x^3 = x^2\nd/dx exp(-x) = exp(-x)', 'md');
    expect([factor.mistake, sign.mistake]).toEqual(['constant-factor', 'sign-error']);
    expect(factor.message).toBe('Off by a constant factor: your derivative is 1/3 times the true one.');
  });

  it('hands Explain Gradient the left side with the definitions substituted, and counts the verdicts', () => {
    const rs = checkDocument('z = w*x + b\nL = softplus(-z)\ndL/dw = -sigmoid(-z)*x\ndL/db = sigmoid(z)\ndL/dx = (', 'md');
    expect(rs[0].explain).toEqual({ expression: 'softplus(-(w*x + b))', wrt: 'w' });
    expect(summarize(rs)).toEqual({ total: 3, correct: 1, incorrect: 1, error: 1 });
  });
});
