/**
 * numpy arrays on the engine: values to nodes, resource limits, and numpy's basic indexing (ints,
 * slices, None) for reading and writing. A write builds the new array from slices and a concat, so
 * `xs[t][i] = 1` and `dW[:, j] += v` get exact gradients from ops the engine already has.
 */
import { Graph } from '../../engine/graph';
import type { NodeId, SourceRange } from '../../engine/tape';
import type { Shape } from '../../engine/tensor';
import { fromNested, shapeStr, sizeOf } from '../../engine/tensor';
import { PythonError } from './pyError';
import type { Arr, IndexItem, Value } from './values';
import { isArr, newArr, typeName } from './values';

export interface Limits {
  /** engine nodes per trace (10^7) */
  maxOps: number;
  /** bytes of values and gradients per trace (256 MB) */
  maxBytes: number;
  /** iterations of all loops together (10^6) */
  maxIterations: number;
}

export const DEFAULT_LIMITS: Limits = { maxOps: 10_000_000, maxBytes: 256 * 2 ** 20, maxIterations: 1_000_000 };

/**
 * What a trace holds besides its numbers, measured on Node 20 (a loop of small-array updates: ~270
 * bytes per node with its statement event): each node's columns and metadata, and each statement
 * event with its reads. Counted against maxBytes so a long loop over tiny arrays stops at the limit
 * too, not only one over big arrays.
 */
export const NODE_BYTES = 120;
export const EVENT_BYTES = 150;

type Axis = { kind: 'int'; i: number } | { kind: 'range'; start: number; stop: number; step: number; len: number };

export class Runtime {
  readonly g: Graph;
  /** where the statement or expression being run is, for errors */
  at: SourceRange = { line: 0, col: 0, endLine: 0, endCol: 0 };

  /** the transpose node of each node transposed so far */
  readonly transposes = new Map<NodeId, NodeId>();

  /** bytes of bookkeeping beyond the tape (the interpreter's statement events) */
  overheadBytes = 0;

  /** `graph`: a tape to reuse (reset first: its earlier nodes and gradients become invalid). */
  constructor(readonly limits: Limits = DEFAULT_LIMITS, reluAtZero = 0, graph?: Graph) {
    if (graph && graph.reluAtZero !== reluAtZero) throw new Error('Runtime: the reused graph has another relu\'(0) convention');
    this.g = graph ?? new Graph({ reluAtZero });
    this.g.reset();
  }

  fail(kind: 'unsupported' | 'runtime' | 'limit', msg: string, at: SourceRange = this.at): never {
    throw new PythonError(kind, msg, at);
  }

  /** Stops the trace at 10^7 ops or 256 MB (values, the gradient buffer backward() allocates, and
   * the bookkeeping of nodes and events). */
  checkLimits(): void {
    const n = this.g.size;
    if (n > this.limits.maxOps) this.fail('limit', `the trace reached ${n.toLocaleString('en-US')} engine operations (the limit is ${this.limits.maxOps.toLocaleString('en-US')}): shorten the loop or the sequence`);
    if (n > 0) {
      const last = (n - 1) as NodeId;
      const bytes = (this.g.offsetOf(last) + this.g.sizeOf(last)) * 16 + n * NODE_BYTES + this.overheadBytes;
      if (bytes > this.limits.maxBytes) this.fail('limit', `the trace needs more than ${Math.round(this.limits.maxBytes / 2 ** 20)} MB: use smaller arrays or fewer steps`);
    }
  }

  /** Refuses an array too large for the memory limit before allocating it. */
  checkSize(shape: Shape): void {
    if (shape.some((d) => !Number.isInteger(d) || d < 0)) this.fail('runtime', `invalid shape ${shapeStr(shape)}`);
    if (shape.some((d) => d === 0)) this.fail('unsupported', `empty arrays (shape ${shapeStr(shape)}) are not supported`);
    if (sizeOf(shape) * 16 > this.limits.maxBytes) this.fail('limit', `an array of shape ${shapeStr(shape)} exceeds the ${Math.round(this.limits.maxBytes / 2 ** 20)} MB limit`);
  }

  /** The current node of an array, re-read from its base when the base changed since the view was taken. */
  nodeOf(a: Arr): NodeId {
    const v = a.view;
    if (v) {
      const base = this.nodeOf(v.base);
      if (v.base.version !== v.baseVersion) {
        a.id = this.read(base, v.index);
        v.baseVersion = v.base.version;
      }
    }
    return a.id;
  }

  /** Any numeric value as a node: numbers become constants, nested lists of numbers and arrays are stacked. */
  toNode(v: Value, what = 'value'): NodeId {
    if (typeof v === 'number') return this.g.constant(v);
    if (typeof v === 'boolean') return this.g.constant(v ? 1 : 0);
    if (isArr(v)) return this.nodeOf(v);
    if (v && typeof v === 'object' && (v.kind === 'list' || v.kind === 'tuple')) {
      if (v.items.length === 0) this.fail('unsupported', `${what}: empty arrays are not supported`);
      if (v.items.every((x) => typeof x === 'number' || typeof x === 'boolean' || (typeof x === 'object' && x !== null && (x.kind === 'list' || x.kind === 'tuple') && !containsArr(x)))) {
        try {
          return this.g.constant(fromNested(plain(v), what));
        } catch (e) {
          this.fail('runtime', (e as Error).message);
        }
      }
      const parts = v.items.map((x) => this.toNode(x, what));
      const s0 = this.g.shapeOf(parts[0]);
      if (parts.some((p) => shapeStr(this.g.shapeOf(p)) !== shapeStr(s0))) this.fail('runtime', `${what}: the elements have different shapes`);
      return this.g.stack(parts);
    }
    return this.fail('runtime', `${what}: expected a number or an array, got ${typeName(v)}`);
  }

  /** A new array value holding `id`, stamped with the statement that wrote it. */
  arr(id: NodeId, writer = -1): Arr {
    return newArr(id, writer);
  }

  /** In-place update of an array (and, through a view, of its base). */
  write(a: Arr, id: NodeId, writer: number): void {
    const v = a.view;
    const target = this.g.shapeOf(a.id);
    if (shapeStr(this.g.shapeOf(id)) !== shapeStr(target)) {
      id = this.broadcast(id, target, 'in-place update');
    }
    if (v) {
      this.setIndex(v.base, v.index, id, writer);
      v.baseVersion = v.base.version;
    }
    a.id = id;
    a.version++;
    a.writer = writer;
  }

  broadcast(id: NodeId, shape: Shape, what: string): NodeId {
    let s = this.g.shapeOf(id);
    // numpy drops leading 1s of the value in an assignment: (1, 3) fits a row of shape (3,)
    while (s.length > shape.length && s[0] === 1) s = s.slice(1);
    if (s.length !== this.g.shapeOf(id).length) id = this.g.reshape(id, s);
    try {
      return this.g.broadcastTo(id, shape);
    } catch {
      return this.fail('runtime', `${what}: a value of shape ${shapeStr(this.g.shapeOf(id))} does not fit shape ${shapeStr(shape)}`);
    }
  }

  /** a[index] as a view of a (numpy's basic indexing); a 0-d result is a plain copy. */
  getIndex(a: Arr, index: readonly IndexItem[]): Arr {
    const id = this.read(this.nodeOf(a), index);
    const out = newArr(id, a.writer);
    if (this.g.shapeOf(id).length > 0) out.view = { base: a, index, baseVersion: a.version };
    return out;
  }

  /** a[index] = value, in place, with value broadcast to the region. */
  setIndex(a: Arr, index: readonly IndexItem[], value: NodeId, writer: number): void {
    if (index.some((it) => it.kind === 'newaxis')) this.fail('unsupported', 'assigning through `None` (np.newaxis) in a subscript is not supported');
    const x = this.nodeOf(a);
    const axes = this.resolve(this.g.shapeOf(x), index);
    if (axes.some((ax) => ax.kind === 'range' && ax.step !== 1)) this.fail('unsupported', 'assigning to a slice with a step is not supported');
    const region = axes.filter((ax) => ax.kind === 'range').map((ax) => (ax as { len: number }).len);
    const kept = axes.map((ax) => (ax.kind === 'int' ? 1 : ax.len));
    const v = this.g.reshape(this.broadcast(value, region, 'assignment'), kept);
    this.write(a, this.put(x, axes, v, 0), writer);
  }

  private put(x: NodeId, axes: readonly Axis[], v: NodeId, a: number): NodeId {
    const g = this.g, shape = g.shapeOf(x), n = shape[a];
    if (axes.slice(a).every((ax, k) => ax.kind === 'range' && ax.len === shape[a + k])) return v;
    const ax = axes[a];
    const start = ax.kind === 'int' ? ax.i : ax.start, stop = ax.kind === 'int' ? ax.i + 1 : ax.start + ax.len;
    const inner = this.put(start === 0 && stop === n ? x : g.slice(x, a, start, stop), axes, v, a + 1);
    const pieces: NodeId[] = [];
    if (start > 0) pieces.push(g.slice(x, a, 0, start));
    pieces.push(inner);
    if (stop < n) pieces.push(g.slice(x, a, stop, n));
    return pieces.length === 1 ? pieces[0] : g.concat(pieces, a);
  }

  /** x[index]: slices along each axis, then one reshape that drops int axes and adds None axes. */
  read(x: NodeId, index: readonly IndexItem[]): NodeId {
    const g = this.g;
    const axes = this.resolve(g.shapeOf(x), index);
    let cur = x;
    axes.forEach((ax, a) => {
      if (ax.kind === 'int') cur = g.slice(cur, a, ax.i, ax.i + 1);
      else if (ax.step === 1 && (ax.start > 0 || ax.len < g.shapeOf(cur)[a])) cur = g.slice(cur, a, ax.start, ax.start + ax.len);
      else if (ax.step !== 1) {
        const picks: NodeId[] = [];
        for (let k = 0; k < ax.len; k++) picks.push(g.slice(cur, a, ax.start + k * ax.step, ax.start + k * ax.step + 1));
        cur = picks.length === 1 ? picks[0] : g.concat(picks, a);
      }
    });
    const out: number[] = [];
    let a = 0;
    for (const it of index) {
      if (it.kind === 'newaxis') out.push(1);
      else if (it.kind === 'int') a++;
      else out.push((axes[a++] as { len: number }).len);
    }
    for (; a < axes.length; a++) out.push(g.shapeOf(cur)[a]);
    return shapeStr(out) === shapeStr(g.shapeOf(cur)) ? cur : g.reshape(cur, out);
  }

  private resolve(shape: Shape, index: readonly IndexItem[]): Axis[] {
    const used = index.filter((it) => it.kind !== 'newaxis').length;
    if (used > shape.length) this.fail('runtime', `too many indices (${used}) for an array of shape ${shapeStr(shape)}`);
    const axes: Axis[] = [];
    let a = 0;
    for (const it of index) {
      if (it.kind === 'newaxis') continue;
      const n = shape[a++];
      if (it.kind === 'int') {
        const i = it.i < 0 ? it.i + n : it.i;
        if (!(i >= 0 && i < n)) this.fail('runtime', `index ${it.i} is out of bounds for an axis of size ${n}`);
        axes.push({ kind: 'int', i });
      } else {
        const r = sliceIndices(it.start, it.stop, it.step, n, this);
        if (r.len === 0) this.fail('unsupported', 'empty slices are not supported');
        axes.push({ kind: 'range', ...r });
      }
    }
    for (; a < shape.length; a++) axes.push({ kind: 'range', start: 0, stop: shape[a], step: 1, len: shape[a] });
    return axes;
  }
}

/** Python's slice.indices(n): the start, step and length of a slice of a sequence of length n. */
export function sliceIndices(start: number | null, stop: number | null, step: number | null, n: number, rt: Runtime): { start: number; stop: number; step: number; len: number } {
  const s = step ?? 1;
  if (s === 0) rt.fail('runtime', 'slice step cannot be zero');
  const clamp = (v: number | null, dflt: number, lo: number, hi: number): number => {
    if (v === null) return dflt;
    const w = v < 0 ? v + n : v;
    return Math.min(Math.max(w, lo), hi);
  };
  const b = s > 0 ? clamp(start, 0, 0, n) : clamp(start, n - 1, -1, n - 1);
  const e = s > 0 ? clamp(stop, n, 0, n) : clamp(stop, -1, -1, n - 1);
  const len = s > 0 ? Math.max(0, Math.ceil((e - b) / s)) : Math.max(0, Math.ceil((b - e) / -s));
  return { start: b, stop: e, step: s, len };
}

function containsArr(v: Value): boolean {
  if (isArr(v)) return true;
  return typeof v === 'object' && v !== null && (v.kind === 'list' || v.kind === 'tuple') && v.items.some(containsArr);
}

function plain(v: Value): unknown {
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'object' && v !== null && (v.kind === 'list' || v.kind === 'tuple')) return v.items.map(plain);
  return v;
}
