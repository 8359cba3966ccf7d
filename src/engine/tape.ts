/**
 * The tape: every node's op, ordered inputs, value and metadata as plain columnar data in one
 * float64 arena, with no object per node, so long sequences cost no garbage collection. Nodes are
 * created in topological order, so the backward pass is a plain reverse loop: no recursion.
 */
import type { Attrs, Ctx, OpDef } from './opDef';
import { NO_ATTRS } from './opDef';
import type { OpName } from './ops';
import { OPS, OP_NAMES } from './ops';
import type { Shape, Tensor } from './tensor';
import { SCALAR, sizeOf } from './tensor';

export type NodeId = number & { readonly __node: unique symbol };

/** Where in a document a node came from (0-based lines and columns). */
export interface SourceRange {
  line: number;
  col: number;
  endLine: number;
  endCol: number;
}

/** One node as plain data. */
export interface TapeNode {
  id: NodeId;
  op: OpName;
  inputs: NodeId[];
  shape: Shape;
  value: Tensor;
  attrs: Attrs;
  name?: string;
  t?: number;
  scope?: string;
  src?: SourceRange;
}

/** One step of the backward pass: the node, dL/d(node), and what it passes to each input. */
export interface BackwardStep {
  node: TapeNode;
  upstream: Tensor;
  /** per input: its contribution to dL/d(input), or null for a constant */
  contributions: (Tensor | null)[];
}

export interface TapeOptions {
  /** relu'(0), also the share of a tie in maximum/minimum: 0 (default), 0.5 or 1 */
  reluAtZero?: number;
}

const OP_DEFS: readonly OpDef[] = OP_NAMES.map((k) => OPS[k]);
const OP_INDEX = new Map(OP_NAMES.map((k, i) => [k, i]));

/** Read access to all gradients of one backward pass. */
export class Gradients {
  constructor(private readonly tape: Tape, private readonly G: Float64Array) {}
  get(id: NodeId): Tensor {
    const o = this.tape.offsetOf(id);
    return { shape: this.tape.shapeOf(id), data: this.G.slice(o, o + this.tape.sizeOf(id)) };
  }
  scalar(id: NodeId): number {
    return this.G[this.tape.offsetOf(id)];
  }
}

export class Tape {
  readonly reluAtZero: number;
  private V = new Float64Array(1024);
  private top = 0;
  private count = 0;
  private opAt = new Uint8Array(256);
  private offAt = new Int32Array(256);
  private inStart = new Int32Array(256);
  private inCount = new Int32Array(256);
  private tAt = new Int32Array(256);
  private scopeAt = new Int32Array(256);
  private srcAt = new Int32Array(256);
  private grad = new Uint8Array(256);
  private ins = new Int32Array(512);
  private insTop = 0;
  private shapes: Shape[] = [];
  private attrsAt: Attrs[] = [];
  private readonly names = new Map<number, string>();
  private readonly scopes: string[] = [''];
  private readonly scopeIds = new Map<string, number>([['', 0]]);
  private readonly srcs: SourceRange[] = [];
  private curT = -1;
  private curScope = 0;
  private curSrc = -1;
  private readonly ctx: Ctx;

  constructor(opts: TapeOptions = {}) {
    this.reluAtZero = opts.reluAtZero ?? 0;
    this.ctx = {
      V: this.V, o: 0, n: 0, shape: SCALAR, x: [], xn: [], xs: [], attrs: NO_ATTRS, relu0: this.reluAtZero,
      G: this.V, g: 0, C: [], c: [], need: [],
    };
  }

  /** Forget every node but keep the memory, for running the same model again. */
  reset(): void {
    this.top = this.count = this.insTop = 0;
    this.shapes.length = this.attrsAt.length = this.srcs.length = 0;
    this.names.clear();
    this.curT = this.curSrc = -1;
    this.curScope = 0;
  }

  get size(): number {
    return this.count;
  }

  /** The metadata stamped on new nodes now. */
  getMeta(): { t?: number; scope?: string; src?: SourceRange } {
    return {
      ...(this.curT >= 0 ? { t: this.curT } : {}),
      ...(this.curScope > 0 ? { scope: this.scopes[this.curScope] } : {}),
      ...(this.curSrc >= 0 ? { src: this.srcs[this.curSrc] } : {}),
    };
  }

  /** Metadata stamped on the nodes created from now on; undefined fields are cleared. */
  setMeta(meta: { t?: number; scope?: string; src?: SourceRange }): void {
    this.curT = meta.t ?? -1;
    const s = meta.scope ?? '';
    let id = this.scopeIds.get(s);
    if (id === undefined) this.scopeIds.set(s, (id = this.scopes.push(s) - 1));
    this.curScope = id;
    this.curSrc = meta.src ? this.srcs.push(meta.src) - 1 : -1;
  }

  leaf(kind: 'param' | 'const', t: Tensor, name?: string): NodeId {
    const id = this.alloc(OP_INDEX.get(kind)!, t.shape, NO_ATTRS, 0);
    this.V.set(t.data, this.offAt[id]);
    this.grad[id] = kind === 'param' ? 1 : 0;
    if (name !== undefined) this.names.set(id, name);
    return id;
  }

  /** Adds a node for `op` on `inputs` and computes its value. */
  apply(op: OpName, inputs: readonly NodeId[], attrs: Attrs = NO_ATTRS): NodeId {
    const def = OPS[op];
    if (def.arity >= 0 && inputs.length !== def.arity) {
      throw new Error(`${op}: expects ${def.arity} input(s), got ${inputs.length}`);
    }
    const xs = inputs.map((i) => this.shapes[i]);
    const shape = def.shape(xs, attrs, op);
    const id = this.alloc(OP_INDEX.get(op)!, shape, attrs, inputs.length);
    let g = 0;
    for (let k = 0; k < inputs.length; k++) {
      this.ins[this.inStart[id] + k] = inputs[k];
      g |= this.grad[inputs[k]];
    }
    this.grad[id] = g;
    const c = this.load(id);
    def.forward(c);
    return id;
  }

  value(id: NodeId): Tensor {
    const o = this.offAt[id];
    return { shape: this.shapes[id], data: this.V.slice(o, o + this.sizeOf(id)) };
  }
  scalar(id: NodeId): number {
    return this.V[this.offAt[id]];
  }
  shapeOf(id: NodeId): Shape {
    return this.shapes[id];
  }
  offsetOf(id: NodeId): number {
    return this.offAt[id];
  }
  sizeOf(id: NodeId): number {
    return sizeOf(this.shapes[id]);
  }
  opOf(id: NodeId): OpName {
    return OP_NAMES[this.opAt[id]];
  }
  inputsOf(id: NodeId): NodeId[] {
    return Array.from(this.ins.subarray(this.inStart[id], this.inStart[id] + this.inCount[id])) as NodeId[];
  }

  node(id: NodeId): TapeNode {
    const n: TapeNode = {
      id, op: this.opOf(id), inputs: this.inputsOf(id), shape: this.shapes[id], value: this.value(id), attrs: this.attrsAt[id],
    };
    const name = this.names.get(id);
    if (name !== undefined) n.name = name;
    if (this.tAt[id] >= 0) n.t = this.tAt[id];
    if (this.scopeAt[id] > 0) n.scope = this.scopes[this.scopeAt[id]];
    if (this.srcAt[id] >= 0) n.src = this.srcs[this.srcAt[id]];
    return n;
  }

  /** All gradients of `loss` (of its sum when it is not a scalar). Calling it again gives the same answer. */
  backward(loss: NodeId): Gradients {
    const G = new Float64Array(this.top);
    const reach = this.seed(loss, G);
    for (let id = loss as number; id >= 0; id--) {
      if (!reach[id] || !this.grad[id] || OP_DEFS[this.opAt[id]].arity === 0) continue;
      const c = this.load(id as NodeId);
      c.G = G;
      c.g = this.offAt[id];
      for (let k = 0; k < c.x.length; k++) {
        const input = this.ins[this.inStart[id] + k];
        c.C[k] = G;
        c.c[k] = this.offAt[input];
        c.need[k] = this.grad[input] === 1;
        reach[input] = 1;
      }
      OP_DEFS[this.opAt[id]].backward(c);
    }
    return new Gradients(this, G);
  }

  /** The backward pass one node at a time, in reverse topological order, with each contribution. */
  *backwardSteps(loss: NodeId): Generator<BackwardStep, Gradients> {
    const G = new Float64Array(this.top);
    const reach = this.seed(loss, G);
    for (let id = loss as number; id >= 0; id--) {
      if (!reach[id] || !this.grad[id] || OP_DEFS[this.opAt[id]].arity === 0) continue;
      const c = this.load(id as NodeId);
      const o = this.offAt[id];
      c.G = G;
      c.g = o;
      const inputs = this.inputsOf(id as NodeId);
      const bufs = inputs.map((i) => new Float64Array(this.sizeOf(i)));
      inputs.forEach((input, k) => {
        c.C[k] = bufs[k];
        c.c[k] = 0;
        c.need[k] = this.grad[input] === 1;
        reach[input] = 1;
      });
      const upstream: Tensor = { shape: this.shapes[id], data: G.slice(o, o + c.n) };
      OP_DEFS[this.opAt[id]].backward(c);
      inputs.forEach((input, k) => {
        const at = this.offAt[input];
        for (let i = 0; i < bufs[k].length; i++) G[at + i] += bufs[k][i];
      });
      yield {
        node: this.node(id as NodeId),
        upstream,
        contributions: inputs.map((input, k) => (this.grad[input] ? { shape: this.shapes[input], data: bufs[k] } : null)),
      };
    }
    return new Gradients(this, G);
  }

  /** The smallest distance of any reachable node's inputs from a kink of its op. */
  kinkDistance(loss: NodeId): { distance: number; node?: NodeId } {
    let best: { distance: number; node?: NodeId } = { distance: Infinity };
    for (let id = 0; id <= loss; id++) {
      const kink = OP_DEFS[this.opAt[id]].kink;
      if (!kink) continue;
      const d = kink(this.load(id as NodeId));
      if (d < best.distance) best = { distance: d, node: id as NodeId };
    }
    return best;
  }

  private seed(loss: NodeId, G: Float64Array): Uint8Array {
    if (!(loss >= 0 && loss < this.count)) throw new Error(`backward: node ${loss} is not on this tape`);
    G.fill(1, this.offAt[loss], this.offAt[loss] + this.sizeOf(loss));
    const reach = new Uint8Array(this.count);
    reach[loss] = 1;
    return reach;
  }

  /** Points the shared kernel context at node `id`. */
  private load(id: NodeId): Ctx {
    const c = this.ctx, k = this.inCount[id], s = this.inStart[id];
    c.V = this.V;
    c.o = this.offAt[id];
    c.shape = this.shapes[id];
    c.n = sizeOf(c.shape);
    c.attrs = this.attrsAt[id];
    if (c.x.length !== k) c.x.length = c.xn.length = c.xs.length = c.C.length = c.c.length = c.need.length = k;
    for (let j = 0; j < k; j++) {
      const input = this.ins[s + j];
      c.x[j] = this.offAt[input];
      c.xs[j] = this.shapes[input];
      c.xn[j] = sizeOf(c.xs[j]);
    }
    return c;
  }

  private alloc(op: number, shape: Shape, attrs: Attrs, nInputs: number): NodeId {
    const id = this.count++;
    if (id >= this.opAt.length) this.growNodes();
    const n = sizeOf(shape);
    if (this.top + n > this.V.length) {
      const V = new Float64Array(Math.max(this.V.length * 2, this.top + n));
      V.set(this.V.subarray(0, this.top));
      this.V = V;
    }
    if (this.insTop + nInputs > this.ins.length) {
      const ins = new Int32Array(Math.max(this.ins.length * 2, this.insTop + nInputs));
      ins.set(this.ins);
      this.ins = ins;
    }
    this.opAt[id] = op;
    this.offAt[id] = this.top;
    this.inStart[id] = this.insTop;
    this.inCount[id] = nInputs;
    this.tAt[id] = this.curT;
    this.scopeAt[id] = this.curScope;
    this.srcAt[id] = this.curSrc;
    this.shapes[id] = shape;
    this.attrsAt[id] = attrs;
    this.top += n;
    this.insTop += nInputs;
    return id as NodeId;
  }

  private growNodes(): void {
    const cap = this.opAt.length * 2;
    const grow = <T extends Uint8Array | Int32Array>(a: T): T => {
      const b = new (a.constructor as { new (n: number): T })(cap);
      b.set(a);
      return b;
    };
    this.opAt = grow(this.opAt);
    this.offAt = grow(this.offAt);
    this.inStart = grow(this.inStart);
    this.inCount = grow(this.inCount);
    this.tAt = grow(this.tAt);
    this.scopeAt = grow(this.scopeAt);
    this.srcAt = grow(this.srcAt);
    this.grad = grow(this.grad);
  }
}
