/**
 * The entry point: trace a Python file (or some of its lines) on the engine, find the loss, and
 * differentiate it. Parameters are the free variables of the traced code and the arrays and floats
 * a top-level assignment creates; every value the trace had to assume is listed.
 */
import type { SyntaxNode } from '@lezer/common';
import type { Graph } from '../../engine/graph';
import type { Gradients, NodeId, SourceRange } from '../../engine/tape';
import type { Nested } from '../../engine/tensor';
import type { Tensor } from '../../engine/tensor';
import { fromNested, nestedShape, sizeOf, tensor, toNested } from '../../engine/tensor';
import { fnv1a, mulberry32, normal } from '../../engine/random';
import { PySource, kids } from './syntax';
import { PythonError } from './pyError';
import type { Limits } from './runtime';
import { DEFAULT_LIMITS } from './runtime';
import type { ParamInfo, StepEvent } from './events';
import { Interpreter } from './interpreter';
import type { Value } from './values';
import { isArr } from './values';
import { readAnnotations } from './annotations';
import type { ValueAnnotation } from './annotations';
import type { HiddenState } from './hidden';
import { ancestors, findHidden } from './hidden';
import type { KnownValue, ShapeGuess } from './shapes';
import { inferShapes } from './shapes';

export interface PyTraceOptions {
  /** 1-based, inclusive: trace only these lines (the selection) */
  lines?: { from: number; to: number };
  reluAtZero?: number;
  limits?: Partial<Limits>;
  /** seed of the random values of free variables nothing gives a value */
  seed?: number;
  /** names the loss may have, in order of preference */
  lossNames?: readonly string[];
  /** values typed by the student for variables the traced lines do not define: they win over an
   * earlier line, an annotation and a seeded guess */
  values?: Readonly<Record<string, Nested>>;
  /** a tape to reuse, e.g. the previous trace's when the file changed (that trace becomes invalid) */
  graph?: Graph;
}

export interface AssumedValue {
  name: string;
  /** assignment: an earlier line of the file; annotation: a `# gradient-lens:` comment; random: seeded
   * values of the shape the code's use of the name implies; typed: given in the panel */
  origin: 'assignment' | 'annotation' | 'random' | 'typed';
  /** 0-based line it came from */
  line?: number;
  value: Nested;
  /** the shape guessed for a seeded array */
  shape?: number[];
  /** a whole number or a list of indices (a size or a position, not a parameter) */
  whole?: boolean;
}

export interface TracedParam extends ParamInfo {
  value: Nested;
  grad: Nested;
}

export interface PyTrace {
  graph: Graph;
  interpreter: Interpreter;
  loss: { name: string; node: NodeId; value: number };
  /** parameters that feed the loss, in order of creation */
  params: TracedParam[];
  assumed: AssumedValue[];
  hidden?: HiddenState;
  gradients: Gradients;
  events: readonly StepEvent[];
}

const LOSS_NAMES = ['loss', 'L', 'J'];

/** The statements fully inside lines [from, to] (0-based), descending into a block the selection lies in. */
export function selectStatements(src: PySource, from: number, to: number): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  const lastLine = (n: SyntaxNode): number => { const r = src.range(n); return r.endCol === 0 && r.endLine > r.line ? r.endLine - 1 : r.endLine; };
  const visit = (stmts: SyntaxNode[]): void => {
    for (const s of stmts) {
      const a = src.range(s).line, b = lastLine(s);
      if (b < from || a > to) continue;
      if (a >= from && b <= to) { out.push(s); continue; }
      const bodies = kids(s).filter((k) => k.name === 'Body');
      if (!bodies.length || a >= from) throw new PythonError('unsupported', `the selection cuts the statement on line ${a + 1}: select whole statements`, src.range(s));
      for (const body of bodies) visit(kids(body).filter((k) => k.name !== ':'));
    }
  };
  visit(kids(src.top));
  if (!out.length) throw new PythonError('unsupported', 'the selection holds no complete statement', { line: from, col: 0, endLine: to, endCol: 0 });
  return out;
}

/**
 * Runs the code and returns the interpreter with the loss found, before differentiation: Check
 * Backward Pass runs the same way. Exported for it.
 */
export function runPython(text: string, opts: PyTraceOptions = {}): { ip: Interpreter; assumed: AssumedValue[]; selectedFrom: number } {
  const src = new PySource(text);
  const annotations = readAnnotations(text).filter((a): a is ValueAnnotation => a.kind === 'value');
  const assumed: AssumedValue[] = [];
  const pending = new Map<string, { value: Value; range: SourceRange; floaty: boolean }>();
  const seed = opts.seed ?? 0;
  let ip: Interpreter;
  const resolving = new Set<string>();
  // the shapes the traced statements imply for their free variables, worked out when the first one
  // is needed (not during the lines above a selection: those are not what the guess reads)
  // (`typed`: with the values typed in the panel known, so a typed H = 5 sizes what H sizes; without
  // them, to tell whether a typed name is used as a whole number)
  const guesses = new Map<boolean, Map<string, ShapeGuess>>();
  let guessShapes: ((typed: boolean) => Map<string, ShapeGuess>) | undefined;
  const guessOf = (name: string, typed = true): ShapeGuess | undefined => {
    if (!guessShapes) return undefined;
    let g = guesses.get(typed);
    if (!g) {
      try {
        g = guessShapes(typed);
      } catch (e) {
        // the guess is a convenience: code it cannot read gets numbers, as before there was one
        if (e instanceof PythonError || !(e instanceof Error)) throw e;
        g = new Map();
      }
      guesses.set(typed, g);
    }
    return g.get(name);
  };
  const skipped = new Map<string, number>();
  const resolveFree = (name: string): Value | undefined => {
    if (resolving.has(name)) return undefined;
    resolving.add(name);
    try {
      const typed = opts.values?.[name];
      const block = skipped.get(name);
      if (typed === undefined && block !== undefined) {
        throw new PythonError('unsupported', `${name} is set inside the block on line ${block + 1}, above the selection, which the selection does not run: select from line ${block + 1} so ${name} is computed`, ip.rt.at);
      }
      if (typed !== undefined) {
        // a size or an index stays a whole number (or a list of them), never a parameter
        const replaced = pending.get(name), guess = guessOf(name, false);
        const whole = (guess !== undefined && guess.kind !== 'array') || (replaced !== undefined && typeof replaced.value === 'number' && Number.isInteger(replaced.value) && !replaced.floaty);
        pending.delete(name);
        let v: Value;
        if (whole) {
          const items = typeof typed === 'number' ? [typed] : typed.flat(4);
          if (!items.every((x) => typeof x === 'number' && Number.isInteger(x))) throw new PythonError('runtime', `${name} must be a whole number or a list of them, as the code uses it`, ip.rt.at);
          v = typeof typed === 'number' ? typed : { kind: 'list', items: items as number[] };
        } else {
          let t: Tensor | number = typed as number;
          if (typeof typed !== 'number') {
            try { t = fromNested(typed, name); } catch (e) { throw new PythonError('runtime', `the value typed for ${(e as Error).message}`, ip.rt.at); }
          }
          v = ip.toParam(name, typeof t === 'number' ? t : ip.rt.arr(ip.rt.g.constant(t)), true, ip.rt.at, 'annotation');
        }
        assumed.push({ name, origin: 'typed', value: typed, ...(whole ? { whole: true } : {}) });
        ip.module.vars.set(name, v);
        return v;
      }
      const p = pending.get(name);
      if (p !== undefined) {
        pending.delete(name);
        const v = ip.toParam(name, p.value, p.floaty, p.range, 'assignment');
        if (isArr(v) || typeof v === 'number') assumed.push({ name, origin: 'assignment', line: p.range.line, value: nestedOf(ip, v), ...(typeof v === 'number' && Number.isInteger(v) ? { whole: true } : {}) });
        ip.module.vars.set(name, v);
        return v;
      }
      const ann = annotations.find((a) => a.name === name);
      if (ann) {
        const asrc = new PySource(ann.expr, ann.line, ann.col);
        const saved = ip.src;
        ip.src = asrc;
        let v: Value;
        try {
          const stmt = kids(asrc.top)[0];
          if (!stmt || stmt.name !== 'ExpressionStatement') throw new PythonError('unsupported', `the annotation of ${name} is not an expression`, ann.range);
          v = ip.eval(kids(stmt)[0]);
        } finally {
          ip.src = saved;
        }
        v = ip.toParam(name, v, /[.eE]/.test(ann.expr), ann.range, 'annotation');
        assumed.push({ name, origin: 'annotation', line: ann.line, value: nestedOf(ip, v) });
        ip.module.vars.set(name, v);
        return v;
      }
      if (/^[a-z_]\w*$/i.test(name) && !['np', 'numpy', 'math'].includes(name)) {
        const guess = guessOf(name);
        if (guess?.kind === 'array') ip.rt.checkSize(guess.shape); // before allocating a guessed N x N
        const { value, shape, indices } = seeded(name, seed, guess);
        const v: Value = indices ? { kind: 'list', items: indices }
          : guess?.kind === 'int' || guess?.kind === 'index' ? value as number
          : ip.toParam(name, typeof value === 'number' ? value : ip.rt.arr(ip.rt.g.constant(value)), true, ip.rt.at, 'random');
        assumed.push({ name, origin: 'random', value: indices ?? nestedOf(ip, v), ...(shape ? { shape } : {}), ...(!isArr(v) && guess && guess.kind !== 'array' ? { whole: true } : {}) });
        ip.module.vars.set(name, v);
        return v;
      }
      return undefined;
    } finally {
      resolving.delete(name);
    }
  };
  ip = new Interpreter(src, {
    limits: { ...DEFAULT_LIMITS, ...opts.limits },
    reluAtZero: opts.reluAtZero,
    ...(opts.graph ? { graph: opts.graph } : {}),
    resolveFree,
    topLevelParams: true,
  });
  const top = kids(src.top);
  const lossNames = opts.lossNames ?? LOSS_NAMES;
  if (!opts.lines) {
    guessShapes = (typed) => inferShapes(src, top, { known: typed ? typedKnown(opts.values) : new Map(), lossNames });
    ip.execBlock(top);
    return { ip, assumed, selectedFrom: 0 };
  }
  const from = opts.lines.from - 1, to = opts.lines.to - 1;
  const selected = selectStatements(src, from, to);
  // names a loop, if or other block above the selection assigns: the prelude does not run those
  // blocks, so their values would be stale; the selection must not read them
  for (const s of top) {
    const r = src.range(s);
    if (r.line >= from || !/Statement$/.test(s.name) || ['AssignStatement', 'UpdateStatement', 'ExpressionStatement', 'ImportStatement', 'PassStatement'].includes(s.name)) continue;
    for (const name of assignedIn(s, src)) skipped.set(name, r.line);
  }
  // the prelude: imports and defs of the whole file, and assignments before the selection
  ip.opts.topLevelParams = false;
  for (const s of top) {
    const r = src.range(s);
    const before = r.endLine < from || (r.endLine === from && r.endCol === 0);
    const seeding = s.name === 'ExpressionStatement' && /random\.seed\s*\(/.test(src.textOf(s));
    if (!(s.name === 'ImportStatement' || s.name === 'FunctionDefinition' || (before && (s.name === 'AssignStatement' || seeding)))) continue;
    if (r.line <= from && r.endLine >= to && s.name === 'FunctionDefinition') continue;
    try {
      ip.exec(s);
      if (s.name === 'AssignStatement') {
        for (const k of kids(s)) if (k.name === 'VariableName') {
          const name = src.textOf(k);
          const v = ip.module.vars.get(name);
          const rhs = src.textOf(s).split('=').slice(1).join('=');
          if (v !== undefined && (isArr(v) || typeof v === 'number')) pending.set(name, { value: v, range: r, floaty: /\d\.|\.\d|\d[eE]/.test(rhs) });
        }
      }
    } catch (e) {
      if (!(e instanceof PythonError)) throw e; // a prelude line outside the subset only loses its values
    }
  }
  const known = new Map<string, KnownValue>();
  for (const [name, v] of ip.module.vars) known.set(name, knownOf(ip, v));
  for (const [name, p] of pending) known.set(name, knownOf(ip, p.value));
  const withTyped = new Map([...known, ...typedKnown(opts.values)]);
  guessShapes = (typed) => inferShapes(src, selected, { known: typed ? withTyped : known, lossNames });
  for (const name of pending.keys()) ip.module.vars.delete(name);
  ip.opts.topLevelParams = true;
  const selectedFrom = ip.rt.g.size; // the nodes before are the prelude's
  try {
    ip.execBlock(selected);
  } catch (e) {
    const guessed = assumed.filter((a) => a.origin === 'random');
    if (!(e instanceof PythonError) || !guessed.length) throw e;
    const names = guessed.map((a) => `${a.name}${a.shape?.length ? ` (${a.shape.join('x')})` : ''}`).join(', ');
    throw new PythonError(e.kind, `${e.detail} (the selection does not define ${names}: ${guessed.length > 1 ? 'they were' : 'it was'} given seeded random values, shaped by their use; select the lines that define ${guessed.length > 1 ? 'them' : 'it'} or add a comment # gradient-lens: ${guessed[0].name} = ...)`, e.range);
  }
  return { ip, assumed, selectedFrom };
}

/** The variables a statement's body assigns (x = ..., x += ..., for x in ...), at any depth. */
function assignedIn(n: SyntaxNode, src: PySource, out = new Set<string>()): Set<string> {
  const ks = kids(n);
  const op = ks.findIndex((k) => k.name === 'AssignOp' || k.name === 'UpdateOp' || k.name === 'in');
  if ((n.name === 'AssignStatement' || n.name === 'UpdateStatement' || n.name === 'ForStatement') && op > 0) {
    for (const k of ks.slice(0, op)) if (k.name === 'VariableName') out.add(src.textOf(k));
  }
  for (const k of ks) if (k.name !== 'FunctionDefinition') assignedIn(k, src, out);
  return out;
}

/**
 * The value a free variable gets when nothing gives one: seeded normal numbers in the shape the code
 * implies (N(0, 1/n) for an m x n matrix, so a tanh layer does not start saturated; |N(0, 1)| + 0.1
 * where it is the argument of log or sqrt), a whole number for a size, a seeded index below the
 * length it indexes, and a number (the lecture's scalars) when the use says nothing.
 */
export function seeded(name: string, seed: number, guess: ShapeGuess | undefined): { value: number | Tensor; shape?: number[]; indices?: number[] } {
  const draw = normal(mulberry32(fnv1a(name) ^ seed));
  if (guess?.kind === 'int') return { value: guess.value };
  if (guess?.kind === 'index') return { value: ((fnv1a(name) ^ seed) >>> 0) % guess.below };
  if (guess?.kind === 'indices') {
    const rand = mulberry32(fnv1a(name) ^ seed);
    return { value: 0, indices: Array.from({ length: guess.length }, () => Math.floor(rand() * guess.below)) };
  }
  const shape = guess?.kind === 'array' ? guess.shape : [];
  const positive = guess?.kind === 'array' && guess.positive;
  const scale = shape.length === 2 && !positive ? 1 / Math.sqrt(shape[1]) : 1;
  const data = new Float64Array(sizeOf(shape));
  for (let i = 0; i < data.length; i++) data[i] = positive ? Math.abs(draw()) + 0.1 : draw() * scale;
  return shape.length ? { value: tensor(shape, data), shape } : { value: data[0] };
}

/** Values typed in the panel, as the shape guess reads them: a typed H = 5 sizes what H sizes. */
function typedKnown(values: PyTraceOptions['values']): Map<string, KnownValue> {
  const out = new Map<string, KnownValue>();
  for (const [name, v] of Object.entries(values ?? {})) {
    if (typeof v === 'number') { out.set(name, { kind: 'number', value: v }); continue; }
    out.set(name, { kind: 'array', shape: nestedShape(v) });
  }
  return out;
}

function knownOf(ip: Interpreter, v: Value): KnownValue {
  if (typeof v === 'number') return { kind: 'number', value: v };
  if (v && typeof v === 'object' && (v.kind === 'func' || v.kind === 'builtin' || v.kind === 'module')) return { kind: 'function' };
  if (isArr(v)) return { kind: 'array', shape: ip.rt.g.shapeOf(ip.rt.nodeOf(v)) };
  if (v && typeof v === 'object' && (v.kind === 'list' || v.kind === 'tuple') && v.items.length <= 10_000) return { kind: 'list', items: v.items.map((x) => knownOf(ip, x)) };
  return { kind: 'other' };
}

function nestedOf(ip: Interpreter, v: Value): Nested {
  return isArr(v) ? toNested(ip.rt.g.value(ip.rt.nodeOf(v))) : (v as number);
}

/** The loss: a variable named loss, L or J at the end, else the last scalar array assigned. */
export function findLoss(ip: Interpreter, names: readonly string[] = LOSS_NAMES): { name: string; node: NodeId } {
  const g = ip.rt.g;
  for (const name of names) {
    const v = ip.module.vars.get(name);
    if (v === undefined) continue;
    if (!isArr(v)) throw new PythonError('runtime', `the loss ${name} is a ${typeof v === 'number' ? 'number that depends on no parameter' : 'value that is not a number'}`, ip.stmtRange);
    const id = ip.rt.nodeOf(v);
    if (g.sizeOf(id) !== 1) throw new PythonError('runtime', `the loss ${name} must be a single number, not an array of shape (${g.shapeOf(id).join(', ')})`, ip.stmtRange);
    return { name, node: g.shapeOf(id).length ? g.reshape(id, []) : id };
  }
  if (ip.lastScalar) return { name: ip.lastScalar.name, node: ip.rt.nodeOf(ip.lastScalar.arr) };
  throw new PythonError('runtime', 'no loss found: name the loss loss, L or J', ip.stmtRange);
}

export function tracePython(text: string, opts: PyTraceOptions = {}): PyTrace {
  const { ip, assumed } = runPython(text, opts);
  const g = ip.rt.g;
  const loss = findLoss(ip, opts.lossNames);
  g.setMeta({});
  const gradients = g.backward(loss.node);
  const feeds = ancestors(g, loss.node);
  const params = ip.params.filter((p) => p.id <= loss.node && feeds[p.id]).map((p) => ({
    ...p, value: toNested(g.value(p.id)), grad: toNested(gradients.get(p.id)),
  }));
  return {
    graph: g, interpreter: ip, loss: { ...loss, value: g.scalar(loss.node) }, params,
    assumed: assumed.filter((a) => a.whole || params.some((p) => p.name === a.name)),
    hidden: findHidden(g, ip.events, loss.node, feeds, gradients), gradients, events: ip.events,
  };
}
