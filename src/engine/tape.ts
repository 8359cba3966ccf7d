/**
 * The tape: values in one float64 arena, every node a record of four Int32s (op and flags, offset,
 * inputs) and its metadata in runs, with no object per node, so long sequences cost no garbage
 * collection. Nodes are created in topological order, so the backward pass is a plain reverse
 * loop: no recursion.
 */
import type { Attrs, Ctx, OpDef, ScalarLoops } from './opDef';
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
   * loops; by default a tape of WASM_FROM to WASM_UNTIL values (up to WASM_REUSED_UNTIL once it
   * is reset and run again) keeps them in a WebAssembly memory, where they run in SIMD kernels
   * (same rounding per product and sum, other order of the sums).
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
/**
 * Values (16 MiB) up to which a tape that is reset and run again moves into WebAssembly memory
 * when it left it (or never entered it) while growing: the same model run again (a training loop,
 * the benchmark) touches those pages once and then reuses them every run, as its arrays would.
 */
export const WASM_REUSED_UNTIL = 1 << 21;

const OP_DEFS: readonly OpDef[] = OP_NAMES.map((k) => OPS[k]);
/** Each op's index in OP_DEFS, which is what the tape stores. */
export const OP_ID = Object.fromEntries(OP_NAMES.map((k, i) => [k, i])) as Record<OpName, number>;
const UNARY = OP_DEFS.map((d) => d.unaryRule);
const BINARY = OP_DEFS.map((d) => d.binaryRule);
const SCALARS = OP_DEFS.map((d) => d.scalar);
const PARAM = OP_ID.param, CONST = OP_ID.const;
/**
 * The scalar RNN's ops (the hot ops), which one-number nodes reach by the shortest path (scalar1,
 * scalar2): two per arity, each op's scalar code called from a call site of its own. While mul
 * and add shared one call site, V8 called their code through its generic Call builtin; with a site
 * each it inlines it (seen with --trace-turbo-inlining; callgrind: W1 -8 % instructions). The ops
 * and their code are module constants: looking them up in arrays indexed by op cost a load, a map
 * check and a bounds check per node (callgrind: W1 -5 % for the ops, -6 % for the code). Other
 * ops with scalar code (sub) run the same code from op1Shaped/op2Shaped; the code itself stays in
 * the op table.
 */
const HOT1_A = OP_ID.relu, HOT1_B = OP_ID.tanh;
const HOT2_A = OP_ID.mul, HOT2_B = OP_ID.add;
const FWD1_A = scalarCode(HOT1_A), FWD1_B = scalarCode(HOT1_B), FWD2_A = scalarCode(HOT2_A), FWD2_B = scalarCode(HOT2_B);

function scalarCode(k: number): ScalarLoops['forward'] {
  const sc = OP_DEFS[k].scalar;
  if (!sc) throw new Error(`${OP_NAMES[k]} is on the scalar path but has no scalar code`);
  return sc.forward;
}

/*
 * A node is four Int32s in one array (see Tape.rec): its flags, the offset of its values in V, and
 * its inputs. The flags pack the op index (bits 0-7), whether a gradient flows to the node, whether
 * it is 0-d (its shape is SCALAR, not stored), whether it has attrs (else NO_ATTRS, not stored),
 * how many inputs it has (0-2 are in the record; MANY means ins[in0 ..] holds in1 of them),
 * whether it has a name and whether its local derivatives are in D. Field f of node id is
 * rec[(id << SHIFT) | f], and D is indexed by id << 1: with R * id + f and 2 * id, V8 checked each
 * product and sum for int32 overflow, and the W1 bench's scalar RNN took ~25 % longer.
 */
const SHIFT = 2;
/** Int32s per record */
const R = 1 << SHIFT;
const OFF = 1, IN0 = 2, IN1 = 3;
const OP_MASK = 0xff;
const NEEDS_GRAD = 1 << 8;
const IS_SCALAR = 1 << 9;
const HAS_ATTRS = 1 << 10;
const HAS_NAME = 1 << 13;
/** the node's local derivatives are in D (its op's scalar code wrote them with its value) */
const LOCALS = 1 << 14;
const NIN_SHIFT = 11;
const ONE_INPUT = 1 << NIN_SHIFT, TWO_INPUTS = 2 << NIN_SHIFT, MANY = 3;
if (OP_DEFS.length > OP_MASK + 1) throw new Error(`the tape's flags hold ${OP_MASK + 1} op indices, the table has ${OP_DEFS.length} ops`);

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
  /**
   * Node id's record is rec[id << SHIFT .. (id + 1) << SHIFT): flags, offset, first and second
   * input (see R).
   * Its values are V[offset(id) .. offset(id + 1)): alloc writes the next record's offset.
   */
  private rec = new Int32Array(R * 256);
  /**
   * D[2 id], D[2 id + 1] (written D[id << 1], D[(id << 1) | 1]): the local derivatives of a
   * one-number node of an op with scalar code (flag LOCALS), written by the forward pass, so that
   * backward() multiplies instead of calling.
   */
  private D = new Float64Array(2 * 256);
  /** inputs of nodes with more than two (MANY) */
  private ins = new Int32Array(64);
  private insTop = 0;
  /** shapes of the nodes that are not 0-d and attrs of the nodes that have any (the flags say which entries are current) */
  private shapes: Shape[] = [];
  private attrsAt: Attrs[] = [];
  /** names of the leaves that have one (HAS_NAME says which entries are current) */
  private readonly names: string[] = [];
  private readonly scopes: string[] = [''];
  private readonly scopeIds = new Map<string, number>([['', 0]]);
  private readonly srcs: SourceRange[] = [];
  /**
   * Metadata as runs of nodes, in columns: run r starts at node runStart[r] and stamps its nodes
   * with time step runT[r] (-1: none), scope index runScope[r] and source index runSrc[r] (-1: none).
   */
  private readonly runStart: number[] = [0];
  private readonly runT: number[] = [-1];
  private readonly runScope: number[] = [0];
  private readonly runSrc: number[] = [-1];
  private runs = 1;
  /** bumped by every backward() and reset(): Gradients of an older generation refuse to be read */
  generation = 0;
  private gradBuf = new Float64Array(0);
  /** values and gradients in one WebAssembly memory (values, then gradients), once large */
  private wasm: WasmMemory | null = null;
  /** whether the tape may use WebAssembly memory at all (TapeOptions.wasm) */
  private readonly wasmWanted: boolean;
  /** whether growing may move the tape into wasm memory (not after it left it; reset() may move it back) */
  private wasmAllowed: boolean;
  private reachBuf = new Uint8Array(0);
  private readonly ctx: Ctx;
  /** reused shape lists for shape inference of one- and two-input ops */
  private readonly xs1: Shape[] = [SCALAR];
  private readonly xs2: Shape[] = [SCALAR, SCALAR];

  constructor(opts: TapeOptions = {}) {
    this.reluAtZero = opts.reluAtZero ?? 0;
    this.wasmWanted = this.wasmAllowed = opts.wasm ?? true;
    this.ctx = {
      V: this.V, nx: 0, o: 0, n: 0, shape: SCALAR, x: [], xs: [], attrs: NO_ATTRS, relu0: this.reluAtZero,
      G: this.V, g: 0, C: [], c: [], need: [],
    };
  }

  /**
   * Forget every node but keep the memory, for running the same model again (a tape that had
   * outgrown WASM_UNTIL moves into WebAssembly memory here: see WASM_REUSED_UNTIL).
   */
  reset(): void {
    this.generation++;
    this.top = this.count = this.insTop = 0;
    // shapes, attrs and names are overwritten in place (the flags say which entries are current):
    // no regrowth, no garbage (a length store is a runtime call: only when needed)
    if (this.srcs.length) this.srcs.length = 0;
    this.runs = 1;
    this.runT[0] = this.runSrc[0] = -1;
    this.runScope[0] = 0;
    const cap = this.V.length;
    if (!this.wasm && this.wasmWanted && cap > WASM_UNTIL && cap <= WASM_REUSED_UNTIL) this.moveIntoWasm(cap);
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
    return this.metaOfRun(this.runs - 1);
  }

  /** Metadata stamped on the nodes created from now on; undefined fields are cleared. */
  setMeta(meta: { t?: number; scope?: string; src?: SourceRange }): void {
    const t = meta.t ?? -1;
    const s = meta.scope ?? '';
    let scope = this.scopeIds.get(s);
    if (scope === undefined) this.scopeIds.set(s, (scope = this.scopes.push(s) - 1));
    const src = meta.src ? this.srcs.push(meta.src) - 1 : -1;
    let r = this.runs - 1;
    if (t === this.runT[r] && scope === this.runScope[r] && src === this.runSrc[r]) return;
    // a run without nodes yet is replaced, so runs stay sorted by their first node
    if (this.runStart[r] !== this.count) r = this.runs++;
    this.runStart[r] = this.count;
    this.runT[r] = t;
    this.runScope[r] = scope;
    this.runSrc[r] = src;
  }

  leaf(kind: 'param' | 'const', t: Tensor | number, name?: string): NodeId {
    const flags = kind === 'param' ? PARAM | NEEDS_GRAD : CONST;
    let id: number;
    if (typeof t === 'number') {
      id = this.place(flags | IS_SCALAR, 1);
      this.V[this.top - 1] = t;
    } else {
      id = this.alloc(flags, t.shape, NO_ATTRS);
      const o = this.rec[(id << SHIFT) | OFF];
      if (t.data.length > 64) this.V.set(t.data, o);
      else for (let i = 0; i < t.data.length; i++) this.V[o + i] = t.data[i]; // a short loop beats set()'s call
    }
    if (name !== undefined) {
      this.names[id] = name;
      this.rec[id << SHIFT] |= HAS_NAME;
    }
    return id as NodeId;
  }

  /** Adds a node for `op` on `inputs` and computes its value. */
  apply(op: OpName, inputs: readonly NodeId[], attrs: Attrs = NO_ATTRS): NodeId {
    const k = OP_ID[op];
    if (inputs.length === 1) return this.op1(k, inputs[0], attrs);
    if (inputs.length === 2) return this.op2(k, inputs[0], inputs[1], attrs);
    const def = OP_DEFS[k];
    if (def.arity >= 0 && inputs.length !== def.arity) throw new Error(`${op}: expects ${def.arity} input(s), got ${inputs.length}`);
    let g = 0;
    for (const input of inputs) g |= this.rec[input << SHIFT] & NEEDS_GRAD;
    const many = inputs.length > 0 ? MANY << NIN_SHIFT : 0;
    const id = this.alloc(k | g | many, def.shape(inputs.map((i) => this.shapeOf(i)), attrs, op), attrs);
    if (many) {
      if (this.insTop + inputs.length > this.ins.length) this.growInputs(this.insTop + inputs.length);
      this.rec[(id << SHIFT) | IN0] = this.insTop;
      this.rec[(id << SHIFT) | IN1] = inputs.length;
      for (const input of inputs) this.ins[this.insTop++] = input;
    }
    def.forward(this.load(id));
    return id;
  }

  /** One-input op by index: no allocation, and scalars run the op's scalar rule directly. */
  protected op1(k: number, a: NodeId, attrs: Attrs = NO_ATTRS): NodeId {
    if (attrs === NO_ATTRS) {
      const id = this.scalar1(k, a);
      if (id >= 0) return id as NodeId;
    }
    return this.op1Shaped(k, a, attrs);
  }

  /** The node for elementwise op `k` on a 0-d input through the op's scalar code; -1 (and no node) otherwise. */
  private scalar1(k: number, a: NodeId): number {
    const fa = this.rec[a << SHIFT];
    if ((k !== HOT1_A && k !== HOT1_B) || !(fa & IS_SCALAR)) return -1;
    // no shape rule or context to consult (small enough for V8 to inline into Graph's methods)
    const id = this.place(k | (fa & NEEDS_GRAD) | ONE_INPUT | IS_SCALAR | LOCALS, 1);
    const rec = this.rec;
    rec[(id << SHIFT) | IN0] = a;
    const V = this.V, D = this.D, o = rec[(id << SHIFT) | OFF], oa = rec[(a << SHIFT) | OFF], d = id << 1, r0 = this.reluAtZero;
    // a call site per op (see HOT1_A above)
    if (k === HOT1_A) FWD1_A(V, o, oa, 0, D, d, r0);
    else FWD1_B(V, o, oa, 0, D, d, r0);
    return id;
  }

  /** op1 through the op's shape rule and forward. */
  private op1Shaped(k: number, a: NodeId, attrs: Attrs): NodeId {
    const fa = this.rec[a << SHIFT];
    const def = OP_DEFS[k];
    if (def.arity !== 1 && def.arity !== -1) throw new Error(`${OP_NAMES[k]}: expects ${def.arity} input(s), got 1`);
    this.xs1[0] = this.shapeOf(a);
    const id = this.alloc(k | (fa & NEEDS_GRAD) | ONE_INPUT, def.shape(this.xs1, attrs, OP_NAMES[k]), attrs);
    const rec = this.rec, o = rec[(id << SHIFT) | OFF], oa = rec[(a << SHIFT) | OFF];
    rec[(id << SHIFT) | IN0] = a;
    const rule = UNARY[k], sc = SCALARS[k];
    if (this.top - o !== 1 || !rule) def.forward(this.load(id));
    else if (sc) {
      sc.forward(this.V, o, oa, 0, this.D, id << 1, this.reluAtZero);
      rec[id << SHIFT] |= LOCALS;
    } else this.V[o] = rule.f(this.V[oa]);
    return id;
  }

  /** Two-input op by index: no allocation, and scalars run the op's scalar rule directly. */
  protected op2(k: number, a: NodeId, b: NodeId, attrs: Attrs = NO_ATTRS): NodeId {
    if (attrs === NO_ATTRS) {
      const id = this.scalar2(k, a, b);
      if (id >= 0) return id as NodeId;
    }
    return this.op2Shaped(k, a, b, attrs);
  }

  /** op2 through the op's shape rule and forward (what op2 does once scalar2 has said no). */
  protected op2Shaped(k: number, a: NodeId, b: NodeId, attrs: Attrs): NodeId {
    const def = OP_DEFS[k];
    if (def.arity !== 2 && def.arity !== -1) throw new Error(`${OP_NAMES[k]}: expects ${def.arity} input(s), got 2`);
    this.xs2[0] = this.shapeOf(a);
    this.xs2[1] = this.shapeOf(b);
    const g = (this.rec[a << SHIFT] | this.rec[b << SHIFT]) & NEEDS_GRAD;
    const id = this.alloc(k | g | TWO_INPUTS, def.shape(this.xs2, attrs, OP_NAMES[k]), attrs);
    const rec = this.rec, o = rec[(id << SHIFT) | OFF];
    rec[(id << SHIFT) | IN0] = a;
    rec[(id << SHIFT) | IN1] = b;
    const rule = BINARY[k], sc = SCALARS[k];
    if (this.top - o !== 1 || !rule) def.forward(this.load(id));
    else if (sc) {
      sc.forward(this.V, o, rec[(a << SHIFT) | OFF], rec[(b << SHIFT) | OFF], this.D, id << 1, this.reluAtZero);
      rec[id << SHIFT] |= LOCALS;
    } else this.V[o] = rule.f(this.V[rec[(a << SHIFT) | OFF]], this.V[rec[(b << SHIFT) | OFF]]);
    return id;
  }

  /**
   * The node for elementwise op `k` on two 0-d inputs, through the op's scalar code; -1 (and no
   * node) when the op has none or an input is not 0-d. Graph's broadcasting tries it first.
   */
  protected scalar2(k: number, a: NodeId, b: NodeId): number {
    const fa = this.rec[a << SHIFT], fb = this.rec[b << SHIFT];
    if ((k !== HOT2_A && k !== HOT2_B) || !(fa & fb & IS_SCALAR)) return -1;
    const id = this.place(k | ((fa | fb) & NEEDS_GRAD) | TWO_INPUTS | IS_SCALAR | LOCALS, 1);
    const rec = this.rec, r = id << SHIFT;
    rec[r | IN0] = a;
    rec[r | IN1] = b;
    const V = this.V, D = this.D, o = rec[r | OFF], oa = rec[(a << SHIFT) | OFF], ob = rec[(b << SHIFT) | OFF], d = id << 1, r0 = this.reluAtZero;
    // a call site per op (see HOT1_A above)
    if (k === HOT2_A) FWD2_A(V, o, oa, ob, D, d, r0);
    else FWD2_B(V, o, oa, ob, D, d, r0);
    return id;
  }

  value(id: NodeId): Tensor {
    return { shape: this.shapeOf(id), data: this.V.slice(this.rec[(id << SHIFT) | OFF], this.rec[((id + 1) << SHIFT) | OFF]) };
  }
  scalar(id: NodeId): number {
    return this.V[this.rec[(id << SHIFT) | OFF]];
  }
  shapeOf(id: NodeId): Shape {
    return this.rec[id << SHIFT] & IS_SCALAR ? SCALAR : this.shapes[id];
  }
  offsetOf(id: NodeId): number {
    return this.rec[(id << SHIFT) | OFF];
  }
  sizeOf(id: NodeId): number {
    return this.rec[((id + 1) << SHIFT) | OFF] - this.rec[(id << SHIFT) | OFF];
  }
  opOf(id: NodeId): OpName {
    return OP_NAMES[this.rec[id << SHIFT] & OP_MASK];
  }
  inputsOf(id: NodeId): NodeId[] {
    const out: NodeId[] = [];
    for (let j = 0, n = this.inputCount(id); j < n; j++) out.push(this.inputAt(id, j));
    return out;
  }
  /** Whether a gradient flows to the node (a parameter, or an op with such an input). */
  needsGrad(id: NodeId): boolean {
    return (this.rec[id << SHIFT] & NEEDS_GRAD) !== 0;
  }
  private inputCount(id: number): number {
    const n = (this.rec[id << SHIFT] >> NIN_SHIFT) & 3;
    return n === MANY ? this.rec[(id << SHIFT) | IN1] : n;
  }
  private inputAt(id: number, j: number): NodeId {
    const r = id << SHIFT;
    return ((((this.rec[r] >> NIN_SHIFT) & 3) === MANY ? this.ins[this.rec[r | IN0] + j] : this.rec[r + IN0 + j]) as NodeId);
  }
  private attrsOf(id: number): Attrs {
    return this.rec[id << SHIFT] & HAS_ATTRS ? this.attrsAt[id] : NO_ATTRS;
  }
  private metaOfRun(r: number): { t?: number; scope?: string; src?: SourceRange } {
    const t = this.runT[r], scope = this.runScope[r], src = this.runSrc[r];
    return {
      ...(t >= 0 ? { t } : {}),
      ...(scope > 0 ? { scope: this.scopes[scope] } : {}),
      ...(src >= 0 ? { src: this.srcs[src] } : {}),
    };
  }

  node(id: NodeId): TapeNode {
    const n: TapeNode = {
      id, op: this.opOf(id), inputs: this.inputsOf(id), shape: this.shapeOf(id), value: this.value(id), attrs: this.attrsOf(id),
    };
    if (this.rec[id << SHIFT] & HAS_NAME) n.name = this.names[id];
    // the last run that starts at or before id
    let lo = 0, hi = this.runs - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.runStart[mid] <= id) lo = mid;
      else hi = mid - 1;
    }
    return Object.assign(n, this.metaOfRun(lo));
  }

  /**
   * All gradients of `loss` (of its sum when it is not a scalar). Calling it again gives the same
   * answer. Only nodes on a path to `loss` pass gradients on. A node off every path keeps the 0 it
   * starts with, so a nonzero gradient says the node is on one, and a one-number node with a zero
   * gradient and finite local derivatives would pass on only zeros, which change no sum: only the
   * other nodes ask reachable(), worked out once, when first asked (no mark per node on the scalar
   * RNN's path; W1 T = 100: 4 % fewer instructions per call, callgrind).
   */
  backward(loss: NodeId): Gradients {
    if (this.gradBuf.length < this.top) this.growGradients(Math.max(this.top, 2 * this.gradBuf.length));
    const G = this.gradBuf.fill(0, 0, this.top);
    this.seed(loss, G);
    const V = this.V, rec = this.rec, D = this.D, r0 = this.reluAtZero;
    let reach: Uint8Array | null = null;
    for (let id = loss as number; id >= 0; id--) {
      const r = id << SHIFT, f = rec[r];
      if (!(f & NEEDS_GRAD)) continue;
      const k = f & OP_MASK, o = rec[r | OFF];
      if (f & LOCALS) {
        // a one-number node whose forward pass wrote its local derivatives: no call
        const g = G[o], a = rec[r | IN0], da = D[id << 1];
        const two = f & TWO_INPUTS, db = two ? D[(id << 1) | 1] : 0;
        // 0 * da is NaN for an infinite or NaN da: passed on only from a node on a path to loss
        if (g === 0 && (Number.isFinite(da + db) || !(reach ??= this.reachable(loss))[id])) continue;
        G[rec[(a << SHIFT) | OFF]] += g * da;
        if (two) G[rec[(rec[r | IN1] << SHIFT) | OFF]] += g * db;
        continue;
      }
      // the rules below may give NaN on a zero gradient too, and a tensor's is not checked for zeros
      if ((!(f & IS_SCALAR) || G[o] === 0) && !(reach ??= this.reachable(loss))[id]) continue;
      if (f & IS_SCALAR) {
        // a 0-d node of an elementwise op without scalar code: its rule, straight on the arena
        const a = rec[r | IN0];
        const u = UNARY[k];
        if (u) {
          const oa = rec[(a << SHIFT) | OFF];
          G[oa] += G[o] * u.d(V[oa], V[o], r0);
          continue;
        }
        const rule = BINARY[k];
        if (rule) {
          const b = rec[r | IN1], oa = rec[(a << SHIFT) | OFF], ob = rec[(b << SHIFT) | OFF];
          const g = G[o], x = V[oa], y = V[ob], z = V[o];
          G[oa] += g * rule.da(x, y, z, r0);
          G[ob] += g * rule.db(x, y, z, r0);
          continue;
        }
      }
      const def = OP_DEFS[k];
      if (def.arity === 0) continue;
      const c = this.load(id as NodeId);
      c.G = G;
      c.g = o;
      for (let j = 0; j < c.nx; j++) {
        const input = this.inputAt(id, j);
        c.C[j] = G;
        c.c[j] = c.x[j];
        c.need[j] = (rec[input << SHIFT] & NEEDS_GRAD) !== 0;
      }
      def.backward(c);
    }
    return new Gradients(this, () => this.gradBuf, ++this.generation);
  }

  /**
   * Which nodes lie on a path to `loss` through nodes that need a gradient (the graph alone
   * decides, so it may be worked out in the middle of a backward pass), in `into` or the tape's
   * reused buffer.
   */
  private reachable(loss: number, into?: Uint8Array): Uint8Array {
    if (!into && this.reachBuf.length < this.count) this.reachBuf = new Uint8Array(Math.max(this.count, 2 * this.reachBuf.length));
    const reach = (into ?? this.reachBuf).fill(0, 0, this.count), rec = this.rec;
    reach[loss] = 1;
    for (let id = loss; id >= 0; id--) {
      if (!reach[id] || !(rec[id << SHIFT] & NEEDS_GRAD)) continue;
      for (let j = 0, n = this.inputCount(id); j < n; j++) reach[this.inputAt(id, j)] = 1;
    }
    return reach;
  }

  /** The backward pass one node at a time, in reverse topological order, with each contribution. */
  *backwardSteps(loss: NodeId): Generator<BackwardStep, Gradients> {
    const G = new Float64Array(this.top);
    this.seed(loss, G);
    // its own buffer: backward() may run while this generator is paused
    const reach = this.reachable(loss, new Uint8Array(this.count));
    for (let id = loss as number; id >= 0; id--) {
      const def = OP_DEFS[this.rec[id << SHIFT] & OP_MASK];
      if (!reach[id] || !this.needsGrad(id as NodeId) || def.arity === 0) continue;
      const c = this.load(id as NodeId);
      const o = this.offsetOf(id as NodeId);
      c.G = G;
      c.g = o;
      const inputs = this.inputsOf(id as NodeId);
      const bufs = inputs.map((i) => new Float64Array(this.sizeOf(i)));
      inputs.forEach((input, k) => {
        c.C[k] = bufs[k];
        c.c[k] = 0;
        c.need[k] = this.needsGrad(input);
      });
      const upstream: Tensor = { shape: this.shapeOf(id as NodeId), data: G.slice(o, o + c.n) };
      def.backward(c);
      inputs.forEach((input, k) => {
        const at = this.offsetOf(input);
        for (let i = 0; i < bufs[k].length; i++) G[at + i] += bufs[k][i];
      });
      yield {
        node: this.node(id as NodeId),
        upstream,
        contributions: inputs.map((input, k) => (this.needsGrad(input) ? { shape: this.shapeOf(input), data: bufs[k] } : null)),
      };
    }
    return new Gradients(this, () => G, null); // its own buffer: never overwritten
  }

  /**
   * The node's backward rule run with upstream gradient 1: per input, the sum of the rows of the
   * local Jacobian. For a scalar node that is d(node)/d(input), the factor the explainer shows.
   */
  localGradients(id: NodeId): Tensor[] {
    const def = OP_DEFS[this.rec[id << SHIFT] & OP_MASK];
    const inputs = this.inputsOf(id);
    const c = this.load(id);
    c.G = new Float64Array(this.sizeOf(id)).fill(1);
    c.g = 0;
    const bufs = inputs.map((input, k) => {
      const buf = new Float64Array(this.sizeOf(input));
      c.C[k] = buf;
      c.c[k] = 0;
      c.need[k] = true;
      return buf;
    });
    if (def.arity !== 0) def.backward(c);
    return inputs.map((input, k) => ({ shape: this.shapeOf(input), data: bufs[k] }));
  }

  /** The smallest distance of the inputs of any node up to `loss` from a kink of its op. */
  kinkDistance(loss: NodeId): { distance: number; node?: NodeId } {
    let best: { distance: number; node?: NodeId } = { distance: Infinity };
    for (let id = 0; id <= loss; id++) {
      const kink = OP_DEFS[this.rec[id << SHIFT] & OP_MASK].kink;
      if (!kink) continue;
      const d = kink(this.load(id as NodeId));
      if (d < best.distance) best = { distance: d, node: id as NodeId };
    }
    return best;
  }

  /** dL/dL = 1 in G. */
  private seed(loss: NodeId, G: Float64Array): void {
    if (!(loss >= 0 && loss < this.count)) throw new Error(`backward: node ${loss} is not on this tape`);
    G.fill(1, this.offsetOf(loss), this.offsetOf(loss) + this.sizeOf(loss));
  }

  /** Points the shared kernel context at node `id` (its arrays only ever grow). */
  private load(id: NodeId): Ctx {
    const c = this.ctx, k = this.inputCount(id);
    c.V = this.V;
    c.o = this.offsetOf(id);
    c.shape = this.shapeOf(id);
    c.n = this.sizeOf(id);
    c.attrs = this.attrsOf(id);
    c.nx = k;
    for (let j = 0; j < k; j++) {
      const input = this.inputAt(id, j);
      c.x[j] = this.offsetOf(input);
      c.xs[j] = this.shapeOf(input);
    }
    return c;
  }

  /**
   * A node of `n` values with `flags` (op index, NEEDS_GRAD, IS_SCALAR, HAS_ATTRS, input count):
   * its record and its room in the arena; the caller writes its inputs (and its value).
   */
  private place(flags: number, n: number): number {
    const id = this.count++;
    if ((id + 2) << SHIFT > this.rec.length) this.growNodes();
    const top = this.top + n;
    if (top > this.V.length) this.growValues(Math.max(this.V.length * 2, top));
    this.rec[id << SHIFT] = flags;
    this.rec[((id + 1) << SHIFT) | OFF] = this.top = top;
    return id;
  }

  /** A node of shape `shape`: place() with its shape and attrs kept when they are not implied. */
  private alloc(flags: number, shape: Shape, attrs: Attrs): NodeId {
    const scalar = shape.length === 0;
    const id = this.place(flags | (scalar ? IS_SCALAR : 0) | (attrs !== NO_ATTRS ? HAS_ATTRS : 0), scalar ? 1 : sizeOf(shape));
    if (!scalar) this.shapes[id] = shape;
    if (attrs !== NO_ATTRS) this.attrsAt[id] = attrs;
    return id as NodeId;
  }

  /**
   * Room for `cap` values, keeping the values so far and the last gradients (a Gradients object
   * still current reads them). Between WASM_FROM and WASM_UNTIL values both live in a WebAssembly
   * memory laid out as [values | gradients]; growing it moves the gradients up behind the new
   * values. Past WASM_UNTIL the tape goes back to plain arrays until reset() (WASM_REUSED_UNTIL).
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

  /**
   * A reset tape's values and gradients, with room for as many as before, in a new WebAssembly
   * memory (nothing to copy: reset forgot the values, and older Gradients refuse to be read).
   */
  private moveIntoWasm(cap: number): void {
    const gLen = this.gradBuf.length;
    const w = wasmMemory(Math.ceil(((cap + gLen) * 8) / PAGE_BYTES));
    if (!w) return;
    this.wasm = w;
    this.V = new Float64Array(w.memory.buffer, 0, cap);
    this.gradBuf = new Float64Array(w.memory.buffer, cap * 8, gLen);
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

  private growInputs(n: number): void {
    const ins = new Int32Array(Math.max(this.ins.length * 2, n));
    ins.set(this.ins);
    this.ins = ins;
  }

  /** Room for twice as many node records (and the next record's offset). */
  private growNodes(): void {
    const rec = new Int32Array(this.rec.length * 2);
    rec.set(this.rec);
    this.rec = rec;
    const D = new Float64Array(this.D.length * 2);
    D.set(this.D);
    this.D = D;
  }
}
