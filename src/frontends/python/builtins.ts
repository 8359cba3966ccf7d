/**
 * Python's builtins the subset allows (range, len, zip, enumerate, reversed, sum, min, max, abs,
 * float, int, list, tuple) and the `math` module, with arrays staying engine nodes throughout.
 */
import type { Runtime } from './runtime';
import type { PyModule, Value } from './values';
import { isArr, typeName } from './values';
import { bind, builtin, intArg } from './callArgs';
import { binop, scalarValue } from './arith';
import { unaryFn } from './numpy';

/** The items a `for` loop visits: list and tuple items, range numbers, dict keys, array rows. */
export function iterate(rt: Runtime, v: Value, limit: number): Value[] {
  if (typeof v === 'string') return [...v];
  if (typeof v === 'object' && v !== null) {
    switch (v.kind) {
      case 'list': case 'tuple': return [...v.items];
      case 'dict': return [...v.entries.values()].map((e) => e.key);
      case 'range': {
        const n = Math.max(0, Math.ceil((v.stop - v.start) / v.step));
        if (n > limit) rt.fail('limit', `range of ${n.toLocaleString('en-US')} numbers is longer than the iteration limit (${limit.toLocaleString('en-US')})`);
        return Array.from({ length: n }, (_x, i) => v.start + i * v.step);
      }
      case 'arr': {
        const id = rt.nodeOf(v), s = rt.g.shapeOf(id);
        if (s.length === 0) rt.fail('runtime', 'iteration over a 0-d array');
        return Array.from({ length: s[0] }, (_x, i) => rt.getIndex(v, [{ kind: 'int', i }]));
      }
    }
  }
  return rt.fail('runtime', `'${typeName(v)}' object is not iterable`);
}

export function length(rt: Runtime, v: Value): number {
  if (isArr(v)) {
    const s = rt.g.shapeOf(rt.nodeOf(v));
    if (s.length === 0) rt.fail('runtime', 'len() of a 0-d array');
    return s[0];
  }
  if (typeof v === 'object' && v !== null && v.kind === 'dict') return v.entries.size;
  if (typeof v === 'object' && v !== null && v.kind === 'range') return Math.max(0, Math.ceil((v.stop - v.start) / v.step));
  if (typeof v === 'string' || (typeof v === 'object' && v !== null && (v.kind === 'list' || v.kind === 'tuple'))) return iterate(rt, v, Infinity).length;
  return rt.fail('runtime', `object of type '${typeName(v)}' has no len()`);
}

function extreme(rt: Runtime, args: readonly Value[], op: '>' | '<', fn: string): Value {
  const xs = args.length === 1 ? iterate(rt, args[0], Infinity) : [...args];
  if (xs.length === 0) rt.fail('runtime', `${fn}() of an empty sequence`);
  if (xs.some(isArr)) {
    // max(a, b) of arrays is an elementwise pick: the engine's maximum/minimum, with gradients
    return xs.reduce((a, b) => rt.arr(op === '>' ? rt.g.maximum(rt.toNode(a), rt.toNode(b)) : rt.g.minimum(rt.toNode(a), rt.toNode(b))));
  }
  return xs.reduce((a, b) => (binop(rt, op, b, a) === true ? b : a));
}

export function builtinScope(rt: Runtime, limit: () => number): Map<string, Value> {
  const m = new Map<string, Value>();
  const def = (name: string, names: readonly string[], f: (vs: (Value | undefined)[]) => Value): void => {
    m.set(name, builtin(name, (args) => f(bind(rt, name, args, names))));
  };
  m.set('range', builtin('range', (args) => {
    if (args.keywords.size || args.positional.length < 1 || args.positional.length > 3) rt.fail('runtime', 'range() takes 1 to 3 integer arguments');
    const [a, b, c] = args.positional.map((v) => intArg(rt, 'range', v, 'each argument'));
    if (c === 0) rt.fail('runtime', 'range() arg 3 must not be zero');
    return b === undefined ? { kind: 'range', start: 0, stop: a, step: 1 } : { kind: 'range', start: a, stop: b, step: c ?? 1 };
  }));
  def('len', ['obj'], ([v]) => length(rt, v!));
  def('reversed', ['seq'], ([v]) => ({ kind: 'list', items: iterate(rt, v!, limit()).reverse() }));
  def('enumerate', ['iterable', 'start?'], ([v, s]) => ({
    kind: 'list', items: iterate(rt, v!, limit()).map((x, i) => ({ kind: 'tuple', items: [i + (s === undefined ? 0 : intArg(rt, 'enumerate', s, 'start')), x] })),
  }));
  m.set('zip', builtin('zip', (args) => {
    const seqs = args.positional.map((v) => iterate(rt, v, limit()));
    const n = seqs.length ? Math.min(...seqs.map((s) => s.length)) : 0;
    return { kind: 'list', items: Array.from({ length: n }, (_x, i) => ({ kind: 'tuple', items: seqs.map((s) => s[i]) })) };
  }));
  def('list', ['iterable?'], ([v]) => ({ kind: 'list', items: v === undefined ? [] : iterate(rt, v, limit()) }));
  def('tuple', ['iterable?'], ([v]) => ({ kind: 'tuple', items: v === undefined ? [] : iterate(rt, v, limit()) }));
  def('dict', [], () => ({ kind: 'dict', entries: new Map() }));
  m.set('sum', builtin('sum', (args) => {
    const [v, start] = bind(rt, 'sum', args, ['iterable', 'start?']);
    return iterate(rt, v!, limit()).reduce((a, b) => binop(rt, '+', a, b), start ?? 0);
  }));
  m.set('max', builtin('max', (args) => extreme(rt, args.positional, '>', 'max')));
  m.set('min', builtin('min', (args) => extreme(rt, args.positional, '<', 'min')));
  def('abs', ['x'], ([v]) => unaryFn(rt, 'abs', v!, 'abs'));
  // float() of a 0-d array keeps it on the engine: the loss still depends on it
  def('float', ['x?'], ([v]) => (v === undefined ? 0 : isArr(v) ? v : typeof v === 'string' ? Number(v) : Number(scalarValue(rt, v))));
  def('int', ['x?'], ([v]) => (v === undefined ? 0 : Math.trunc(typeof v === 'string' ? Number(v) : Number(scalarValue(rt, v)))));
  def('round', ['number', 'ndigits?'], ([v, d]) => { const k = 10 ** (d === undefined ? 0 : Number(d)); return Math.round(Number(scalarValue(rt, v!)) * k) / k; });
  m.set('True', true);
  m.set('False', false);
  return m;
}

export function mathModule(rt: Runtime): PyModule {
  const m = new Map<string, Value>();
  for (const f of ['exp', 'log', 'sqrt', 'tanh', 'sin', 'cos'] as const) {
    m.set(f, builtin(`math.${f}`, (args) => {
      const [x, base] = bind(rt, `math.${f}`, args, f === 'log' ? ['x', 'base?'] : ['x']);
      const y = unaryFn(rt, f, x!, `math.${f}`);
      return base === undefined ? y : binop(rt, '/', y, unaryFn(rt, 'log', base, 'math.log'));
    }));
  }
  m.set('fabs', builtin('math.fabs', (args) => unaryFn(rt, 'abs', bind(rt, 'math.fabs', args, ['x'])[0]!, 'math.fabs')));
  m.set('pow', builtin('math.pow', (args) => { const [a, b] = bind(rt, 'math.pow', args, ['x', 'y']); return binop(rt, '**', a!, b!); }));
  for (const f of ['floor', 'ceil'] as const) m.set(f, builtin(`math.${f}`, (args) => Math[f](Number(scalarValue(rt, bind(rt, `math.${f}`, args, ['x'])[0]!)))));
  m.set('pi', Math.PI);
  m.set('e', Math.E);
  m.set('inf', Infinity);
  return { kind: 'module', name: 'math', attrs: m };
}
