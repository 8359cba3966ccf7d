// The Python front end: time to trace and differentiate a min-char-rnn-style file (its lossFun with
// the hand-written backward pass, 25 time steps, hidden size 100), parse included. Target: < 100 ms.
import { tracePython } from '../src/frontends/python/trace';
import type { Section, SectionResult } from './sections';
import { timeMedian, timeOnce } from './timing';

export function minCharRnnSource(T: number, H: number, V: number): string {
  const inputs = Array.from({ length: T }, (_x, t) => (t * 7) % V);
  const targets = Array.from({ length: T }, (_x, t) => (t * 7 + 3) % V);
  return `import numpy as np
np.random.seed(42)
vocab_size, hidden_size = ${V}, ${H}
inputs = ${JSON.stringify(inputs)}
targets = ${JSON.stringify(targets)}
Wxh = np.random.randn(hidden_size, vocab_size) * 0.01
Whh = np.random.randn(hidden_size, hidden_size) * 0.01
Why = np.random.randn(vocab_size, hidden_size) * 0.01
bh = np.zeros((hidden_size, 1))
by = np.zeros((vocab_size, 1))
hprev = np.zeros((hidden_size, 1))

def lossFun(inputs, targets, hprev):
    xs, hs, ys, ps = {}, {}, {}, {}
    hs[-1] = np.copy(hprev)
    loss = 0
    for t in range(len(inputs)):
        xs[t] = np.zeros((vocab_size, 1))
        xs[t][inputs[t]] = 1
        hs[t] = np.tanh(np.dot(Wxh, xs[t]) + np.dot(Whh, hs[t-1]) + bh)
        ys[t] = np.dot(Why, hs[t]) + by
        ps[t] = np.exp(ys[t]) / np.sum(np.exp(ys[t]))
        loss += -np.log(ps[t][targets[t], 0])
    dWxh, dWhh, dWhy = np.zeros_like(Wxh), np.zeros_like(Whh), np.zeros_like(Why)
    dbh, dby = np.zeros_like(bh), np.zeros_like(by)
    dhnext = np.zeros_like(hs[0])
    for t in reversed(range(len(inputs))):
        dy = np.copy(ps[t])
        dy[targets[t]] -= 1
        dWhy += np.dot(dy, hs[t].T)
        dby += dy
        dh = np.dot(Why.T, dy) + dhnext
        dhraw = (1 - hs[t] * hs[t]) * dh
        dbh += dhraw
        dWxh += np.dot(dhraw, xs[t].T)
        dWhh += np.dot(dhraw, hs[t-1].T)
        dhnext = np.dot(Whh.T, dhraw)
    for dparam in [dWxh, dWhh, dWhy, dbh, dby]:
        np.clip(dparam, -5, 5, out=dparam)
    return loss, dWxh, dWhh, dWhy, dbh, dby, hs[len(inputs)-1]

loss, dWxh, dWhh, dWhy, dbh, dby, hprev = lossFun(inputs, targets, hprev)
`;
}

export const pythonSection: Section = {
  name: 'python',
  async run(ctx): Promise<SectionResult> {
    if (ctx.only && !'python'.includes(ctx.only)) return { rows: [], targets: [] };
    const T = 25, H = 100, V = 65;
    const src = minCharRnnSource(T, H, V);
    const first = timeOnce(() => tracePython(src));
    // cold: a new tape per trace; re-trace: the previous trace's tape reused, as after an edit
    const cold = await timeMedian(() => void tracePython(src), { warmedMs: first.ms, targetMs: 1500, capMs: 3000 });
    let graph = first.value.graph;
    const warm = await timeMedian(() => { graph = tracePython(src, { graph }).graph; }, { targetMs: 1500, capMs: 3000 });
    const nodes = first.value.graph.size;
    const note = `python: trace + differentiate min-char-rnn (T=${T}, H=${H}, vocab ${V}, with its hand-written backward pass; ${nodes} engine nodes): `
      + `median ${cold.ms.toFixed(1)} ms with a new tape (${cold.reps} samples, first call ${first.ms.toFixed(0)} ms), ${warm.ms.toFixed(1)} ms re-tracing on the previous tape`;
    ctx.log(note);
    return {
      rows: [],
      targets: [
        { name: `Python trace + differentiate, min-char-rnn T=${T} H=${H}, new tape: < 100 ms`, pass: cold.ms < 100, value: cold.ms, unit: 'ms' },
        { name: `Python re-trace + differentiate on the previous tape, same file: < 100 ms`, pass: warm.ms < 100, value: warm.ms, unit: 'ms' },
      ],
      notes: [note],
      json: { python: { T, H, vocab: V, ms: cold.ms, retrace_ms: warm.ms, first_ms: first.ms, reps: cold.reps, nodes } },
    };
  },
};
