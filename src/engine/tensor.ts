/**
 * Plain float64 tensors (row-major, a scalar is 0-d) and the shape helpers every other module shares.
 * A Tensor is data, never a graph node: the Graph copies it into its arena.
 */

export type Shape = readonly number[];

export interface Tensor {
  readonly shape: Shape;
  readonly data: Float64Array;
}

/** Nested arrays of numbers as they appear in JSON models (a number is a 0-d tensor). */
export type Nested = number | Nested[];

export const SCALAR: Shape = Object.freeze([]) as Shape;

export function sizeOf(shape: Shape): number {
  let n = 1;
  for (let i = 0; i < shape.length; i++) n *= shape[i];
  return n;
}

export function sameShape(a: Shape, b: Shape): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function shapeStr(s: Shape): string {
  return `[${s.join(', ')}]`;
}

export function tensor(shape: Shape, data: ArrayLike<number>): Tensor {
  if (data.length !== sizeOf(shape)) {
    throw new Error(`tensor: shape ${shapeStr(shape)} needs ${sizeOf(shape)} values, got ${data.length}`);
  }
  return { shape: shape.length === 0 ? SCALAR : Object.freeze([...shape]), data: Float64Array.from(data) };
}

export function scalar(x: number): Tensor {
  return { shape: SCALAR, data: Float64Array.of(x) };
}

export function zeros(shape: Shape): Tensor {
  return { shape: shape.length === 0 ? SCALAR : Object.freeze([...shape]), data: new Float64Array(sizeOf(shape)) };
}

/** Nested arrays to a tensor; throws `what: ...` naming the first ragged or non-finite place. */
/** The shape of nested lists, read along their first elements (fromNested checks the rest). */
export function nestedShape(value: unknown): number[] {
  const shape: number[] = [];
  for (let probe = value; Array.isArray(probe); probe = probe[0]) shape.push(probe.length);
  return shape;
}

export function fromNested(value: unknown, what = 'value'): Tensor {
  const shape = nestedShape(value);
  if (shape.includes(0)) throw new Error(`${what}: empty array`);
  const out = new Float64Array(sizeOf(shape));
  let k = 0;
  const walk = (v: unknown, depth: number, path: string): void => {
    if (depth === shape.length) {
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        throw new Error(`${what}${path}: expected a finite number, got ${JSON.stringify(v) ?? String(v)}`);
      }
      out[k++] = v;
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[depth]) {
      throw new Error(`${what}${path}: expected an array of length ${shape[depth]} (shape ${shapeStr(shape)})`);
    }
    v.forEach((x, i) => walk(x, depth + 1, `${path}[${i}]`));
  };
  walk(value, 0, '');
  return tensor(shape, out);
}

/** Euclidean norm, scaled by the largest entry so entries of 1e200 do not overflow when squared. */
export function norm2(v: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < v.length; i++) m = Math.max(m, Math.abs(v[i]));
  if (m === 0 || !Number.isFinite(m)) return m;
  let s = 0;
  for (let i = 0; i < v.length; i++) s += (v[i] / m) * (v[i] / m);
  return m * Math.sqrt(s);
}

/** The Euclidean norm of a number or nested array (|x| for a number). */
export function nestedNorm(v: Nested): number {
  const flat: number[] = [];
  const walk = (x: Nested): void => { if (Array.isArray(x)) x.forEach(walk); else flat.push(x); };
  walk(v);
  return norm2(flat);
}

export function toNested(t: Tensor): Nested {
  if (t.shape.length === 0) return t.data[0];
  const build = (depth: number, offset: number): Nested[] => {
    const n = t.shape[depth];
    const stride = sizeOf(t.shape.slice(depth + 1));
    const out: Nested[] = [];
    for (let i = 0; i < n; i++) {
      out.push(depth === t.shape.length - 1 ? t.data[offset + i] : build(depth + 1, offset + i * stride));
    }
    return out;
  };
  return build(0, 0);
}
