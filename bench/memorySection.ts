// The memory target: the scalar ReLU RNN at T = 100,000 on a fresh Graph in a fresh
// `node --expose-gc` child, with the peak growth of the V8 heap and of typed-array and WebAssembly
// memory sampled as it runs.
import { spawnSync } from 'node:child_process';
import { Graph } from '../src/engine/graph';
import { buildW1 } from './engineWorkloads';
import { w1Input } from './inputs';
import type { Section, SectionResult } from './sections';

export const MEMORY_STEPS = 100_000;
export const MEMORY_LIMIT_MB = 200;
export const MEMORY_CHILD_FLAG = '--memory-child';

export interface MemoryReport {
  T: number;
  nodes: number;
  /**
   * peak growth of heapUsed + external: the arena is typed arrays or, once large, WebAssembly memory,
   * both outside heapUsed; external counts both (arrayBuffers alone misses wasm memory)
   */
  peak_mb: number;
  peak_heap_used_mb: number;
  peak_external_mb: number;
  peak_rss_mb: number;
  ms: number;
  stack_overflow: boolean;
  error?: string;
  dL_dw_h?: number;
  dL_dh_0?: number;
}

const MB = 1024 * 1024;

/** Runs in the child: prints one MemoryReport as JSON. */
export function runMemoryChild(T = MEMORY_STEPS): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('memory probe: run node with --expose-gc');
  const input = w1Input(T);
  gc();
  gc();
  const base = process.memoryUsage();
  const rep: MemoryReport = {
    T, nodes: 0, peak_mb: 0, peak_heap_used_mb: 0, peak_external_mb: 0, peak_rss_mb: 0, ms: 0, stack_overflow: false,
  };
  const sample = (): void => {
    const m = process.memoryUsage();
    const heap = (m.heapUsed - base.heapUsed) / MB, bufs = (m.external - base.external) / MB;
    rep.peak_heap_used_mb = Math.max(rep.peak_heap_used_mb, heap);
    rep.peak_external_mb = Math.max(rep.peak_external_mb, bufs);
    rep.peak_mb = Math.max(rep.peak_mb, heap + bufs);
    rep.peak_rss_mb = Math.max(rep.peak_rss_mb, (m.rss - base.rss) / MB);
  };
  const t0 = performance.now();
  try {
    const g = new Graph();
    const built = buildW1(g, input, sample);
    sample();
    const grads = g.backward(built.loss);
    sample();
    rep.dL_dw_h = grads.scalar(built.leaves.wh);
    rep.dL_dh_0 = grads.scalar(built.leaves.h0);
    rep.nodes = g.size;
    sample();
  } catch (e) {
    rep.stack_overflow = e instanceof RangeError && /call stack/i.test(e.message);
    rep.error = String(e);
  }
  rep.ms = performance.now() - t0;
  process.stdout.write(`${JSON.stringify(rep)}\n`);
}

export const memorySection: Section = {
  name: 'memory',
  async run(ctx): Promise<SectionResult> {
    ctx.log(`memory: W1 structure at T=${MEMORY_STEPS} in a fresh node --expose-gc child ...`);
    const r = spawnSync(process.execPath, ['--expose-gc', ctx.self, MEMORY_CHILD_FLAG], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    let rep: MemoryReport;
    try {
      rep = JSON.parse(r.stdout) as MemoryReport;
    } catch {
      const err = `child exited with ${r.status ?? r.signal}: ${r.stderr.slice(-500)}`;
      rep = { T: MEMORY_STEPS, nodes: 0, peak_mb: NaN, peak_heap_used_mb: NaN, peak_external_mb: NaN, peak_rss_mb: NaN, ms: NaN,
        stack_overflow: /Maximum call stack/.test(r.stderr), error: err };
    }
    const ok = !rep.error && !rep.stack_overflow;
    const notes = [
      `memory: T=${rep.T}, ${rep.nodes} nodes, ${rep.ms.toFixed(0)} ms; peak growth ${rep.peak_mb.toFixed(1)} MB ` +
        `(V8 heapUsed ${rep.peak_heap_used_mb.toFixed(1)} MB + typed arrays and wasm memory (external) ${rep.peak_external_mb.toFixed(1)} MB; RSS +${rep.peak_rss_mb.toFixed(1)} MB); ` +
        `stack overflow: ${rep.stack_overflow ? 'YES' : 'no'}; dL/dw_h = ${rep.dL_dw_h?.toPrecision(6)}, dL/dh_0 = ${rep.dL_dh_0} (0.99^T underflows)` +
        (rep.error ? `; error: ${rep.error}` : ''),
    ];
    return {
      rows: [],
      notes,
      targets: [
        { name: `memory: W1 T=${MEMORY_STEPS} gradient under ${MEMORY_LIMIT_MB} MB (heap + typed arrays + wasm memory, peak growth)`, pass: ok && rep.peak_mb < MEMORY_LIMIT_MB, value: rep.peak_mb, unit: 'MB' },
        { name: `memory: W1 T=${MEMORY_STEPS} no stack overflow`, pass: ok, value: rep.stack_overflow ? 1 : 0 },
      ],
      json: { memory: rep },
    };
  },
};
