/**
 * What one op-table entry holds, and the kernel context the tape hands to it.
 * Kernels read and write a shared float64 arena by offset, so an op costs no allocation.
 */
import type { Shape } from './tensor';
import { sameShape, shapeStr } from './tensor';

/** Per-node attributes: only the ops that need one read it. */
export interface Attrs {
  /** pow exponent, scale factor, comparison threshold */
  readonly p?: number;
  /** reduction, softmax, slice and concat axis */
  readonly axis?: number;
  /** reshape and broadcastTo target */
  readonly shape?: Shape;
  /** slice [start, end) along axis */
  readonly start?: number;
  readonly end?: number;
}

export const NO_ATTRS: Attrs = Object.freeze({});

/**
 * The context a kernel runs in. The tape reuses one object; fields are valid during the call only.
 * Backward rules add each input's contribution into `C[k]` at offset `c[k]` (a zeroed buffer when
 * stepping, the gradient accumulator in `backward()`), and touch nothing else.
 */
export interface Ctx {
  V: Float64Array;
  /** number of inputs (the arrays below may be longer) */
  nx: number;
  /** output offset, size and shape */
  o: number;
  n: number;
  shape: Shape;
  /** input offsets and shapes */
  x: number[];
  xs: Shape[];
  attrs: Attrs;
  /** relu'(0) (and the share of a tie in maximum/minimum): 0 by default */
  relu0: number;
  /** upstream gradient dL/d(output) */
  G: Float64Array;
  g: number;
  /** contribution buffers, one per input */
  C: Float64Array[];
  c: number[];
  /** whether input k needs its contribution (constants do not) */
  need: boolean[];
}

export type Domain = readonly [lo: number, hi: number];

export interface OpTest {
  shapes: Shape[];
  attrs?: Attrs;
  /** one domain for every input, or one per input */
  domain: Domain | readonly Domain[];
}

/** The scalar rule of an elementwise op: its kernels loop over it, and the tape calls it directly on scalars. */
export interface UnaryRule {
  f(x: number): number;
  /** dy/dx from the input x, the output y and the relu'(0) convention */
  d(x: number, y: number, relu0: number): number;
}

export interface BinaryRule {
  f(a: number, b: number): number;
  da(a: number, b: number, y: number, relu0: number): number;
  db(a: number, b: number, y: number, relu0: number): number;
}

export interface OpDef {
  /** short display label for graph nodes */
  label: string;
  /** LaTeX of the local derivative, read by the explainer */
  latex: string;
  /** number of inputs; -1 for any number (concat) */
  arity: number;
  /** output shape; throws `op: ... (input k)` when the inputs do not fit */
  shape(xs: readonly Shape[], attrs: Attrs, name: string): Shape;
  forward(c: Ctx): void;
  backward(c: Ctx): void;
  /** elementwise ops only: the scalar rule everything else is derived from */
  unaryRule?: UnaryRule;
  binaryRule?: BinaryRule;
  /** a hot elementwise op's scalar rule written out on the arena, for nodes of one number (see Loops) */
  scalar?: ScalarLoops;
  /** smallest distance of the current inputs from a point where the derivative jumps */
  kink?(c: Ctx): number;
  /** what the table-driven gradient check samples (empty for leaves) */
  tests: readonly OpTest[];
}

export class ShapeError extends Error {}

export function fail(name: string, msg: string, input?: number): never {
  throw new ShapeError(`${name}: ${msg}${input === undefined ? '' : ` (input ${input + 1})`}`);
}

export function sameShapes(xs: readonly Shape[], _a: Attrs, name: string): Shape {
  for (let k = 1; k < xs.length; k++) {
    if (!sameShape(xs[0], xs[k])) fail(name, `shapes ${shapeStr(xs[0])} and ${shapeStr(xs[k])} do not match`, k);
  }
  return xs[0];
}

const oneInput = (xs: readonly Shape[]): Shape => xs[0];

/**
 * An elementwise op's scalar rule written out for a node of one number, on offsets into the values V:
 * the value V[o] from V[a] (and V[b]; unused by unary ops), and at once the local derivatives by
 * each input into D[d] (and D[d + 1]), so that the backward pass multiplies instead of calling.
 */
export interface ScalarLoops {
  forward(V: Float64Array, o: number, a: number, b: number, D: Float64Array, d: number, relu0: number): void;
}

/**
 * Hand-written code for a hot elementwise op, the same math as its scalar rule: the tensor loops,
 * and `scalar` for the one-number nodes of the lecture's scalar RNN. The generic code calls the rule
 * through a closure that all ops of a kind share: V8 cannot inline that call, and boxes every number
 * it returns (W1 spent a third of its time there). The op tests check all three against each other.
 */
export type Loops = Partial<Pick<OpDef, 'forward' | 'backward' | 'scalar'>>;

/**
 * An elementwise unary op from its scalar function and its derivative written with the input x and
 * output y (tanh' = 1 - y^2 needs only y).
 */
export function unary(
  label: string,
  latex: string,
  f: (x: number) => number,
  d: (x: number, y: number, relu0: number) => number,
  domain: Domain,
  kinkAt?: number,
  loops?: Loops,
): OpDef {
  return {
    label,
    latex,
    arity: 1,
    shape: oneInput,
    unaryRule: { f, d },
    forward(c) {
      const V = c.V, o = c.o, a = c.x[0];
      for (let i = 0; i < c.n; i++) V[o + i] = f(V[a + i]);
    },
    backward(c) {
      const V = c.V, G = c.G, C = c.C[0], o = c.o, a = c.x[0], g = c.g, k = c.c[0], r = c.relu0;
      for (let i = 0; i < c.n; i++) C[k + i] += G[g + i] * d(V[a + i], V[o + i], r);
    },
    ...loops,
    kink:
      kinkAt === undefined
        ? undefined
        : (c) => {
            let dist = Infinity;
            for (let i = 0; i < c.n; i++) dist = Math.min(dist, Math.abs(c.V[c.x[0] + i] - kinkAt));
            return dist;
          },
    tests: [{ shapes: [[3, 2]], domain }],
  };
}

/** An elementwise binary op (inputs of equal shape: Graph inserts the broadcasts) from its scalar rule. */
export function binary(label: string, latex: string, rule: BinaryRule, domain: Domain | readonly Domain[], kink?: (a: number, b: number) => number, loops?: Loops): OpDef {
  const { f, da, db } = rule;
  return {
    label,
    latex,
    arity: 2,
    shape: sameShapes,
    binaryRule: rule,
    forward(c) {
      const V = c.V, o = c.o, a = c.x[0], b = c.x[1];
      for (let i = 0; i < c.n; i++) V[o + i] = f(V[a + i], V[b + i]);
    },
    backward(c) {
      const V = c.V, G = c.G, o = c.o, a = c.x[0], b = c.x[1], r = c.relu0;
      const A = c.C[0], B = c.C[1], qa = c.c[0], qb = c.c[1], g = c.g;
      for (let i = 0; i < c.n; i++) {
        const x = V[a + i], y = V[b + i], z = V[o + i], gi = G[g + i];
        A[qa + i] += gi * da(x, y, z, r);
        B[qb + i] += gi * db(x, y, z, r);
      }
    },
    ...loops,
    kink: kink
      ? (c) => {
          let dist = Infinity;
          for (let i = 0; i < c.n; i++) dist = Math.min(dist, kink(c.V[c.x[0] + i], c.V[c.x[1] + i]));
          return dist;
        }
      : undefined,
    tests: [{ shapes: [[2, 3], [2, 3]], domain }],
  };
}
