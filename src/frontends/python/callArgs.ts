/** Binding a builtin's arguments by position or keyword, with Python's error messages. */
import type { Runtime } from './runtime';
import type { Args, Builtin, Value } from './values';

/**
 * The arguments of `fn` in the order of `names` (a trailing `?` marks an optional one); an unknown
 * keyword or a missing argument stops with the function's name.
 */
export function bind(rt: Runtime, fn: string, args: Args, names: readonly string[]): (Value | undefined)[] {
  const plain = names.map((n) => n.replace('?', ''));
  if (args.positional.length > names.length) rt.fail('runtime', `${fn}() takes at most ${names.length} arguments, got ${args.positional.length}`);
  const out: (Value | undefined)[] = plain.map((_n, i) => args.positional[i]);
  for (const [k, v] of args.keywords) {
    const i = plain.indexOf(k);
    if (i < 0) rt.fail('unsupported', `${fn}(): the keyword argument ${k}= is not supported`);
    out[i] = v;
  }
  names.forEach((n, i) => {
    if (!n.endsWith('?') && out[i] === undefined) rt.fail('runtime', `${fn}() is missing the argument ${n}`);
  });
  return out;
}

export function builtin(name: string, call: (args: Args) => Value): Builtin {
  return { kind: 'builtin', name, call };
}

/** A shape argument: an int, a tuple or list of ints, or the ints given one by one. */
export function shapeArg(rt: Runtime, fn: string, vs: readonly Value[]): number[] {
  const flat = vs.length === 1 && typeof vs[0] === 'object' && vs[0] !== null && (vs[0].kind === 'tuple' || vs[0].kind === 'list') ? vs[0].items : vs;
  return flat.map((v) => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) rt.fail('runtime', `${fn}(): a shape needs whole numbers, got ${String(v && typeof v === 'object' ? v.kind : v)}`);
    return v;
  });
}

export function intArg(rt: Runtime, fn: string, v: Value | undefined, what: string): number {
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v !== 'number' || !Number.isInteger(v)) return rt.fail('runtime', `${fn}(): ${what} must be an integer`);
  return v;
}
