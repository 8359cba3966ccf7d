// The main table: W1-W3 in every column (engine, tfjs, floor, torch), checked against each other
// before timing, and the speed targets the engine is held to.
import type { CaseRunner, GradResult } from './compare';
import { compareResults } from './compare';
import { engineRunner } from './engineWorkloads';
import { floorRunner } from './floorWorkloads';
import type { BenchCase } from './inputs';
import { allCases } from './inputs';
import type { BenchContext, Check, Row, Section, SectionResult, Target } from './sections';
import { initTfjs, tfjsRunner, tfjsTensorCount } from './tfjsWorkloads';
import type { Cell, RemoteCell } from './timing';
import { timeInterleaved, timeOnce } from './timing';
import type { TorchCase } from './torchColumn';
import { describeTorch, torchMissing, TorchPeer } from './torchColumn';

const STRICT_RTOL = 1e-9;
const LOOSE_RTOL = 1e-3;

function check(ctx: BenchContext, c: BenchCase, what: string, got: GradResult, ref: GradResult, strict: boolean): Check {
  const rtol = strict ? STRICT_RTOL : LOOSE_RTOL;
  const errs = compareResults(got, ref);
  const relErr = Math.max(...errs.map((e) => e.err));
  const ok = relErr <= rtol;
  const detail = errs.map((e) => `${e.name} ${e.err.toExponential(1)}`).join(', ');
  const verdict = ok ? 'ok' : strict ? 'FAIL' : 'disagrees (float32)';
  ctx.log(`check ${c.id.padEnd(16)} ${what.padEnd(17)} ${verdict.padEnd(19)} worst rel err ${relErr.toExponential(1)} (rtol ${rtol}): ${detail}`);
  return { name: `${c.id} ${what}`, relErr, rtol, ok, strict, detail };
}

async function runCase(ctx: BenchContext, c: BenchCase, torch: TorchPeer | null, checks: Check[]): Promise<Row> {
  const engine = engineRunner(c.input);
  const floor = floorRunner(c.input);
  const tfjs = tfjsRunner(c.input);
  const e = timeOnce(() => engine.result());
  const f = floor && timeOnce(() => floor.result());
  const tensorsBefore = tfjsTensorCount();
  const t = timeOnce(() => tfjs.result());
  let tc: TorchCase | null = null;
  try {
    tc = torch && await torch.load(c);
  } catch (err) {
    ctx.log(`torch ${c.id}: - (${String(err)})`);
  }
  if (f) checks.push(check(ctx, c, 'engine vs floor', e.value, f.value, true));
  if (tc) checks.push(check(ctx, c, 'engine vs torch', e.value, tc, true));
  checks.push(check(ctx, c, 'engine vs tfjs', e.value, t.value, false));

  const cells: (Cell | RemoteCell)[] = [{ name: 'engine', fn: () => engine.run(), warmedMs: e.ms }];
  if (floor && f) cells.push({ name: 'floor', fn: () => floor.run(), warmedMs: f.ms });
  cells.push({ name: 'tfjs', fn: () => tfjs.run(), warmedMs: t.ms });
  if (tc) cells.push(tc.cell);
  const tm = await timeInterleaved(cells);
  const leaked = tfjsTensorCount() - tensorsBefore;
  if (leaked !== 0) ctx.log(`warning: tfjs ${c.id} leaked ${leaked} tensors over the timed calls`);
  tfjs.dispose?.();
  const row: Row = { workload: c.workload, size: c.size, engine_ms: tm.engine.ms, reps: {} };
  for (const [k, v] of Object.entries(tm)) row.reps![k] = v.reps;
  row.nodes = engine.nodes!();
  if (c.workload === 'W1') row.ns_per_node = (row.engine_ms * 1e6) / row.nodes;
  if (tm.floor) row.floor_ms = tm.floor.ms;
  row.tfjs_ms = tm.tfjs.ms;
  if (tm.torch) row.torch_ms = tm.torch.ms;
  const fmt = (x: number | undefined): string => (x === undefined ? '-' : x.toPrecision(3));
  ctx.log(`time  ${c.id.padEnd(16)} engine ${fmt(row.engine_ms)} ms, tfjs ${fmt(row.tfjs_ms)}, floor ${fmt(row.floor_ms)}, torch ${fmt(row.torch_ms)}`);
  return row;
}

/**
 * Per-step time of each W1 row relative to the shortest sequence. The rows were timed one after
 * another, so a slow phase of the machine could fall on one of them: the engine's W1 runners are
 * timed again here, in turn with each other, and the ratios come from that one interleaved run.
 */
async function addStepRatios(ctx: BenchContext, rows: Row[], cases: readonly BenchCase[]): Promise<void> {
  const w1 = cases.filter((c) => c.input.kind === 'W1');
  if (w1.length < 2) return;
  const steps = (c: BenchCase): number => (c.input.kind === 'W1' ? c.input.T : NaN);
  const cells = w1.map((c) => {
    const r = engineRunner(c.input);
    return { name: c.id, fn: () => r.run(), warmedMs: timeOnce(() => r.run()).ms };
  });
  const tm = await timeInterleaved(cells);
  const perStep = (c: BenchCase): number => tm[c.id].ms / steps(c);
  for (const c of w1) {
    const row = rows.find((r) => r.workload === 'W1' && r.size === c.size);
    if (row) row.step_vs_shortest = perStep(c) / perStep(w1[0]);
  }
  ctx.log(`flatness (engine W1 rows timed in turn): ${w1.map((c) => `${c.size} ${(perStep(c) * 1e6).toFixed(1)} ns/step`).join(', ')}`);
}

function ratioTarget(name: string, value: number | undefined, ok: (v: number) => boolean): Target {
  return value === undefined || Number.isNaN(value)
    ? { name, pass: null, value: null, unit: 'x' }
    : { name, pass: ok(value), value, unit: 'x' };
}

export function speedTargets(rows: readonly Row[]): Target[] {
  const of = (w: string): Row[] => rows.filter((r) => r.workload === w);
  const div = (a: number | undefined, b: number | undefined): number | undefined => (a === undefined || b === undefined ? undefined : a / b);
  const out: Target[] = [];
  const w1 = of('W1'), w2 = of('W2'), w3 = of('W3');
  for (const r of w1.filter((x) => x.size !== 'T=100')) {
    out.push({ name: `engine per-op cost <= 50 ns (W1 ${r.size})`, pass: r.ns_per_node! <= 50, value: r.ns_per_node!, unit: 'ns' });
  }
  for (const r of w1) out.push(ratioTarget(`W1 ${r.size}: >= 100x faster than torch`, div(r.torch_ms, r.engine_ms), (v) => v >= 100));
  for (const r of w1) out.push(ratioTarget(`W1 ${r.size}: >= 300x faster than tfjs`, div(r.tfjs_ms, r.engine_ms), (v) => v >= 300));
  for (const r of w1) out.push(ratioTarget(`W1 ${r.size}: within 20x of floor (engine/floor)`, div(r.engine_ms, r.floor_ms), (v) => v <= 20));
  const last = w1[w1.length - 1];
  if (last) out.push(ratioTarget(`W1 flat per step: per-step time ${last.size} / T=100 <= 1.5`, last.step_vs_shortest, (v) => v <= 1.5));
  for (const r of w2) {
    const H = Number(/H=(\d+)/.exec(r.size)?.[1]);
    if (H <= 64) {
      out.push(ratioTarget(`W2 ${r.size}: within 1.25x of floor (engine/floor)`, div(r.engine_ms, r.floor_ms), (v) => v <= 1.25));
      out.push(ratioTarget(`W2 ${r.size}: >= 20x faster than tfjs`, div(r.tfjs_ms, r.engine_ms), (v) => v >= 20));
    } else {
      out.push(ratioTarget(`W2 ${r.size}: within 1.5x of torch (engine/torch)`, div(r.engine_ms, r.torch_ms), (v) => v <= 1.5));
    }
  }
  for (const r of w3) out.push(ratioTarget(`W3 ${r.size}: >= 3x faster than tfjs`, div(r.tfjs_ms, r.engine_ms), (v) => v >= 3));
  const small = w3.find((r) => r.size.startsWith('n=8,'));
  if (small) out.push(ratioTarget(`W3 ${small.size}: faster than torch (torch/engine > 1)`, div(small.torch_ms, small.engine_ms), (v) => v > 1));
  return out;
}

export const autodiffSection: Section = {
  name: 'autodiff',
  async run(ctx): Promise<SectionResult> {
    const cases = allCases().filter((c) => !ctx.only || c.id.includes(ctx.only));
    const notes: string[] = [];
    notes.push(await initTfjs());
    let torch: TorchPeer | null = null;
    const missing = torchMissing();
    if (missing) {
      notes.push(`torch: - (${missing})`);
    } else {
      ctx.log('torch: a python peer process, timed in turn with the other columns');
      torch = new TorchPeer(ctx.self);
      try {
        notes.push(describeTorch(await torch.info()));
      } catch (e) {
        notes.push(`torch: - (${String(e)})`);
        torch.close();
        torch = null;
      }
    }
    ctx.log(notes[notes.length - 1]);
    const checks: Check[] = [];
    const rows: Row[] = [];
    try {
      for (const c of cases) rows.push(await runCase(ctx, c, torch, checks));
    } finally {
      torch?.close();
    }
    await addStepRatios(ctx, rows, cases);
    return {
      rows,
      targets: speedTargets(rows),
      checks,
      notes,
      json: { env: { node: process.version, notes } },
    };
  },
};
