/**
 * What Explain Gradient reads from a selection: the math inside delimiters, after a comment marker,
 * `np.` and a leading `name =`, at an offset that still points into the selected text.
 */
import { describe, expect, it } from 'vitest';
import { expressionFromSelection } from '../../src/explain/selection';
import { explainTrace } from '../../src/explain/explainTrace';

describe('expressionFromSelection', () => {
  it.each([
    ['$\\sigma(wx+b)$', '\\sigma(wx+b)', undefined],
    ['$$ -\\log \\sigma(w_o h_2) $$', '-\\log \\sigma(w_o h_2)', undefined],
    ['`sigmoid(w*x + b)`', 'sigmoid(w*x + b)', undefined],
    ['p = sigmoid(w*x + b)  # the output unit', 'sigmoid(w*x + b)', 'p'],
    ['# check: L = -log(p)', '-log(p)', 'L'],
    ['h == 0', 'h == 0', undefined],
  ])('%s -> %s', (selected, expression, name) => {
    const s = expressionFromSelection(selected);
    expect(s.expression).toBe(expression);
    expect(s.name).toBe(name);
    // the offset points at the expression inside the selection
    expect(selected.slice(s.offset, s.offset + s.expression.length)).toBe(expression);
  });

  it('reads a numpy line: np.maximum is max, and spans still point at the selected text', () => {
    const line = 'h = np.maximum(w_h * h + w_i * x, 0)';
    const s = expressionFromSelection(line);
    expect(s.name).toBe('h');
    const t = explainTrace({ expression: s.expression, values: { w_h: 0.5, h: 1, w_i: 2, x: -1 } });
    // max(0.5 * 1 + 2 * -1, 0) = max(-1.5, 0) = 0, and every gradient is 0 on that side of the kink
    expect(t.value).toBe(0);
    expect(t.gradient).toEqual({ w_h: 0, h: 0, w_i: 0, x: 0 });
    const add = t.nodes.find((n) => n.op === 'add')!;
    expect(line.slice(s.offset + add.span!.start, s.offset + add.span!.end)).toBe('w_h * h + w_i * x');
  });
});
