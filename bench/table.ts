// The text report: the table of rows with their ratios, then the targets with PASS/MISS.
import type { Row, Target } from './sections';

function num(x: number | undefined, digits = 3): string {
  if (x === undefined || Number.isNaN(x)) return '-';
  if (x === 0) return '0';
  if (Math.abs(x) >= 1000) return x.toFixed(0);
  return x.toPrecision(digits);
}

function ratio(a: number | undefined, b: number | undefined): string {
  return a === undefined || b === undefined ? '-' : `${num(a / b)}x`;
}

const HEADER = ['workload', 'size', 'engine ms', 'tfjs ms', 'floor ms', 'torch ms', 'torch/eng', 'tfjs/eng', 'eng/floor', 'ns/node', 'step vs T=100'];

export function formatTable(rows: readonly Row[]): string[] {
  const cells = rows.map((r) => [
    r.workload, r.size, num(r.engine_ms), num(r.tfjs_ms), num(r.floor_ms), num(r.torch_ms),
    ratio(r.torch_ms, r.engine_ms), ratio(r.tfjs_ms, r.engine_ms), ratio(r.engine_ms, r.floor_ms),
    num(r.ns_per_node), r.step_vs_shortest === undefined ? '-' : `${num(r.step_vs_shortest)}x`,
  ]);
  const widths = HEADER.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]): string => c.map((s, i) => (i < 2 ? s.padEnd(widths[i]) : s.padStart(widths[i]))).join('  ');
  return [line(HEADER), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)];
}

export function formatTargets(targets: readonly Target[]): string[] {
  return targets.map((t) => {
    const verdict = t.pass === null ? 'SKIP' : t.pass ? 'PASS' : 'MISS';
    const value = t.value === null ? '-' : `${num(t.value)}${t.unit === 'x' ? 'x' : t.unit ? ` ${t.unit}` : ''}`;
    return `${verdict}  ${t.name}: ${value}`;
  });
}
