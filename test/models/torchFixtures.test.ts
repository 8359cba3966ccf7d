/**
 * The course's models against PyTorch float64 (fixtures made by scripts/makeTorchFixtures.py with
 * Debian's python3-torch): losses, every gradient, dL/dh_t and attention matrices to 1e-9 relative.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Graph } from '../../src/engine/graph';
import { toNested } from '../../src/engine/tensor';
import { buildAttention, parseAttentionModel } from '../../src/models/attention';
import { bpttTrace } from '../../src/models/bptt';
import { parseRnnModel } from '../../src/models/rnn';

const dir = join(__dirname, '../../fixtures/torch');
const load = (prefix: string) =>
  readdirSync(dir)
    .filter((f) => f.startsWith(prefix) && f.endsWith('.json'))
    .map((f) => ({ file: f, ...JSON.parse(readFileSync(join(dir, f), 'utf8')) }));

const rnn = load('rnn_');
const attention = load('attention_');
// 1e-9 relative per entry; entries that are cancellations get a noise floor of 1e-14 of their tensor's largest entry
const tol = { rtol: 1e-9, floor: 1e-14 };

describe('RNN against PyTorch', () => {
  it('has the required cases', () => {
    expect(rnn.length).toBeGreaterThanOrEqual(8);
    expect(rnn.some((c) => c.model.x.length >= 200)).toBe(true);
    expect(rnn.some((c) => Math.abs(c.expected.z) > 300)).toBe(true);
  });

  it.each(rnn)('$file', ({ model, expected }) => {
    const trace = bpttTrace(parseRnnModel(model));
    expect(trace.loss).toBeAllclose(expected.loss, tol);
    expect(Number.isFinite(trace.loss)).toBe(true);
    expect(trace.p).toBeAllclose(expected.p, tol);
    expect(trace.z).toBeAllclose(expected.z, tol);
    for (const k of Object.keys(expected.grads)) expect(trace.grads[k as keyof typeof trace.grads], k).toBeAllclose(expected.grads[k], tol);
    expect(Object.keys(trace.grads).sort()).toEqual(Object.keys(expected.grads).sort());
    expect(trace.dL_dh).toBeAllclose(expected.dL_dh, tol);
    expect(trace.steps.map((s) => s.a)).toBeAllclose(expected.a, tol);
  });
});

describe('attention against PyTorch', () => {
  it('covers free, scaled and qkv with K = 1 and 3, and a causal mask', () => {
    for (const v of ['free', 'scaled', 'qkv']) for (const k of [1, 3]) {
      expect(attention.some((c) => c.model.variant === v && c.model.layers === k), `${v} K=${k}`).toBe(true);
    }
    expect(attention.some((c) => c.model.causal)).toBe(true);
  });

  it.each(attention)('$file', ({ model, expected }) => {
    const g = new Graph();
    const n = buildAttention(g, parseAttentionModel(model));
    const grads = g.backward(n.loss);
    expect(g.scalar(n.loss)).toBeAllclose(expected.loss, tol);
    expect(g.scalar(n.p)).toBeAllclose(expected.p, tol);
    expect(g.scalar(n.z)).toBeAllclose(expected.z, tol);
    expect(n.layers.map((l) => toNested(g.value(l.A)))).toBeAllclose(expected.attention, tol);
    expect(n.layers.map((l) => toNested(g.value(l.out)))).toBeAllclose(expected.outputs, tol);
    expect(grads.get(n.params.X)).toBeAllclose(expected.grads.X, tol);
    expect(grads.get(n.params.w_o)).toBeAllclose(expected.grads.w_o, tol);
    for (const k of ['W_q', 'W_k', 'W_v'] as const) {
      if (!expected.grads[k]) continue;
      expect(n.params[k]!.map((id) => grads.get(id).data), k).toBeAllclose(expected.grads[k], tol);
    }
  });
});
