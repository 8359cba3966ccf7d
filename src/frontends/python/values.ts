/**
 * The interpreter's runtime values. Python numbers, booleans, strings and None are plain JS values;
 * every numpy array (and every scalar that depends on one) is an engine node held in a mutable box,
 * so `dW += ...` on one name is seen through every alias, as in numpy.
 */
import type { NodeId } from '../../engine/tape';
import type { SyntaxNode } from '@lezer/common';
import type { Shape } from '../../engine/tensor';
import type { PySource } from './syntax';

/** One index of a subscript, not yet resolved against a shape. */
export type IndexItem =
  | { kind: 'int'; i: number }
  | { kind: 'slice'; start: number | null; stop: number | null; step: number | null }
  | { kind: 'newaxis' };

/** A numpy array: an engine node, possibly a basic-indexing view into another array. */
export interface Arr {
  kind: 'arr';
  id: NodeId;
  /** bumped by every in-place update, so views of it know to re-read */
  version: number;
  /** the statement event that last wrote this array (-1: none), for Check Backward Pass's blame */
  writer: number;
  view?: { base: Arr; index: readonly IndexItem[]; baseVersion: number };
}

export interface PyList { kind: 'list'; items: Value[] }
export interface PyTuple { kind: 'tuple'; items: Value[] }
export interface PyDict { kind: 'dict'; entries: Map<string, { key: Value; value: Value }> }
export interface PyRange { kind: 'range'; start: number; stop: number; step: number }

export interface Scope {
  vars: Map<string, Value>;
  parent: Scope | null;
  globals?: Set<string>;
}

export interface PyFunction {
  kind: 'func';
  name: string;
  params: { name: string; default?: Value }[];
  body: SyntaxNode;
  closure: Scope;
  /** the text the body's nodes point into (an annotation or the file) */
  src: PySource;
}

export type Args = { positional: Value[]; keywords: Map<string, Value> };

/** A function written in TypeScript (numpy, math, Python builtins). `self` is set for methods. */
export interface Builtin {
  kind: 'builtin';
  name: string;
  call(args: Args): Value;
}

export interface PyModule { kind: 'module'; name: string; attrs: Map<string, Value> }

export type Value = number | boolean | string | null | Arr | PyList | PyTuple | PyDict | PyRange | PyFunction | Builtin | PyModule;

export function isArr(v: Value): v is Arr {
  return typeof v === 'object' && v !== null && v.kind === 'arr';
}

export function typeName(v: Value): string {
  if (v === null) return 'None';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'string') return 'str';
  switch (v.kind) {
    case 'arr': return 'ndarray';
    case 'func': return 'function';
    case 'builtin': return 'builtin function';
    default: return v.kind;
  }
}

/** A dictionary key as a string: numbers, strings, booleans and tuples of them. */
export function keyOf(v: Value): string | undefined {
  if (typeof v === 'number') return `n${v}`;
  if (typeof v === 'boolean') return `n${v ? 1 : 0}`;
  if (typeof v === 'string') return `s${v}`;
  if (v === null) return 'None';
  if (typeof v === 'object' && v.kind === 'tuple') {
    const parts = v.items.map(keyOf);
    return parts.some((p) => p === undefined) ? undefined : `(${parts.join(',')})`;
  }
  return undefined;
}

export function shapeTuple(s: Shape): PyTuple {
  return { kind: 'tuple', items: [...s] };
}

export function newArr(id: NodeId, writer = -1): Arr {
  return { kind: 'arr', id, version: 0, writer };
}
