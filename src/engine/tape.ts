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
import type { WasmMemory } from './wasmKernels';
import { growWasmMemory, PAGE_BYTES, wasmMemory } from './wasmKernels';

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
  /**
   * false keeps values and gradients in plain Float64Arrays, so matrix products run in the JS
   * loops; by default a tape of WASM_FROM to WASM_UNTIL values keeps them in a WebAssembly
   * memory, where they run in SIMD kernels (same rounding per product and sum, other order of
   * the sums).
   */
  wasm?: boolean;
}

/** Values (64 KiB) at which a tape moves into WebAssembly memory. */
export const WASM_FROM = 8192;
/**
 * Values (4 MiB) past which a tape leaves WebAssembly memory. A wasm memory is always fresh pages
 * from the OS, while large typed arrays reuse the allocator's pages; on this project's machine a
 * first touch costs up to ~17 us a page, and a new 13 MB tape in wasm memory (the min-char-rnn
 * trace) took 110-150 ms instead of 30-60. Its matrix products (H = 100) gain less than that.
 */
export const WASM_UNTIL = 1 << 19;

const OP_DEFS: readonly OpDef[] = OP_NAMES.map((k) => OPS[k]);
/** Each op's index in OP_DEFS, which is what the tape stores. */
export const OP_ID = Object.fromEntries(OP_NAMES.map((k, i) => [k, i])) as Record<OpName, number>;
const UNARY = OP_DEFS.map((d) => d.unaryRule);
const BINARY = OP_DEFS.map((d) => d.binaryRule);
const SCALARS = OP_DEFS.map((d) => d.scalar);

/**
 * Read access to all gradients of one backward pass. The tape reuses its gradient buffer, so this
 * object is valid until the next backward() or reset(); reading it later throws instead of
 * returning another pass's numbers.
 */
export class Gradients {
  /** `G` gives the buffer now: a tape in wasm memory gets a new one when it grows */
  constructor(private readonly tape: Tape, private readonly G: () => Float64Array, private readonly generation: number | null) {}
  get(id: NodeId): Tensor {
    this.check();
    const o = this.tape.offsetOf(id);
    return { shape: this.tape.shapeOf(id), data: this.G().slice(o, o + this.tape.sizeOf(id)) };
  }
  scalar(id: NodeId): number {
    this.check();
    return this.G()[this.tape.offsetOf(id)];
  }
  private check(): void {
    if (this.generation !== null && this.generation !== this.tape.generation) throw new Error('these gradients are stale: backward() or reset() ran again on their tape');
  }
}

export class Tape {
  readonly reluAtZero: number;
  private V = new Float64Array(1024);
  private top = 0;
  private count = 0;
  private opAt = new Uint8Array(256);
  private offAt = new Int32Array(256);
  private sizeAt = new Int32Array(256);
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
  /** bumped by every backward() and reset(): Gradients of an older generation refuse to be read */
  generation = 0;
  private gradBuf = new Float64Array(0);
  /** values and gradients in one WebAssembly memory (values, then gradients), once large */
  private wasm: WasmMemory | null = null;
  private wasmAllowed: boolean;
  private reachBuf = new Uint8Array(0);
  private curT = -1;
  private curScope = 0;
  private curSrc = -1;
  private readonly ctx: Ctx;
  /** reused shape lists for shape inference of one- and two-input ops */
  private readonly xs1: Shape[] = [SCALAR];
  private readonly xs2: Shape[] = [SCALAR, SCALAR];

  constructor(opts: TapeOptions = {}) {
    this.reluAtZero = opts.reluAtZero ?? 0;
    this.wasmAllowed = opts.wasm ?? true;
    this.ctx = {
      V: this.V, nx: 0, o: 0, n: 0, shape: SCALAR, x: [], xs: [], attrs: NO_ATTRS, relu0: this.reluAtZero,
      G: this.V, g: 0, C: [], c: [], need: [],
    };
  }

  /** Forget every node but keep the memory, for running the same model again. */
  reset(): void {
    this.generation++;
    this.top = this.count = this.insTop = 0;
    // shapes and attrs are overwritten in place: no regrowth, no garbage (an empty Map's clear()
    // would still allocate a new table, and a length store is a runtime call: only when needed)
    if (this.srcs.length) this.srcs.length = 0;
    if (this.names.size) this.names.clear();
    this.curT = this.curSrc = -1;
    this.curScope = 0;
  }

  get size(): number {
    return this.count;
  }

  /** Whether values and gradients live in WebAssembly memory (see TapeOptions.wasm). */
  get inWasm(): boolean {
    return this.wasm !== null;
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

  leaf(kind: 'param' | 'const', t: Tensor | number, name?: string): NodeId {
    const id = this.alloc(OP_ID[kind], typeof t === 'number' ? SCALAR : t.shape, NO_ATTRS, 0);
    const o = this.offAt[id];
    if (typeof t === 'number') this.V[o] = t;
    else if (t.data.length > 64) this.V.set(t.data, o);
    else for (let i = 0; i < t.data.length; i++) this.V[o + i] = t.data[i]; // a short loop beats set()'s call
    this.grad[id] = kind === 'param' ? 1 : 0;
    if (name !== undefined) this.names.set(id, name);
    return id;
  }

  /** Adds a node for `op` on `inputs` and computes its value. */
  apply(op: OpName, inputs: readonly NodeId[], attrs: Attrs = NO_ATTRS): NodeId {
    const k = OP_ID[op];
    if (inputs.length === 1) return this.op1(k, inputs[0], attrs);
    if (inputs.length === 2) return this.op2(k, inputs[0], inputs[1], attrs);
    const def = OP_DEFS[k];
    if (def.arity >= 0 && inputs.length !== def.arity) throw new Error(`${op}: expects ${def.arity} input(s), got ${inputs.length}`);
    const id = this.alloc(k, def.shape(inputs.map((i) => this.shapes[i]), attrs, op), attrs, inputs.length);
    let g = 0;
    for (let j = 0; j < inputs.length; j++) {
      this.ins[this.inStart[id] + j] = inputs[j];
      g |= this.grad[inputs[j]];
    }
    this.grad[id] = g;
    def.forward(this.load(id));
    return id;
  }

  /** One-input op by index: no allocation, and scalars run the op's scalar rule directly. */
  protected op1(k: number, a: NodeId, attrs: Attrs = NO_ATTRS): NodeId {
    const sc = SCALARS[k];
    if (sc !== undefined && attrs === NO_ATTRS && UNARY[k] !== undefined && this.shapes[a].length === 0) {
      // a 0-d input of an op with scalar code: no shape rule or context to consult
      const id = this.alloc(k, SCALAR, NO_ATTRS, 1);
      this.ins[this.inStart[id]] = a;
      this.grad[id] = this.grad[a];
      sc.forward(this.V, this.offAt[id], this.offAt[a], 0);
      return id;
    }
    const def = OP_DEFS[k];
    if (def.arity !== 1 && def.arity !== -1) throw new Error(`${OP_NAMES[k]}: expects ${def.arity} input(s), got 1`);
    this.xs1[0] = this.shapes[a];
    const id = this.alloc(k, def.shape(this.xs1, attrs, OP_NAMES[k]), attrs, 1);
    this.ins[this.inStart[id]] = a;
    this.grad[id] = this.grad[a];
    const rule = UNARY[k];
    if (this.sizeAt[id] !== 1 || !rule) def.forward(this.load(id));
    else if (sc) sc.forward(this.V, this.offAt[id], this.offAt[a], 0);
    else this.V[this.offAt[id]] = rule.f(this.V[this.offAt[a]]);
    return id;
  }

  /** Two-input op by index: no allocation, and scalars run the op's scalar rule directly. */
  protected op2(k: number, a: NodeId, b: NodeId, attrs: Attrs = NO_ATTRS): NodeId {
    const sc = SCALARS[k];
    if (sc !== undefined && attrs === NO_ATTRS && BINARY[k] !== undefined && this.shapes[a].length === 0 && this.shapes[b].length === 0) {
      const id = this.alloc(k, SCALAR, NO_ATTRS, 2);
      const s = this.inStart[id];
      this.ins[s] = a;
      this.ins[s + 1] = b;
      this.grad[id] = this.grad[a] | this.grad[b];
      sc.forward(this.V, this.offAt[id], this.offAt[a], this.offAt[b]);
      return id;
    }
    const def = OP_DEFS[k];
    if (def.arity !== 2 && def.arity !== -1) throw new Error(`${OP_NAMES[k]}: expects ${def.arity} input(s), got 2`);
    this.xs2[0] = this.shapes[a];
    this.xs2[1] = this.shapes[b];
    const id = this.alloc(k, def.shape(this.xs2, attrs, OP_NAMES[k]), attrs, 2);
    const s = this.inStart[id];
    this.ins[s] = a;
    this.ins[s + 1] = b;
    this.grad[id] = this.grad[a] | this.grad[b];
    const rule = BINARY[k];
    if (this.sizeAt[id] !== 1 || !rule) def.forward(this.load(id));
    else if (sc) sc.forward(this.V, this.offAt[id], this.offAt[a], this.offAt[b]);
    else this.V[this.offAt[id]] = rule.f(this.V[this.offAt[a]], this.V[this.offAt[b]]);
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
    return this.sizeAt[id];
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
    if (this.gradBuf.length < this.top) this.growGradients(Math.max(this.top, 2 * this.gradBuf.length));
    if (this.reachBuf.length < this.count) this.reachBuf = new Uint8Array(Math.max(this.count, 2 * this.reachBuf.length));
    const G = this.gradBuf.fill(0, 0, this.top);
    const reach = this.seed(loss, G, this.reachBuf.fill(0, 0, this.count));
    const V = this.V, off = this.offAt, ins = this.ins, r = this.reluAtZero;
    for (let id = loss as number; id >= 0; id--) {
      if (!reach[id] || !this.grad[id]) continue;
      const k = this.opAt[id], s = this.inStart[id];
      if (this.sizeAt[id] === 1 && (UNARY[k] || BINARY[k])) {
        // scalar node of an elementwise op: its scalar rule, straight on the arena
        const o = off[id], g = G[o], a = ins[s], oa = off[a];
        reach[a] = 1;
        const u = UNARY[k], sc = SCALARS[k];
        if (sc) {
          const b = u ? a : ins[s + 1];
          reach[b] = 1;
          sc.backward(V, G, o, oa, off[b], r);
        } else if (u) {
          G[oa] += g * u.d(V[oa], V[o], r);
        } else {
          const rule = BINARY[k]!, b = ins[s + 1], ob = off[b];
          reach[b] = 1;
          const x = V[oa], y = V[ob], z = V[o];
          G[oa] += g * rule.da(x, y, z, r);
          G[ob] += g * rule.db(x, y, z, r);
        }
        continue;
      }
      const def = OP_DEFS[k];
      if (def.arity === 0) continue;
      const c = this.load(id as NodeId);
      c.G = G;
      c.g = off[id];
      for (let j = 0; j < c.nx; j++) {
        const input = ins[s + j];
        c.C[j] = G;
        c.c[j] = off[input];
        c.need[j] = this.grad[input] === 1;
        reach[input] = 1;
      }
      def.backward(c);
    }
    return new Gradients(this, () => this.gradBuf, ++this.generation);
  }

  /** The backward pass one node at a time, in reverse topological order, with each contribution. */
  *backwardSteps(loss: NodeId): Generator<BackwardStep, Gradients> {
    const G = new Float64Array(this.top);
    const reach = this.seed(loss, G, new Uint8Array(this.count));
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
    return new Gradients(this, () => G, null); // its own buffer: never overwritten
  }

  /**
   * The node's backward rule run with upstream gradient 1: per input, the sum of the rows of the
   * local Jacobian. For a scalar node that is d(node)/d(input), the factor the explainer shows.
   */
  localGradients(id: NodeId): Tensor[] {
    const def = OP_DEFS[this.opAt[id]];
    const inputs = this.inputsOf(id);
    const c = this.load(id);
    c.G = new Float64Array(this.sizeAt[id]).fill(1);
    c.g = 0;
    const bufs = inputs.map((input, k) => {
      const buf = new Float64Array(this.sizeAt[input]);
      c.C[k] = buf;
      c.c[k] = 0;
      c.need[k] = true;
      return buf;
    });
    if (def.arity !== 0) def.backward(c);
    return inputs.map((input, k) => ({ shape: this.shapes[input], data: bufs[k] }));
  }

  /** The smallest distance of the inputs of any node up to `loss` from a kink of its op. */
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

  private seed(loss: NodeId, G: Float64Array, reach: Uint8Array): Uint8Array {
    if (!(loss >= 0 && loss < this.count)) throw new Error(`backward: node ${loss} is not on this tape`);
    G.fill(1, this.offAt[loss], this.offAt[loss] + this.sizeOf(loss));
    reach[loss] = 1;
    return reach;
  }

  /** Points the shared kernel context at node `id` (its arrays only ever grow). */
  private load(id: NodeId): Ctx {
    const c = this.ctx, k = this.inCount[id], s = this.inStart[id];
    c.V = this.V;
    c.o = this.offAt[id];
    c.shape = this.shapes[id];
    c.n = this.sizeAt[id];
    c.attrs = this.attrsAt[id];
    c.nx = k;
    for (let j = 0; j < k; j++) {
      const input = this.ins[s + j];
      c.x[j] = this.offAt[input];
      c.xs[j] = this.shapes[input];
    }
    return c;
  }

  private alloc(op: number, shape: Shape, attrs: Attrs, nInputs: number): NodeId {
    const id = this.count++;
    if (id >= this.opAt.length) this.growNodes();
    const n = shape.length === 0 ? 1 : sizeOf(shape);
    if (this.top + n > this.V.length) this.growValues(Math.max(this.V.length * 2, this.top + n));
    if (this.insTop + nInputs > this.ins.length) {
      const ins = new Int32Array(Math.max(this.ins.length * 2, this.insTop + nInputs));
      ins.set(this.ins);
      this.ins = ins;
    }
    this.opAt[id] = op;
    this.offAt[id] = this.top;
    this.sizeAt[id] = n;
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

  /**
   * Room for `cap` values, keeping the values so far and the last gradients (a Gradients object
   * still current reads them). Between WASM_FROM and WASM_UNTIL values both live in a WebAssembly
   * memory laid out as [values | gradients]; growing it moves the gradients up behind the new
   * values. Past WASM_UNTIL the tape goes back to plain arrays for good.
   */
  private growValues(cap: number): void {
    if (this.wasm && cap <= WASM_UNTIL) return this.placeInWasm(cap, this.gradBuf.length);
    if (!this.wasm && this.wasmAllowed && cap >= WASM_FROM && cap <= WASM_UNTIL) {
      const w = wasmMemory(Math.ceil(((cap + this.gradBuf.length) * 8) / PAGE_BYTES));
      if (w) {
        this.wasm = w;
        const V = new Float64Array(w.memory.buffer, 0, cap), G = new Float64Array(w.memory.buffer, cap * 8, this.gradBuf.length);
        V.set(this.V.subarray(0, this.top));
        G.set(this.gradBuf);
        this.V = V;
        this.gradBuf = G;
        return;
      }
    }
    if (this.wasm) {
      // leaving wasm memory: the gradients come along into an array of their own
      this.gradBuf = this.gradBuf.slice();
      this.wasm = null;
      this.wasmAllowed = false;
    }
    const V = new Float64Array(cap);
    V.set(this.V.subarray(0, this.top));
    this.V = V;
  }

  /** Room for `n` gradients (allocated at the first backward pass, as large as the tape then). */
  private growGradients(n: number): void {
    if (this.wasm) this.placeInWasm(this.V.length, n);
    else this.gradBuf = new Float64Array(n);
  }

  /**
   * The wasm memory as values [0, cap) and gradients [cap, cap + gLen): grown to fit (which
   * replaces its buffer, so both views are made again), the gradients moved if `cap` changed.
   */
  private placeInWasm(cap: number, gLen: number): void {
    const w = this.wasm!, oldCap = this.V.length, oldG = this.gradBuf.length;
    growWasmMemory(w, Math.ceil(((cap + gLen) * 8) / PAGE_BYTES));
    const buf = w.memory.buffer;
    if (cap !== oldCap && oldG > 0) new Float64Array(buf).copyWithin(cap, oldCap, oldCap + Math.min(oldG, gLen));
    this.V = new Float64Array(buf, 0, cap);
    this.gradBuf = new Float64Array(buf, cap * 8, gLen);
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
    this.sizeAt = grow(this.sizeAt);
    this.inStart = grow(this.inStart);
    this.inCount = grow(this.inCount);
    this.tAt = grow(this.tAt);
    this.scopeAt = grow(this.scopeAt);
    this.srcAt = grow(this.srcAt);
    this.grad = grow(this.grad);
  }
}
