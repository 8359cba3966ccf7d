/**
 * Reading the JSON models of the CLI and the fixtures: every field checked, every error one
 * line that names the field (`W_h: expected a 4 x 4 matrix, got shape [4, 3]`).
 */
import type { Shape, Tensor } from '../engine/tensor';
import { fromNested, shapeStr } from '../engine/tensor';

export class ModelError extends Error {}

export type Json = Record<string, unknown>;

export function asObject(v: unknown, what = 'model'): Json {
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new ModelError(`${what}: expected a JSON object`);
  return v as Json;
}

export function field(m: Json, name: string): unknown {
  if (!(name in m) || m[name] === undefined || m[name] === null) throw new ModelError(`${name}: missing`);
  return m[name];
}

/** A number or nested array, checked to be finite and (when given) of the expected shape. */
export function tensorField(m: Json, name: string, shape?: Shape): Tensor {
  let t: Tensor;
  try {
    t = fromNested(field(m, name), name);
  } catch (e) {
    throw e instanceof ModelError ? e : new ModelError((e as Error).message);
  }
  if (shape && shapeStr(shape) !== shapeStr(t.shape)) {
    throw new ModelError(`${name}: expected ${describeShape(shape)}, got ${describeShape(t.shape)}`);
  }
  return t;
}

export function oneOf<T extends string>(m: Json, name: string, options: readonly T[], fallback?: T): T {
  const v = name in m ? m[name] : fallback;
  if (!options.includes(v as T)) throw new ModelError(`${name}: expected one of ${options.map((o) => JSON.stringify(o)).join(', ')}, got ${JSON.stringify(v)}`);
  return v as T;
}

export function label(m: Json): 0 | 1 {
  const v = field(m, 'label');
  if (v !== 0 && v !== 1) throw new ModelError(`label: expected 0 (sad) or 1 (happy), got ${JSON.stringify(v)}`);
  return v;
}

export function positiveInt(m: Json, name: string, max: number, fallback?: number): number {
  const v = name in m ? m[name] : fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > max) {
    throw new ModelError(`${name}: expected a whole number from 1 to ${max}, got ${JSON.stringify(v)}`);
  }
  return v;
}

export function describeShape(s: Shape): string {
  if (s.length === 0) return 'a number';
  if (s.length === 1) return `a vector of ${s[0]}`;
  if (s.length === 2) return `a ${s[0]} x ${s[1]} matrix`;
  return `shape ${shapeStr(s)}`;
}
