/**
 * `gradient-lens trace FILE.py [--lines A-B]`: the loss of a student's numpy code, each parameter's
 * gradient from the engine, the values it assumed, and the BPTT table |dL/dh_t| of its hidden state.
 */
import { tracePython } from '../frontends/python/trace';
import type { PyTrace } from '../frontends/python/trace';
import { nestedNorm } from '../engine/tensor';
import { fmt, table, toJson } from './format';
import type { CliArgs } from './args';
import { linesArg, readPython, withPythonErrors } from './pythonFile';

export function traceCommand(a: CliArgs, positionals: readonly string[]): string {
  const { file, text } = readPython(positionals, 'trace');
  const lines = linesArg(a);
  const tr = withPythonErrors(file, () => tracePython(text, lines ? { lines } : {}));
  if (a.json) {
    return toJson({
      loss: tr.loss.value,
      loss_name: tr.loss.name,
      grads: Object.fromEntries(tr.params.map((p) => [p.name, p.grad])),
      params: tr.params.map((p) => ({ name: p.name, origin: p.origin, line: p.range.line + 1, shape: tr.graph.shapeOf(p.id) })),
      assumed: tr.assumed.map((v) => ({ ...v, ...(v.line !== undefined ? { line: v.line + 1 } : {}) })),
      ...(tr.hidden ? { bptt: { hidden: tr.hidden.name, steps: tr.hidden.steps.map((s) => ({ t: s.t, h_norm: s.hNorm, dL_dh: s.dLdh, dL_dh_norm: s.dLdhNorm, log10_dL_dh: s.log10dLdh })) } } : {}),
      nodes: tr.graph.size,
    });
  }
  return render(tr, lines ? `${file}, lines ${lines.from}-${lines.to}` : file);
}

function render(tr: PyTrace, title: string): string {
  const grad = (p: PyTrace['params'][number]): string => {
    const shape = tr.graph.shapeOf(p.id);
    return shape.length === 0 ? `  dL/d${p.name} = ${fmt(p.grad as number)}` : `  dL/d${p.name}  shape (${shape.join(', ')})  ‖·‖ = ${fmt(nestedNorm(p.grad))}`;
  };
  const out = [`Trace of ${title}`, `loss ${tr.loss.name} = ${fmt(tr.loss.value)}   (${tr.graph.size} engine ops)`, ''];
  if (tr.assumed.length) {
    out.push('Assumed values:');
    for (const v of tr.assumed) {
      const from = v.origin === 'random' ? (v.whole ? 'guessed from its use' : 'seeded random') : v.origin === 'annotation' ? `annotation on line ${v.line! + 1}` : v.origin === 'typed' ? 'given' : `assigned on line ${v.line! + 1}`;
      const value = typeof v.value === 'number' ? ` = ${fmt(v.value)}` : v.whole ? ` = ${JSON.stringify(v.value)}` : v.shape ? `, shape (${v.shape.join(', ')}), from its use` : '';
      out.push(`  ${v.name}: ${from}${value}`);
    }
    out.push('');
  }
  out.push('Parameter gradients:', ...tr.params.map(grad));
  if (tr.hidden) {
    out.push('', `BPTT through the hidden state ${tr.hidden.name}:`);
    out.push(table(['t', '‖h_t‖', '‖dL/dh_t‖', 'log10‖dL/dh_t‖'], [...tr.hidden.steps].reverse().map((s) => [String(s.t), fmt(s.hNorm), fmt(s.dLdhNorm), s.log10dLdh.toFixed(3)])));
  }
  return out.join('\n');
}
