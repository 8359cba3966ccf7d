/**
 * Finds the hidden state of a traced loop: a variable written once per time step whose value at step
 * t depends on its value at step t-1 (h = tanh(W h + ...), hs[t] = ..., hs.append(...)), names
 * starting with h first; and the BPTT table |dL/dh_t| from the engine's gradients.
 */
import type { Gradients, NodeId } from '../../engine/tape';
import type { Graph } from '../../engine/graph';
import type { Nested } from '../../engine/tensor';
import { norm2, toNested } from '../../engine/tensor';
import type { StepEvent } from './events';

export interface HiddenStep {
  t: number;
  node: NodeId;
  /** |h_t| (Euclidean norm; |h_t| for a scalar) */
  hNorm: number;
  dLdh: Nested;
  dLdhNorm: number;
  log10dLdh: number;
}

export interface HiddenState {
  name: string;
  steps: HiddenStep[];
}

/** Per time step, the last array written to `name` in the forward pass (before the loss exists). */
export function stepsOf(events: readonly StepEvent[], name: string, before: number): Map<number, StepEvent> {
  const out = new Map<number, StepEvent>();
  for (const e of events) {
    if (e.name === name && e.t !== undefined && e.node <= before && (e.op === '=' || e.op === 'append')) out.set(e.t, e);
  }
  return out;
}

/** Whether `to` is reachable from `from` through inputs (ids only decrease along inputs). */
export function dependsOn(g: Graph, from: NodeId, to: NodeId): boolean {
  const stack = [from as number], seen = new Set<number>();
  while (stack.length) {
    const n = stack.pop()!;
    if (n === to) return true;
    if (n < to || seen.has(n)) continue;
    seen.add(n);
    for (const i of g.inputsOf(n as NodeId)) stack.push(i);
  }
  return false;
}

/** Marks every ancestor of `loss` (the nodes the loss depends on). */
export function ancestors(g: Graph, loss: NodeId): Uint8Array {
  const mark = new Uint8Array(loss + 1);
  mark[loss] = 1;
  for (let id = loss as number; id >= 0; id--) {
    if (!mark[id]) continue;
    for (const i of g.inputsOf(id as NodeId)) mark[i] = 1;
  }
  return mark;
}

export function findHidden(g: Graph, events: readonly StepEvent[], loss: NodeId, feeds: Uint8Array, grads: Gradients): HiddenState | undefined {
  const names = [...new Set(events.filter((e) => e.t !== undefined && e.node <= loss).map((e) => e.name))];
  names.sort((a, b) => Number(!/^h/i.test(a)) - Number(!/^h/i.test(b)));
  for (const name of names) {
    const byT = stepsOf(events, name, loss);
    if (byT.size < 2) continue;
    const ts = [...byT.keys()].sort((a, b) => a - b);
    const last = byT.get(ts[ts.length - 1])!, prev = byT.get(ts[ts.length - 2])!;
    if (!feeds[last.node] || g.sizeOf(last.node) !== g.sizeOf(prev.node) || !dependsOn(g, last.node, prev.node)) continue;
    return {
      name,
      steps: ts.map((t) => {
        const node = byT.get(t)!.node;
        const d = grads.get(node);
        const n = norm2(d.data);
        return { t, node, hNorm: norm2(g.value(node).data), dLdh: toNested(d), dLdhNorm: n, log10dLdh: Math.log10(n) };
      }),
    };
  }
  return undefined;
}
