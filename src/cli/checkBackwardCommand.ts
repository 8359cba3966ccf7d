/**
 * `gradient-lens check-backward FILE.py [--function NAME]`: each hand-written gradient against the
 * engine's, with the line to fix. Exit 1 when a gradient is wrong (an autograder's failing test).
 */
import { checkBackward } from '../frontends/python/checkBackward';
import type { CheckResult } from '../frontends/python/checkBackward';
import { fmt, table, toJson } from './format';
import type { CliArgs } from './args';
import { readPython, withPythonErrors } from './pythonFile';

export function checkBackwardCommand(a: CliArgs, positionals: readonly string[]): { code: number; stdout: string } {
  const { file, text } = readPython(positionals, 'check-backward');
  const fn = typeof a.function === 'string' ? a.function : undefined;
  const r = withPythonErrors(file, () => checkBackward(text, fn ? { functionName: fn } : {}));
  const code = r.params.some((p) => p.verdict === 'incorrect') ? 1 : 0;
  if (a.json) {
    return {
      code,
      stdout: toJson({
        loss: r.loss.value,
        params: r.params.map((p) => ({
          name: p.name, gradient_variable: p.gradientVariable, verdict: p.verdict, rel_error: p.relError,
          ...(p.line !== undefined && p.verdict === 'incorrect' ? { line: p.line } : {}),
          ...(p.worst ? { worst: p.worst } : {}),
          ...(p.firstBadStep !== undefined ? { first_bad_step: p.firstBadStep } : {}),
          message: p.message,
        })),
        unpaired: r.unpaired,
        ...(r.hidden ? { hidden: r.hidden } : {}),
      }),
    };
  }
  return { code, stdout: render(r, file) };
}

function render(r: CheckResult, file: string): string {
  const rows = r.params.map((p) => [p.name, p.gradientVariable, p.verdict, fmt(p.relError), p.verdict === 'incorrect' && p.line !== undefined ? String(p.line) : '']);
  const wrong = r.params.filter((p) => p.verdict === 'incorrect');
  return [
    `Check Backward Pass: ${file}   (loss ${r.loss.name} = ${fmt(r.loss.value)})`,
    '',
    table(['param', 'gradient', 'verdict', 'rel error', 'line'], rows),
    ...(r.unpaired.length ? ['', `No hand-written gradient for: ${r.unpaired.join(', ')}`] : []),
    ...(wrong.length ? ['', ...wrong.map((p) => `${file}:${p.line ?? '?'}: ${p.message}`)] : ['', `All ${r.params.length} gradients match (relative error < 1e-6).`]),
  ].join('\n');
}
