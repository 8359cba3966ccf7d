/**
 * Every entry of the op table gets a central-difference gradient check on every test case it
 * declares, so an op is tested the moment it is added.
 */
import { describe, expect, it } from 'vitest';
import { gradcheck } from '../../src/engine/gradcheck';
import type { Domain, OpDef, OpTest } from '../../src/engine/opDef';
import { OPS, OP_NAMES } from '../../src/engine/ops';
import type { Tensor } from '../../src/engine/tensor';
import { sizeOf } from '../../src/engine/tensor';
import { mulberry32 } from '../../src/engine/random';
import { Graph } from '../../src/engine/graph';

function sample(test: OpTest, rand: () => number): Tensor[] {
  return test.shapes.map((shape, k) => {
    const d = (Array.isArray(test.domain[0]) ? (test.domain as readonly Domain[])[k] : test.domain) as Domain;
    const data = new Float64Array(sizeOf(shape));
    for (let i = 0; i < data.length; i++) data[i] = d[0] + (d[1] - d[0]) * rand();
    return { shape, data };
  });
}

const cases = OP_NAMES.flatMap((name) => (OPS[name].tests as readonly OpTest[]).map((test, i) => ({ name, i, test })));

describe('op table', () => {
  it('has a test for every op that takes inputs', () => {
    for (const name of OP_NAMES) if (OPS[name].arity !== 0) expect(OPS[name].tests.length, name).toBeGreaterThan(0);
  });

  it.each(cases)('$name (case $i): analytic gradient matches central differences', ({ name, test }) => {
    const rand = mulberry32(1234 + name.length);
    // weight the outputs so a wrong sign or a swapped index cannot cancel out in the sum
    const f = (g: import('../../src/engine/graph').Graph, xs: import('../../src/engine/tape').NodeId[]) => {
      const y = g.apply(name, xs, test.attrs);
      const shape = g.shapeOf(y);
      const w = new Float64Array(sizeOf(shape)).map((_v, i) => 0.5 + ((i * 7919) % 13) / 13);
      return g.sum(g.mul(y, g.constant({ shape, data: w })));
    };
    let checked = 0;
    for (let trial = 0; trial < 10 && checked < 3; trial++) {
      const r = gradcheck(f, sample(test, rand), { tol: 1e-6 });
      if (r.status === 'near-kink') continue; // resample: a kink is not a mismatch
      expect(r.status, `${name}: worst ${JSON.stringify(r.worst)}`).toBe('pass');
      checked++;
    }
    expect(checked).toBe(3);
  });
});

describe('elementwise ops: the tensor loops, the scalar code and the scalar rule are the same math', () => {
  // a tensor runs the op's loops (generic over its rule, or hand-written for hot ops such as tanh and
  // add); a 0-d node runs the op's hand-written scalar code if it has one, else its rule. All three
  // must give the same values and gradients.
  const elementwise = OP_NAMES.filter((n) => (OPS[n] as OpDef).unaryRule || (OPS[n] as OpDef).binaryRule);
  it('covers the unary and binary ops, and the hand-written ones', () => {
    expect(elementwise).toEqual(expect.arrayContaining(['add', 'sub', 'mul', 'div', 'tanh', 'relu', 'exp', 'sigmoid']));
    expect(OP_NAMES.filter((n) => (OPS[n] as OpDef).scalar)).toEqual(expect.arrayContaining(['add', 'sub', 'mul', 'relu', 'tanh']));
  });

  it.each(elementwise)('%s', (name) => {
    const def = OPS[name] as OpDef;
    const test = def.tests[0] as OpTest;
    const xs = sample(test, mulberry32(99 + name.length));
    const n = xs[0].data.length;
    const w = Array.from({ length: n }, (_v, i) => 0.5 + i / n);
    const g = new Graph();
    const ins = xs.map((x) => g.param(x));
    const y = g.apply(name, ins);
    const grads = g.backward(g.sum(g.mul(y, g.constant({ shape: xs[0].shape, data: Float64Array.from(w) }))));
    for (let i = 0; i < n; i++) {
      const s = new Graph();
      const at = xs.map((x) => x.data[i]);
      const sins = at.map((x) => s.param(x));
      const sy = s.apply(name, sins);
      const sg = s.backward(s.mul(sy, s.constant(w[i])));
      // the rule itself, called directly (relu'(0) = 0, the tape's default)
      const value = def.unaryRule ? def.unaryRule.f(at[0]) : def.binaryRule!.f(at[0], at[1]);
      const locals = def.unaryRule ? [def.unaryRule.d(at[0], value, 0)] : [def.binaryRule!.da(at[0], at[1], value, 0), def.binaryRule!.db(at[0], at[1], value, 0)];
      expect(s.scalar(sy), `${name} scalar value ${i}`).toBe(value);
      expect(g.value(y).data[i], `${name} tensor value ${i}`).toBe(value);
      sins.forEach((si, k) => {
        expect(sg.get(si).data[0], `${name} scalar d/dx${k} ${i}`).toBeCloseTo(w[i] * locals[k], 14);
        expect(grads.get(ins[k]).data[i], `${name} tensor d/dx${k} ${i}`).toBeCloseTo(w[i] * locals[k], 14);
      });
    }
  });
});
