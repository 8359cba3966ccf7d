/**
 * Shape arithmetic shared by the op table: axes, reductions and the one broadcast rule (numpy's:
 * align on the right, a dimension of 1 repeats). Its inverse, unbroadcast, is broadcastTo's backward.
 */
import type { Attrs } from './opDef';
import { fail } from './opDef';
import type { Shape } from './tensor';
import { SCALAR, shapeStr, sizeOf } from './tensor';

export function axisOf(shape: Shape, axis: number | undefined, name = 'axis'): number {
  const a = axis ?? 0;
  const r = a < 0 ? a + shape.length : a;
  if (!(r >= 0 && r < shape.length)) fail(name, `axis ${a} is out of range for shape ${shapeStr(shape)}`, 0);
  return r;
}

/** A tensor seen as [outer, len, inner] around an axis (the whole tensor when axis is undefined). */
export function splitAt(shape: Shape, axis: number | undefined): { outer: number; len: number; inner: number } {
  if (axis === undefined) return { outer: 1, len: sizeOf(shape), inner: 1 };
  const a = axis < 0 ? axis + shape.length : axis;
  return { outer: sizeOf(shape.slice(0, a)), len: shape[a], inner: sizeOf(shape.slice(a + 1)) };
}

export function reduceShape(xs: readonly Shape[], attrs: Attrs, name: string): Shape {
  if (attrs.axis === undefined) return SCALAR;
  const a = axisOf(xs[0], attrs.axis, name);
  return xs[0].filter((_d, i) => i !== a);
}

export function broadcastShape(from: Shape, to: Shape, name: string): Shape {
  if (from.length > to.length) fail(name, `cannot broadcast ${shapeStr(from)} to ${shapeStr(to)}`, 0);
  const lead = to.length - from.length;
  from.forEach((d, i) => {
    if (d !== 1 && d !== to[lead + i]) fail(name, `cannot broadcast ${shapeStr(from)} to ${shapeStr(to)}`, 0);
  });
  return to;
}

/** The shape both operands of an elementwise op broadcast to, or an error naming the op. */
export function commonShape(a: Shape, b: Shape, name: string): Shape {
  const n = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1, db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) fail(name, `shapes ${shapeStr(a)} and ${shapeStr(b)} cannot be broadcast together`, 1);
    out.push(Math.max(da, db));
  }
  return out;
}

/** Calls visit(inputIndex, outputIndex) for every output position of a broadcast. */
export function forEachBroadcast(from: Shape, to: Shape, visit: (from: number, to: number) => void): void {
  const n = sizeOf(to), r = to.length, lead = r - from.length;
  const strides = new Array<number>(r).fill(0);
  let s = 1;
  for (let i = from.length - 1; i >= 0; i--) {
    strides[lead + i] = from[i] === 1 ? 0 : s;
    s *= from[i];
  }
  const idx = new Array<number>(r).fill(0);
  let at = 0;
  for (let o = 0; o < n; o++) {
    visit(at, o);
    for (let d = r - 1; d >= 0; d--) {
      idx[d]++;
      at += strides[d];
      if (idx[d] < to[d]) break;
      at -= strides[d] * to[d];
      idx[d] = 0;
    }
  }
}
