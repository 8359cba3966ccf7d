/**
 * The numpy subset on the engine: constructors, elementwise functions, reductions, dot/outer/clip,
 * np.random (mulberry32, so traces are reproducible; its stream is not numpy's) and array methods.
 * Composites (outer, clip, min) are built from existing ops, so their gradients come for free.
 */
import type { NodeId } from '../../engine/tape';
import { mulberry32, normal } from '../../engine/random';
import { tensor, sizeOf } from '../../engine/tensor';
import type { Runtime } from './runtime';
import type { Args, Arr, PyModule, Value } from './values';
import { isArr, shapeTuple, typeName } from './values';
import { bind, builtin, intArg, shapeArg } from './callArgs';
import { scalarValue } from './arith';

export interface NumpyContext {
  rt: Runtime;
}

type Unary = 'exp' | 'log' | 'sqrt' | 'tanh' | 'abs' | 'sin' | 'cos';
const MATH: Record<Unary, (x: number) => number> = { exp: Math.exp, log: Math.log, sqrt: Math.sqrt, tanh: Math.tanh, abs: Math.abs, sin: Math.sin, cos: Math.cos };

/** f(x) on a number (a plain number) or an array (an engine node). */
export function unaryFn(rt: Runtime, f: Unary, x: Value, fn: string): Value {
  if (typeof x === 'number' || typeof x === 'boolean') {
    const v = Number(x);
    if ((f === 'log' && v <= 0) || (f === 'sqrt' && v < 0)) rt.fail('runtime', `${fn}(): math domain error (${v})`);
    return MATH[f](v);
  }
  if (!isArr(x) && !(x && typeof x === 'object' && (x.kind === 'list' || x.kind === 'tuple'))) rt.fail('runtime', `${fn}(): expected a number or an array, got ${typeName(x)}`);
  return rt.arr(rt.g[f](rt.toNode(x, fn)));
}

function reduce(rt: Runtime, kind: 'sum' | 'mean' | 'max' | 'min', x: Value, axis: Value | undefined, keepdims: Value | undefined, fn: string): Value {
  const g = rt.g, id = rt.toNode(x, fn), shape = g.shapeOf(id);
  if (shape.length === 0) return rt.arr(id);
  const ax = axis === undefined || axis === null ? undefined : intArg(rt, fn, axis, 'axis');
  if (ax !== undefined && !(ax >= -shape.length && ax < shape.length)) rt.fail('runtime', `${fn}(): axis ${ax} is out of bounds for an array of ${shape.length} dimensions`);
  const r = (v: NodeId): NodeId => (kind === 'sum' ? g.sum(v, ax) : kind === 'mean' ? g.mean(v, ax) : g.max(v, ax));
  let out = kind === 'min' ? g.neg(r(g.neg(id))) : r(id);
  if (keepdims === true) {
    const a = ax === undefined ? -1 : ax < 0 ? ax + shape.length : ax;
    out = g.reshape(out, shape.map((d, i) => (a === -1 || i === a ? 1 : d)));
  }
  return rt.arr(out);
}

function dot(rt: Runtime, a: Value, b: Value): Value {
  const g = rt.g, x = rt.toNode(a, 'np.dot'), y = rt.toNode(b, 'np.dot');
  if (g.shapeOf(x).length === 0 || g.shapeOf(y).length === 0) return rt.arr(g.mul(x, y));
  if (g.shapeOf(x).length > 2 || g.shapeOf(y).length > 2) rt.fail('unsupported', 'np.dot on arrays of more than 2 dimensions is not supported');
  return rt.arr(g.matmul(x, y));
}

function clip(ctx: NumpyContext, x: Value, lo: Value | undefined, hi: Value | undefined, out: Value | undefined): Value {
  const { rt } = ctx, g = rt.g;
  // clip(x, lo, hi) = min(max(x, lo), hi): gradient 1 inside [lo, hi], 0 outside
  let id = rt.toNode(x, 'np.clip');
  if (lo !== undefined && lo !== null) id = g.maximum(id, rt.toNode(lo));
  if (hi !== undefined && hi !== null) id = g.minimum(id, rt.toNode(hi));
  if (out !== undefined && out !== null) {
    if (!isArr(out)) return rt.fail('runtime', 'np.clip(): out= must be an array');
    rt.write(out, id, out.writer);
    return out;
  }
  return rt.arr(id);
}

function reshape(rt: Runtime, x: Value, dims: readonly Value[], fn: string): Value {
  const id = rt.toNode(x, fn), n = rt.g.sizeOf(id);
  const flat = dims.length === 1 && typeof dims[0] === 'object' && dims[0] !== null && (dims[0].kind === 'tuple' || dims[0].kind === 'list') ? dims[0].items : dims;
  const s = flat.map((d) => intArg(rt, fn, d, 'a dimension'));
  const free = s.indexOf(-1);
  if (free >= 0) s[free] = n / s.reduce((p, d, i) => (i === free ? p : p * d), 1);
  if (sizeOf(s) !== n || s.some((d) => !Number.isInteger(d) || d < 1)) rt.fail('runtime', `${fn}(): cannot reshape an array of size ${n} into shape (${s.join(', ')})`);
  return rt.arr(rt.g.reshape(id, s));
}

function transpose(rt: Runtime, x: Arr): Value {
  const id = rt.nodeOf(x);
  const r = rt.g.shapeOf(id).length;
  if (r < 2) return rt.arr(id); // .T of a vector or scalar is itself
  if (r > 2) rt.fail('unsupported', '.T of an array of more than 2 dimensions is not supported');
  // nodes never change, so W.T in every time step is one node (min-char-rnn's Whh.T, Why.T)
  let t = rt.transposes.get(id);
  if (t === undefined) rt.transposes.set(id, (t = rt.g.transpose(id)));
  return rt.arr(t);
}

function filled(rt: Runtime, shape: number[], f: (i: number) => number): Value {
  rt.checkSize(shape);
  const data = new Float64Array(sizeOf(shape));
  for (let i = 0; i < data.length; i++) data[i] = f(i);
  return rt.arr(rt.g.constant(tensor(shape, data)));
}

/** The `numpy` module (with `np.random`), reading random numbers from one seeded stream. */
export function numpyModule(ctx: NumpyContext): PyModule {
  const { rt } = ctx, g = rt.g;
  let uniform = mulberry32(0);
  let gauss = normal(uniform);
  const m = new Map<string, Value>();
  const def = (name: string, names: readonly string[], f: (vs: (Value | undefined)[], args: Args) => Value): void => {
    m.set(name, builtin(`np.${name}`, (args) => f(bind(rt, `np.${name}`, args, names), args)));
  };
  const like = (x: Value | undefined): number[] => [...g.shapeOf(rt.toNode(x!, 'np.zeros_like'))];
  def('array', ['object', 'dtype?'], ([x]) => rt.arr(rt.toNode(x!, 'np.array')));
  def('asarray', ['object', 'dtype?'], ([x]) => rt.arr(rt.toNode(x!, 'np.asarray')));
  def('zeros', ['shape', 'dtype?'], ([s]) => filled(rt, shapeArg(rt, 'np.zeros', [s!]), () => 0));
  def('ones', ['shape', 'dtype?'], ([s]) => filled(rt, shapeArg(rt, 'np.ones', [s!]), () => 1));
  def('full', ['shape', 'fill_value', 'dtype?'], ([s, v]) => filled(rt, shapeArg(rt, 'np.full', [s!]), () => Number(scalarValue(rt, v!))));
  def('zeros_like', ['a', 'dtype?'], ([x]) => filled(rt, like(x), () => 0));
  def('ones_like', ['a', 'dtype?'], ([x]) => filled(rt, like(x), () => 1));
  def('eye', ['N', 'dtype?'], ([n]) => { const k = intArg(rt, 'np.eye', n, 'N'); return filled(rt, [k, k], (i) => (i % (k + 1) === 0 ? 1 : 0)); });
  for (const f of Object.keys(MATH) as Unary[]) def(f, ['x'], ([x]) => unaryFn(rt, f, x!, `np.${f}`));
  def('absolute', ['x'], ([x]) => unaryFn(rt, 'abs', x!, 'np.absolute'));
  def('square', ['x'], ([x]) => (isArr(x!) ? rt.arr(g.pow(rt.nodeOf(x), 2)) : Number(scalarValue(rt, x!)) ** 2));
  def('maximum', ['x1', 'x2'], ([a, b]) => (isArr(a!) || isArr(b!) ? rt.arr(g.maximum(rt.toNode(a!), rt.toNode(b!))) : Math.max(Number(a), Number(b))));
  def('minimum', ['x1', 'x2'], ([a, b]) => (isArr(a!) || isArr(b!) ? rt.arr(g.minimum(rt.toNode(a!), rt.toNode(b!))) : Math.min(Number(a), Number(b))));
  for (const k of ['sum', 'mean', 'max', 'min'] as const) def(k, ['a', 'axis?', 'keepdims?'], ([x, ax, kd]) => reduce(rt, k, x!, ax, kd, `np.${k}`));
  def('dot', ['a', 'b'], ([a, b]) => dot(rt, a!, b!));
  def('matmul', ['a', 'b'], ([a, b]) => dot(rt, a!, b!));
  def('outer', ['a', 'b'], ([a, b]) => {
    // outer(a, b) = a (as a column) @ b (as a row)
    const x = rt.toNode(a!, 'np.outer'), y = rt.toNode(b!, 'np.outer');
    return rt.arr(g.matmul(g.reshape(x, [g.sizeOf(x), 1]), g.reshape(y, [1, g.sizeOf(y)])));
  });
  def('clip', ['a', 'a_min', 'a_max', 'out?'], ([x, lo, hi, out]) => clip(ctx, x!, lo, hi, out));
  def('copy', ['a'], ([x]) => rt.arr(rt.toNode(x!, 'np.copy'), isArr(x!) ? x.writer : -1));
  def('reshape', ['a', 'newshape'], ([x, s]) => reshape(rt, x!, [s!], 'np.reshape'));
  def('transpose', ['a'], ([x]) => transpose(rt, rt.arr(rt.toNode(x!, 'np.transpose'))));
  def('argmax', ['a'], ([x]) => { const v = rt.g.value(rt.toNode(x!, 'np.argmax')).data; let b = 0; for (let i = 1; i < v.length; i++) if (v[i] > v[b]) b = i; return b; });
  def('concatenate', ['arrays', 'axis?'], ([xs, ax]) => {
    if (!xs || typeof xs !== 'object' || !('items' in xs)) return rt.fail('runtime', 'np.concatenate(): expected a list of arrays');
    return rt.arr(g.concat(xs.items.map((x) => rt.toNode(x)), ax === undefined ? 0 : intArg(rt, 'np.concatenate', ax, 'axis')));
  });
  m.set('pi', Math.PI);
  m.set('e', Math.E);
  m.set('inf', Infinity);
  m.set('newaxis', null);
  m.set('float64', builtin('np.float64', (a) => a.positional[0] ?? 0));
  const r = new Map<string, Value>();
  const rdef = (name: string, f: (args: Args) => Value): void => void r.set(name, builtin(`np.random.${name}`, f));
  const sample = (fn: string, dims: readonly Value[], draw: () => number): Value => {
    if (dims.length === 0 || (dims.length === 1 && dims[0] === null)) return draw();
    return filled(rt, shapeArg(rt, fn, dims), draw);
  };
  rdef('seed', (a) => { uniform = mulberry32(intArg(rt, 'np.random.seed', a.positional[0], 'the seed')); gauss = normal(uniform); return null; });
  rdef('randn', (a) => sample('np.random.randn', a.positional, () => gauss()));
  rdef('rand', (a) => sample('np.random.rand', a.positional, () => uniform()));
  rdef('random', (a) => sample('np.random.random', a.positional.length ? a.positional : [a.keywords.get('size') ?? null], () => uniform()));
  rdef('normal', (a) => {
    const [loc, scale, size] = bind(rt, 'np.random.normal', a, ['loc?', 'scale?', 'size?']);
    const mu = loc === undefined ? 0 : Number(scalarValue(rt, loc)), sd = scale === undefined ? 1 : Number(scalarValue(rt, scale));
    return sample('np.random.normal', size === undefined ? [] : [size], () => mu + sd * gauss());
  });
  rdef('uniform', (a) => {
    const [lo, hi, size] = bind(rt, 'np.random.uniform', a, ['low?', 'high?', 'size?']);
    const l = lo === undefined ? 0 : Number(scalarValue(rt, lo)), h = hi === undefined ? 1 : Number(scalarValue(rt, hi));
    return sample('np.random.uniform', size === undefined ? [] : [size], () => l + (h - l) * uniform());
  });
  m.set('random', { kind: 'module', name: 'numpy.random', attrs: r });
  return { kind: 'module', name: 'numpy', attrs: m };
}

/** `x.attr` of an array: .T, .shape and the methods students call. */
export function arrayAttr(ctx: NumpyContext, x: Arr, attr: string): Value | undefined {
  const { rt } = ctx, g = rt.g;
  const method = (names: readonly string[], f: (vs: (Value | undefined)[], args: Args) => Value): Value =>
    builtin(`ndarray.${attr}`, (args) => f(bind(rt, `ndarray.${attr}`, args, names), args));
  switch (attr) {
    case 'T': return transpose(rt, x);
    case 'shape': return shapeTuple(g.shapeOf(rt.nodeOf(x)));
    case 'ndim': return g.shapeOf(rt.nodeOf(x)).length;
    case 'size': return g.sizeOf(rt.nodeOf(x));
    case 'copy': return method([], () => rt.arr(rt.nodeOf(x), x.writer));
    case 'transpose': return method([], () => transpose(rt, x));
    case 'item': return method([], () => rt.arr(g.reshape(rt.nodeOf(x), [])));
    case 'flatten': case 'ravel': return method([], () => rt.arr(g.reshape(rt.nodeOf(x), [g.sizeOf(rt.nodeOf(x))])));
    case 'reshape': return builtin('ndarray.reshape', (args) => reshape(rt, x, args.positional, 'ndarray.reshape'));
    case 'dot': return method(['b'], ([b]) => dot(rt, x, b!));
    case 'sum': case 'mean': case 'max': case 'min': return method(['axis?', 'keepdims?'], ([ax, kd]) => reduce(rt, attr, x, ax, kd, `ndarray.${attr}`));
    case 'clip': return method(['min?', 'max?'], ([lo, hi]) => clip(ctx, x, lo, hi, undefined));
  }
  return undefined;
}
