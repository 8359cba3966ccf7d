/**
 * `gradient-lens explain "EXPR"`: the derivation Explain Gradient shows, as text or JSON, for a
 * terminal or an autograder.
 */
import { derivationText } from '../explain/derivation';
import { explainTrace } from '../explain/explainTrace';
import { toJson } from './format';
import type { CliArgs } from './args';
import { UsageError, numberArg } from './args';

/** "x=0.5,w=1" -> { x: 0.5, w: 1 } */
export function parseAt(at: string): Record<string, number> {
  const values: Record<string, number> = {};
  for (const part of at.split(',').map((p) => p.trim()).filter(Boolean)) {
    const m = /^([^=\s]+)\s*=\s*(\S+)$/.exec(part);
    const v = m ? Number(m[2]) : NaN;
    if (!m || !Number.isFinite(v)) throw new UsageError(`--at: expected name=number pairs such as x=0.5,w=1, got ${JSON.stringify(part)}`);
    values[m[1]] = v;
  }
  return values;
}

export function explainCommand(a: CliArgs, positionals: readonly string[]): string {
  if (positionals.length !== 1) throw new UsageError('expected one expression in quotes, e.g. gradient-lens explain "sigmoid(w*x + b)"');
  const t = explainTrace({
    expression: positionals[0],
    values: typeof a.at === 'string' ? parseAt(a.at) : {},
    wrt: typeof a.wrt === 'string' ? a.wrt : undefined,
    reluAtZero: numberArg(a, 'relu-at-zero', 0),
    ...(a.seed !== undefined ? { seed: numberArg(a, 'seed', 0) } : {}),
  });
  const unknown = Object.keys(typeof a.at === 'string' ? parseAt(a.at) : {}).filter((n) => !t.variables.some((v) => v.name === n));
  if (unknown.length) throw new UsageError(`--at: ${unknown.join(', ')} ${unknown.length === 1 ? 'is not a variable' : 'are not variables'} of this expression; its variables are ${t.variables.map((v) => v.name).join(', ') || '(none)'}`);
  if (!a.json) return derivationText(t);
  return toJson({
    value: t.value,
    variables: Object.fromEntries(t.variables.map((v) => [v.name, v.value])),
    gradient: Object.fromEntries(t.wrt.map((v) => [v, t.gradient[v]])),
    derivative: Object.fromEntries(t.derivatives.map((d) => [d.variable, d.text])),
    check: Object.fromEntries(t.derivatives.map((d) => [d.variable, { symbolic: d.value, autodiff: d.autodiff, agrees: d.agrees }])),
    steps: t.steps.map((s) => ({
      node: s.node,
      op: t.nodes[s.node].op,
      symbol: t.nodes[s.node].symbol,
      value: t.nodes[s.node].value,
      grad: s.grad,
      terms: s.terms,
    })),
  });
}
