// The engine column: W1-W3 written against the Graph API the models use, one Graph per case reused
// across calls with g.reset() (the engine's intended use), forward + backward per call.
import { Graph } from '../src/engine/graph';
import type { Gradients } from '../src/engine/tape';
import type { NodeId } from '../src/engine/tape';
import type { Tensor } from '../src/engine/tensor';
import { tensor } from '../src/engine/tensor';
import type { CaseRunner, GradResult } from './compare';
import type { W1Input, W2Input, W3Input, WorkloadInput } from './inputs';

interface Built {
  loss: NodeId;
  /** named leaves whose gradients the checks compare */
  leaves: Record<string, NodeId>;
}

function runner(build: (g: Graph) => Built): CaseRunner {
  const g = new Graph();
  let last: { built: Built; grads: Gradients } | undefined;
  const run = (): void => {
    g.reset();
    const built = build(g);
    last = { built, grads: g.backward(built.loss) };
  };
  return {
    run,
    result(): GradResult {
      run();
      const { built, grads } = last!;
      const out: Record<string, Float64Array> = {};
      for (const [k, id] of Object.entries(built.leaves)) out[k] = grads.get(id).data;
      return { loss: g.scalar(built.loss), grads: out };
    },
    nodes: () => g.size,
  };
}

/**
 * The lecture's scalar ReLU RNN; x_t enter as constants, as a model would write them. `onStep` is
 * called every 1,000 steps (the memory probe samples the heap there).
 */
export function buildW1(g: Graph, p: W1Input, onStep?: () => void): Built {
  const wh = g.param(p.wh, 'w_h'), wi = g.param(p.wi, 'w_i'), wo = g.param(p.wo, 'w_o'), h0 = g.param(p.h0, 'h_0');
  let h = h0;
  for (let t = 0; t < p.T; t++) {
    h = g.relu(g.add(g.mul(wh, h), g.mul(wi, g.constant(p.x[t]))));
    if (onStep && t % 1000 === 999) onStep();
  }
  const loss = g.bceWithLogit(g.mul(wo, h), 1);
  return { loss, leaves: { wh, wi, wo, h0 } };
}

function w2Runner(p: W2Input): CaseRunner {
  const { H, T } = p;
  // the input tensors exist before the model runs (they are data); param() copies them into the arena
  const Wh = tensor([H, H], p.Wh), Wi = tensor([H, H], p.Wi), wo = tensor([H], p.wo), h0 = tensor([H], p.h0);
  const xs: Tensor[] = [];
  for (let t = 0; t < T; t++) xs.push(tensor([H], p.X.subarray(t * H, (t + 1) * H)));
  return runner((g) => {
    const nWh = g.param(Wh), nWi = g.param(Wi), nwo = g.param(wo), nh0 = g.param(h0);
    let h = nh0, x1 = nh0;
    for (let t = 0; t < T; t++) {
      const x = g.param(xs[t]);
      if (t === 0) x1 = x;
      h = g.tanh(g.add(g.matmul(nWh, h), g.matmul(nWi, x)));
    }
    const loss = g.bceWithLogit(g.dot(nwo, h), 1);
    return { loss, leaves: { Wh: nWh, Wi: nWi, wo: nwo, h0: nh0, x1 } };
  });
}

function w3Runner(p: W3Input): CaseRunner {
  const { n, d } = p;
  const X = tensor([n, d], p.X), wo = tensor([d], p.wo);
  const layers = p.layers.map((l) => ({ Wq: tensor([d, d], l.Wq), Wk: tensor([d, d], l.Wk), Wv: tensor([d, d], l.Wv) }));
  const c = 1 / Math.sqrt(d);
  return runner((g) => {
    const nX = g.param(X);
    const leaves: Record<string, NodeId> = { X: nX };
    let x = nX;
    layers.forEach((l, k) => {
      const Wq = g.param(l.Wq), Wk = g.param(l.Wk), Wv = g.param(l.Wv);
      if (k === 0) leaves.Wq1 = Wq;
      if (k === 1) leaves.Wv2 = Wv;
      const q = g.matmul(x, Wq), kk = g.matmul(x, Wk), v = g.matmul(x, Wv);
      const att = g.softmax(g.scale(g.matmul(q, g.transpose(kk)), c));
      x = g.matmul(att, v);
    });
    const nwo = g.param(wo);
    leaves.wo = nwo;
    const loss = g.bceWithLogit(g.dot(nwo, g.index(x, n - 1)), 1);
    return { loss, leaves };
  });
}

export function engineRunner(input: WorkloadInput): CaseRunner {
  switch (input.kind) {
    case 'W1': return runner((g) => buildW1(g, input));
    case 'W2': return w2Runner(input);
    case 'W3': return w3Runner(input);
  }
}
