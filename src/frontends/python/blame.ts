/**
 * Where a wrong hand-written gradient goes wrong. Hand-written quantities are checked against the
 * engine where they have a counterpart: dX against dL/dX for a forward variable X at the same time
 * step, each step's `dW += ...` against the engine's share of dL/dW from that step. The blamed line is
 * the earliest wrong check, moved back to an unchecked input (dhraw) when every check that reads that
 * input is wrong too, so a missing (1 - h^2) is blamed on the line that forgot it.
 */
import type { Gradients, NodeId } from '../../engine/tape';
import type { Graph } from '../../engine/graph';
import type { StepEvent } from './events';
import { stepsOf } from './hidden';
import { paramOfGradientName } from './pairing';

export const PASS = 1e-6;

/** max over entries of |a - n| / max(1e-8, |a| + |n|), and the entry where it is reached */
export function relError(a: ArrayLike<number>, n: ArrayLike<number>): { err: number; at: number } {
  let err = 0, at = 0;
  for (let i = 0; i < a.length; i++) {
    const e = Math.abs(a[i] - n[i]) / Math.max(1e-8, Math.abs(a[i]) + Math.abs(n[i]));
    if (e > err || Number.isNaN(e)) { err = Number.isNaN(e) ? Infinity : e; at = i; }
  }
  return { err, at };
}

export class Blame {
  private readonly checked = new Map<number, boolean | undefined>();
  private readonly consumers = new Map<number, number[]>();
  /** per parameter node: per time step (-1 for none), the engine's share of dL/dparam */
  private readonly shares = new Map<number, Map<number, Float64Array>>();

  constructor(
    private readonly g: Graph,
    private readonly events: readonly StepEvent[],
    private readonly loss: NodeId,
    private readonly grads: Gradients,
    /** parameter name -> its leaf */
    private readonly params: ReadonlyMap<string, NodeId>,
  ) {
    for (const e of events) for (const r of e.reads) {
      if (!this.consumers.has(r)) this.consumers.set(r, []);
      this.consumers.get(r)!.push(e.index);
    }
    const leaves = new Set<number>(params.values());
    const steps = g.backwardSteps(loss);
    for (let s = steps.next(); !s.done; s = steps.next()) {
      const { node, contributions } = s.value;
      node.inputs.forEach((input, k) => {
        const c = contributions[k];
        if (!c || !leaves.has(input)) return;
        if (!this.shares.has(input)) this.shares.set(input, new Map());
        const byT = this.shares.get(input)!, t = node.t ?? -1;
        const acc = byT.get(t) ?? new Float64Array(c.data.length);
        for (let i = 0; i < acc.length; i++) acc[i] += c.data[i];
        byT.set(t, acc);
      });
    }
  }

  /** written after the loss: part of the hand-written backward pass */
  isHand(e: StepEvent): boolean {
    return e.node > this.loss;
  }

  private agree(node: NodeId, expected: ArrayLike<number>): boolean {
    const v = this.g.value(node).data;
    return v.length === expected.length && relError(v, expected).err < PASS;
  }

  /**
   * The forward event X (or Xs) that `dX` at step t is the gradient of: X at step t + k, with the
   * offset k (0, -1 or +1) that agrees at most steps (hs.append(h) at step t is h_{t+1}).
   */
  counterpart(e: StepEvent): StepEvent | undefined {
    const m = /^d_?(.+)$/.exec(e.name);
    if (!m || this.params.has(m[1]) || paramOfGradientName(e.name, [...this.params.keys()])) return undefined;
    for (const x of [m[1], `${m[1]}s`]) {
      const byT = stepsOf(this.events, x, this.loss);
      if (e.t === undefined) {
        const f = lastUntimed(this.events, x, this.loss);
        if (f && this.g.sizeOf(f.node) === this.g.sizeOf(e.node)) return f;
        continue;
      }
      if (!byT.size) continue;
      const k = this.offsetOf(e.name, byT);
      const f = byT.get(e.t + k);
      if (f && this.g.sizeOf(f.node) === this.g.sizeOf(e.node)) return f;
    }
    return undefined;
  }

  private readonly offsets = new Map<string, number>();

  private offsetOf(name: string, byT: ReadonlyMap<number, StepEvent>): number {
    let k = this.offsets.get(name);
    if (k !== undefined) return k;
    let best = -1;
    k = 0;
    for (const off of [0, -1, 1]) {
      let n = 0;
      for (const e of this.events) {
        const f = e.name === name && e.t !== undefined && this.isHand(e) ? byT.get(e.t + off) : undefined;
        if (f && this.g.sizeOf(f.node) === this.g.sizeOf(e.node) && this.agree(e.node, this.grads.get(f.node).data)) n++;
      }
      if (n > best) { best = n; k = off; }
    }
    this.offsets.set(name, k);
    return k;
  }

  /** true/false: the event's value agrees or not with the engine; undefined: nothing to compare with. */
  check(i: number): boolean | undefined {
    if (this.checked.has(i)) return this.checked.get(i);
    const e = this.events[i];
    let v: boolean | undefined;
    if (this.isHand(e)) {
      const f = this.counterpart(e);
      const p = paramOfGradientName(e.name, [...this.params.keys()]);
      if (f) v = this.agree(e.node, this.grads.get(f.node).data);
      else if (p && e.increment) v = this.incrementOk(e, this.params.get(p)!);
    }
    this.checked.set(i, v);
    return v;
  }

  /** All increments of this gradient at e's step together against the engine's share of that step. */
  private incrementOk(e: StepEvent, param: NodeId): boolean | undefined {
    const share = this.shares.get(param)?.get(e.t ?? -1);
    if (e.t === undefined) return undefined;
    const n = this.g.sizeOf(param);
    const sum = new Float64Array(n);
    for (const o of this.events) {
      if (o.name !== e.name || o.t !== e.t || !o.increment || !this.isHand(o)) continue;
      const v = this.g.value(o.increment.node).data;
      if (v.length !== n && v.length !== 1) return undefined;
      for (let i = 0; i < n; i++) sum[i] += o.increment.sign * v[v.length === 1 ? 0 : i];
    }
    return relError(sum, share ?? new Float64Array(n)).err < PASS;
  }

  /** The statement to blame for the wrong check `i`. */
  root(i: number, seen = new Set<number>()): StepEvent {
    seen.add(i);
    const e = this.events[i];
    for (const r of [...e.reads].sort((a, b) => a - b)) {
      const R = this.events[r];
      // the accumulator's own earlier value (dW before dW += ...) is checked at its own step
      if (seen.has(r) || !this.isHand(R) || R.name === e.name) continue;
      const c = this.check(r);
      if (c === false) return this.root(r, seen);
      if (c === true) continue;
      const verdicts = (this.consumers.get(r) ?? []).map((k) => this.check(k)).filter((x) => x !== undefined);
      if (verdicts.every((x) => x === false)) return this.root(r, seen);
    }
    return e;
  }

  /** The first wrong check among `indices`, in the order the code ran them. */
  firstWrong(indices: readonly number[]): number | undefined {
    return [...indices].sort((a, b) => a - b).find((i) => this.check(i) === false);
  }
}

function lastUntimed(events: readonly StepEvent[], name: string, before: number): StepEvent | undefined {
  let out: StepEvent | undefined;
  for (const e of events) if (e.name === name && e.node <= before && (e.op === '=' || e.op === 'append')) out = e;
  return out;
}
