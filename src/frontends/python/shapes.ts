/**
 * Guesses the shape of every free variable (a name the traced code reads but nothing defines) from
 * how the code uses it, so a selected forward pass that reads weights defined elsewhere runs on
 * arrays of a shape that fits: `W_h @ h` makes W_h a matrix whose columns match h, `xs[t]` makes xs
 * a sequence, `+ b` gives b the shape of what it is added to, `range(T)` makes T a whole number, and
 * the loss is one number. Unification over type and dimension variables, without running anything.
 *
 * It is a guess, never an error: what the analysis does not understand stays unknown, and an unknown
 * free variable is a number, as in the lecture's scalar RNN. Dimensions nothing fixes get a small
 * default size (3; 4 for sequence lengths).
 */
import type { SyntaxNode } from '@lezer/common';
import type { PySource } from './syntax';
import { kids } from './syntax';

export const DEFAULT_DIM = 3;
export const DEFAULT_STEPS = 4;

/** What the analysis concluded about one free variable. */
export type ShapeGuess =
  | { kind: 'array'; shape: number[]; positive: boolean }
  | { kind: 'int'; value: number }
  /** a whole number used as an index into something of this length */
  | { kind: 'index'; below: number }
  /** a list of such indices (the targets of a character model) */
  | { kind: 'indices'; length: number; below: number };

/** What is known before the analyzed statements run (the lines above a selection). */
export type KnownValue =
  | { kind: 'number'; value: number }
  | { kind: 'array'; shape: readonly number[] }
  | { kind: 'list'; items: KnownValue[] }
  | { kind: 'other' }
  /** a function of the file: its definition is analyzed at each call */
  | { kind: 'function' };

class Dim {
  parent: Dim | null = null;
  constructor(public size: number | null, public pref = DEFAULT_DIM) {}
}

type T =
  | { k: 'unknown' }
  | { k: 'array'; dims: Dim[] }
  | { k: 'list'; elem: Ty; len: Dim }
  | { k: 'dict'; elem: Ty }
  | { k: 'tuple'; items: Ty[] }
  /** a whole number: its value as a dimension, and for an index, the length it indexes (range(T)'s t) */
  | { k: 'int'; dim: Dim; below?: Dim; minusOne?: boolean }
  | { k: 'other' };

class Ty {
  parent: Ty | null = null;
  constructor(public t: T) {}
}

const dfind = (d: Dim): Dim => { while (d.parent) d = d.parent; return d; };
const find = (x: Ty): Ty => { while (x.parent) x = x.parent; return x; };
const unknown = (): Ty => new Ty({ k: 'unknown' });
const other = (): Ty => new Ty({ k: 'other' });
const array = (dims: Dim[]): Ty => new Ty({ k: 'array', dims });
const fresh = (pref = DEFAULT_DIM): Dim => new Dim(null, pref);
const constDim = (n: number): Dim => new Dim(n);

function unifyDim(a: Dim, b: Dim): void {
  a = dfind(a); b = dfind(b);
  if (a === b) return;
  if (a.size !== null && b.size !== null) return; // a conflict the run itself will report
  if (a.size !== null) { b.parent = a; return; }
  b.pref = Math.max(a.pref, b.pref);
  a.parent = b;
}

function bind(u: Ty, t: T): void {
  u.t = t;
}

function unify(a: Ty, b: Ty): void {
  a = find(a); b = find(b);
  if (a === b) return;
  if (a.t.k === 'unknown') { a.parent = b; return; }
  if (b.t.k === 'unknown') { b.parent = a; return; }
  const x = a.t, y = b.t;
  if (x.k === 'array' && y.k === 'array' && x.dims.length === y.dims.length) x.dims.forEach((d, i) => unifyDim(d, y.dims[i]));
  else if (x.k === 'list' && y.k === 'list') { unify(x.elem, y.elem); unifyDim(x.len, y.len); }
  else if (x.k === 'dict' && y.k === 'dict') unify(x.elem, y.elem);
  else if (x.k === 'tuple' && y.k === 'tuple' && x.items.length === y.items.length) x.items.forEach((it, i) => unify(it, y.items[i]));
  else if (x.k === 'int' && y.k === 'int') unifyDim(x.dim, y.dim);
}

/** The rank-0 arrays and whole numbers broadcast like numbers. */
function isScalarLike(t: T): boolean {
  return (t.k === 'array' && t.dims.length === 0) || t.k === 'int';
}

const ELEMENTWISE = new Set(['tanh', 'exp', 'log', 'sqrt', 'abs', 'absolute', 'sin', 'cos', 'copy', 'negative', 'square', 'sign', 'log1p', 'expm1', 'sigmoid', 'relu', 'softmax', 'softplus', 'clip', 'float64', 'nan_to_num']);
const REDUCTIONS = new Set(['sum', 'mean', 'max', 'min', 'prod', 'linalg.norm', 'norm', 'var', 'std']);
const CREATORS = new Set(['zeros', 'ones', 'empty', 'random.randn', 'random.rand', 'random.standard_normal', 'full']);
const HELPERS = new Set(['sigmoid', 'relu', 'tanh', 'softmax', 'softplus', 'dsigmoid', 'drelu', 'dtanh', 'log_softmax', 'abs']);
const MODULES = new Set(['np', 'numpy', 'math']);
const LOSS_NAMES = ['loss', 'L', 'J'];
const MAX_CALL_DEPTH = 8;
const MAX_WORK = 200_000;

interface Frame { vars: Map<string, Ty>; ret?: Ty }

export interface ShapeInferenceOptions {
  /** values defined before the analyzed statements (the lines above a selection) */
  known?: ReadonlyMap<string, KnownValue>;
  /** the loss's names, in order of preference: the loss is one number */
  lossNames?: readonly string[];
}

class Shapes {
  readonly free = new Map<string, Ty>();
  readonly positive = new Set<string>();
  private readonly module: Frame = { vars: new Map() };
  private readonly frames: Frame[] = [this.module];
  private readonly funcs = new Map<string, SyntaxNode>();
  private readonly calling = new Set<string>();
  private work = 0;
  private loops = 0;
  /** column vectors (n, 1), as in min-char-rnn, when the code or the values above it use them */
  private readonly columns: boolean;

  constructor(private readonly src: PySource, known: ReadonlyMap<string, KnownValue>, stmts: readonly SyntaxNode[]) {
    // the analyzed statements' own text (not the rest of the file: a print(round(x, 1)) elsewhere
    // says nothing about this code's vectors)
    const own = stmts.map((n) => src.text.slice(n.from, n.to)).join('\n');
    let columns = /\(\s*[\w.]+\s*,\s*1\s*\)|\[\s*[\w.+-]+\s*,\s*0\s*\]/.test(own);
    for (const [name, v] of known) {
      if (v.kind !== 'function') this.module.vars.set(name, this.fromKnown(v));
      if (v.kind === 'array' && v.shape.length === 2 && v.shape[1] === 1) columns = true;
    }
    this.columns = columns;
    for (const s of kids(src.top)) if (s.name === 'FunctionDefinition') this.funcs.set(this.text(kids(s)[1]), s);
  }

  private fromKnown(v: KnownValue): Ty {
    switch (v.kind) {
      case 'number': return Number.isInteger(v.value) ? new Ty({ k: 'int', dim: constDim(v.value) }) : array([]);
      case 'array': return array(v.shape.map(constDim));
      case 'list': {
        const elem = unknown();
        for (const it of v.items) unify(elem, this.fromKnown(it));
        return new Ty({ k: 'list', elem, len: constDim(v.items.length) });
      }
      default: return other();
    }
  }

  private text(n: SyntaxNode): string {
    return this.src.text.slice(n.from, n.to);
  }

  private get frame(): Frame { return this.frames[this.frames.length - 1]; }

  private lookup(name: string): Ty {
    const local = this.frame.vars.get(name) ?? this.module.vars.get(name);
    if (local) return local;
    if (MODULES.has(name) || this.funcs.has(name)) return other();
    let f = this.free.get(name);
    if (!f) {
      f = unknown();
      this.free.set(name, f);
      this.module.vars.set(name, f);
    }
    return f;
  }

  private assign(name: string, v: Ty): void {
    const vars = this.frame.vars;
    const before = vars.get(name);
    // a free variable the code then assigns (h = tanh(W @ h + ...)) is the initial value of a
    // recurrence: it has the shape of what the loop computes
    if (before && this.free.get(name) === before) unify(before, v);
    // inside a loop, an array assigned again with the same rank is a recurrence (h = tanh(W @ h)):
    // the shape the loop computes is the shape it started with
    else if (before && this.loops > 0) {
      const a = find(before).t, b = find(v).t;
      if (a.k === 'array' && b.k === 'array' && a.dims.length === b.dims.length && a.dims.length) unify(before, v);
    }
    vars.set(name, v);
  }

  run(stmts: readonly SyntaxNode[]): void {
    for (const s of stmts) this.stmt(s);
  }

  private block(s: SyntaxNode, loop = false): void {
    if (loop) this.loops++;
    try {
      for (const b of kids(s)) if (b.name === 'Body') this.run(kids(b).filter((k) => k.name !== ':'));
    } finally {
      if (loop) this.loops--;
    }
  }

  private stmt(s: SyntaxNode): void {
    if (++this.work > MAX_WORK) return;
    const ks = kids(s);
    switch (s.name) {
      case 'ExpressionStatement': this.ty(ks[0]); return;
      case 'AssignStatement': {
        const groups: SyntaxNode[][] = [[]];
        for (const k of ks) if (k.name === 'AssignOp') groups.push([]); else if (k.name !== 'TypeDef') groups[groups.length - 1].push(k);
        const last = groups[groups.length - 1];
        const vals = last.filter((k) => k.name !== ',');
        const v = last.some((k) => k.name === ',') ? new Ty({ k: 'tuple', items: vals.map((x) => this.ty(x)) }) : this.ty(vals[0]);
        for (const g of groups.slice(0, -1)) {
          const targets = g.filter((k) => k.name !== ',');
          if (targets.length > 1 || g.some((k) => k.name === ',')) this.unpack(targets, v);
          else this.target(targets[0], v);
        }
        return;
      }
      case 'UpdateStatement': {
        const v = this.ty(ks[ks.length - 1]);
        const x = this.ty(ks[0]);
        const op = this.text(ks[1]);
        if (op === '@=') this.matmul(x, v); else this.broadcast(x, v);
        return;
      }
      case 'IfStatement': case 'WhileStatement':
        for (const k of ks) if (k.name !== 'Body' && !['if', 'elif', 'else', 'while'].includes(k.name)) this.ty(k);
        this.block(s, s.name === 'WhileStatement');
        return;
      case 'ForStatement': {
        const inAt = ks.findIndex((k) => k.name === 'in');
        if (inAt < 0) return;
        const elem = this.elementOf(this.ty(ks[inAt + 1]));
        const targets = ks.slice(1, inAt).filter((k) => k.name !== ',');
        if (targets.length === 1) this.target(targets[0], elem); else this.unpack(targets, elem);
        this.block(s, true);
        return;
      }
      case 'FunctionDefinition':
        if (this.frame !== this.module) this.frame.vars.set(this.text(ks[1]), other());
        return;
      case 'ReturnStatement': {
        const vs = ks.slice(1).filter((k) => k.name !== ',');
        if (!vs.length) return;
        const v = vs.length > 1 || ks.some((k) => k.name === ',') ? new Ty({ k: 'tuple', items: vs.map((x) => this.ty(x)) }) : this.ty(vs[0]);
        if (this.frame.ret) unify(this.frame.ret, v); else this.frame.ret = v;
        return;
      }
      default: return;
    }
  }

  private unpack(targets: SyntaxNode[], v: Ty): void {
    const t = find(v).t;
    targets.forEach((n, i) => {
      const item = t.k === 'tuple' && t.items.length === targets.length ? t.items[i] : t.k === 'list' ? t.elem : unknown();
      this.target(n, item);
    });
  }

  private target(n: SyntaxNode, v: Ty): void {
    if (n.name === 'VariableName') return this.assign(this.text(n), v);
    if (n.name === 'TupleExpression' || n.name === 'ArrayExpression' || n.name === 'ParenthesizedExpression') {
      return this.unpack(kids(n).filter((k) => !['(', ')', '[', ']', ','].includes(k.name)), v);
    }
    if (n.name === 'MemberExpression') {
      const ks = kids(n);
      if (ks[1]?.name !== '[') return;
      const obj = find(this.ty(ks[0]));
      const parts = ks.slice(2, -1);
      const idx = parts.filter((p) => p.name !== ':' && p.name !== ',').map((p) => this.ty(p));
      if (parts.some((p) => p.name === ':')) return;
      if (obj.t.k === 'dict') return unify(obj.t.elem, v);
      // x[inputs[t]] = 1 (a one-hot vector): what indexes an array or a list is a whole number below its length
      const dims = obj.t.k === 'array' ? obj.t.dims : obj.t.k === 'list' ? [obj.t.len] : [];
      idx.forEach((it, j) => this.indexInto(it, dims[j]));
      if (obj.t.k === 'list' && idx.length === 1) unify(obj.t.elem, v);
    }
  }

  /** What a `for` over a value of this type binds. */
  private elementOf(x: Ty): Ty {
    const r = find(x), t = r.t;
    switch (t.k) {
      case 'unknown': {
        const elem = unknown();
        bind(r, { k: 'list', elem, len: fresh(DEFAULT_STEPS) });
        return elem;
      }
      case 'list': return t.elem;
      case 'array': return t.dims.length ? array(t.dims.slice(1)) : other();
      case 'tuple': {
        const elem = unknown();
        for (const it of t.items) unify(elem, it);
        return elem;
      }
      default: return other();
    }
  }

  ty(n: SyntaxNode): Ty {
    if (++this.work > MAX_WORK) return unknown();
    const ks = kids(n);
    switch (n.name) {
      case 'Number': {
        const s = this.text(n).replace(/_/g, '');
        return /^\d+$/.test(s) ? new Ty({ k: 'int', dim: constDim(Number(s)) }) : array([]);
      }
      case 'VariableName': return this.lookup(this.text(n));
      case 'ParenthesizedExpression': return this.ty(ks[1]);
      case 'TupleExpression': return new Ty({ k: 'tuple', items: this.items(ks) });
      case 'ArrayExpression': {
        const elem = unknown(), items = this.items(ks);
        for (const it of items) unify(elem, it);
        return new Ty({ k: 'list', elem, len: constDim(items.length) });
      }
      case 'DictionaryExpression': {
        const elem = unknown(), parts = ks.filter((k) => !['{', '}', ',', ':'].includes(k.name));
        for (let i = 0; i + 1 < parts.length; i += 2) { this.ty(parts[i]); unify(elem, this.ty(parts[i + 1])); }
        return new Ty({ k: 'dict', elem });
      }
      case 'UnaryExpression': {
        const x = this.ty(ks[1]);
        if (this.text(ks[0]) === 'not') return other();
        // -1 is not the size 1 (reshape(-1, 1)); -x of an array has x's shape
        return find(x).t.k === 'int' ? new Ty({ k: 'int', dim: fresh(), ...(this.text(n).replace(/\s/g, '') === '-1' ? { minusOne: true } : {}) }) : x;
      }
      case 'BinaryExpression': {
        const op = ks.slice(1, -1).map((k) => this.text(k)).join(' ');
        const a = this.ty(ks[0]), b = this.ty(ks[ks.length - 1]);
        if (op === '@') return this.matmul(a, b);
        if (['and', 'or', 'in', 'not in', 'is', 'is not'].includes(op)) return other();
        return this.broadcast(a, b, op === '+' || op === '-' ? 'same' : /^[<>=!]/.test(op) ? 'none' : 'scale');
      }
      case 'ConditionalExpression': {
        const a = this.ty(ks[0]);
        this.ty(ks[2]);
        unify(a, this.ty(ks[4]));
        return a;
      }
      case 'MemberExpression': {
        if (ks[1]?.name === '.') return this.attribute(ks[0], this.text(ks[2]));
        return this.subscript(this.ty(ks[0]), ks.slice(2, -1));
      }
      case 'CallExpression': return this.call(n);
      case 'ArrayComprehensionExpression': return new Ty({ k: 'list', elem: unknown(), len: fresh(DEFAULT_STEPS) });
      default: return other();
    }
  }

  private items(ks: SyntaxNode[]): Ty[] {
    return ks.filter((k) => !['(', ')', '[', ']', ','].includes(k.name)).map((k) => this.ty(k));
  }

  private attribute(objNode: SyntaxNode, attr: string): Ty {
    if (objNode.name === 'VariableName' && MODULES.has(this.text(objNode))) return other();
    const x = find(this.ty(objNode));
    if (attr === 'T') {
      if (x.t.k === 'unknown') bind(x, { k: 'array', dims: [fresh(), fresh()] });
      return x.t.k === 'array' ? array([...x.t.dims].reverse()) : unknown();
    }
    if (attr === 'shape' && x.t.k === 'array') return new Ty({ k: 'tuple', items: x.t.dims.map((dim) => new Ty({ k: 'int', dim })) });
    if (attr === 'size' || attr === 'ndim') return new Ty({ k: 'int', dim: fresh() });
    return unknown();
  }

  private subscript(obj: Ty, parts: SyntaxNode[]): Ty {
    const typed = new Map<SyntaxNode, Ty>();
    const idx = parts.filter((p) => p.name !== ':' && p.name !== ',').map((p) => { const y = this.ty(p); typed.set(p, y); return y; });
    const x = find(obj), t = x.t;
    const sliced = parts.some((p) => p.name === ':');
    const commas = parts.filter((p) => p.name === ',').length;
    if (t.k === 'array' && (sliced || commas || parts.some((p) => p.name === 'None'))) {
      // x[:, None], W[:, j], X[1:3]: axis by axis, a whole slice keeps its length, None adds a 1
      const groups: SyntaxNode[][] = [[]];
      for (const p of parts) if (p.name === ',') groups.push([]); else groups[groups.length - 1].push(p);
      const out: Dim[] = [];
      let d = 0;
      for (const g of groups) {
        if (g.length === 1 && g[0].name === 'None') { out.push(constDim(1)); continue; }
        const dim = t.dims[d++];
        if (!dim) return unknown();
        if (g.some((p) => p.name === ':')) out.push(g.length === 1 ? dim : fresh());
        else if (g[0]) this.indexInto(typed.get(g[0]) ?? unknown(), dim);
      }
      return array([...out, ...t.dims.slice(d)]);
    }
    // (arrays are done above)
    if (sliced) return t.k === 'list' ? new Ty({ k: 'list', elem: t.elem, len: fresh(DEFAULT_STEPS) }) : unknown();
    if (commas) {
      if (t.k !== 'unknown') return unknown();
      // W[i, j] of a free W: a matrix of that many axes, read one number at a time
      const dims = idx.map(() => fresh());
      bind(x, { k: 'array', dims });
      idx.forEach((it, j) => this.indexInto(it, dims[j]));
      return array([]);
    }
    const first = idx[0] ? find(idx[0]).t : undefined;
    if (first && first.k !== 'int' && first.k !== 'unknown') return t.k === 'dict' ? t.elem : unknown();
    if (t.k === 'dict') return t.elem;
    const i = idx[0] ? this.indexInto(idx[0]) : undefined;
    switch (t.k) {
      case 'unknown': {
        const elem = unknown();
        bind(x, { k: 'list', elem, len: i?.below ?? fresh(DEFAULT_STEPS) });
        return elem;
      }
      case 'array':
        if (!t.dims.length) return unknown();
        if (idx[0]) this.indexInto(idx[0], t.dims[0]);
        return array(t.dims.slice(1));
      case 'list':
        if (idx[0]) this.indexInto(idx[0], t.len);
        return t.elem;
      case 'tuple': {
        const i = parts.length === 1 && parts[0].name === 'Number' ? Number(this.text(parts[0])) : NaN;
        return Number.isInteger(i) && t.items[i] ? t.items[i] : unknown();
      }
      default: return unknown();
    }
  }

  /** An index: a free variable used as one is a whole number below the length it indexes. */
  private indexInto(v: Ty, length?: Dim): { below?: Dim } {
    const r = find(v);
    if (r.t.k === 'unknown') bind(r, { k: 'int', dim: fresh(), below: length ?? fresh(DEFAULT_STEPS) });
    const t = find(r).t;
    if (t.k !== 'int') return {};
    if (length && t.below) unifyDim(t.below, length);
    else if (length) t.below = length;
    return { below: t.below };
  }

  /**
   * numpy broadcasting. `same` (+, -, np.maximum): a free variable added to an array has its shape
   * (a bias), two free ones share one; `scale` (*, /, **): a free factor stays a number (lam * W,
   * alpha * z), and the product follows the other operand (w * x follows x); `none` (comparisons).
   */
  private broadcast(a: Ty, b: Ty, mode: 'same' | 'scale' | 'none' = 'same'): Ty {
    const x = find(a), y = find(b);
    if (x.t.k === 'int' && y.t.k === 'int') return new Ty({ k: 'int', dim: fresh() });
    if (x.t.k === 'unknown' && y.t.k === 'unknown') {
      if (mode === 'same') unify(x, y);
      return mode === 'none' ? unknown() : y;
    }
    if (x.t.k === 'unknown') { if (mode === 'same' && !isScalarLike(y.t) && y.t.k === 'array') unify(x, y); return mode === 'same' ? x : y.t.k === 'array' ? y : x; }
    if (y.t.k === 'unknown') { if (mode === 'same' && !isScalarLike(x.t) && x.t.k === 'array') unify(y, x); return mode === 'same' ? y : x.t.k === 'array' ? x : y; }
    const da = x.t.k === 'array' ? x.t.dims : x.t.k === 'int' ? [] : null;
    const db = y.t.k === 'array' ? y.t.dims : y.t.k === 'int' ? [] : null;
    if (!da || !db) return unknown();
    const n = Math.max(da.length, db.length), out: Dim[] = [];
    for (let i = 0; i < n; i++) {
      const p = da[da.length - n + i], q = db[db.length - n + i];
      if (!p || !q) { out.push((p ?? q)!); continue; }
      const P = dfind(p), Q = dfind(q);
      if (P.size === 1) out.push(Q);
      else if (Q.size === 1) out.push(P);
      else { unifyDim(P, Q); out.push(P); }
    }
    return array(out);
  }

  private vector(n: Dim): Dim[] {
    return this.columns ? [n, constDim(1)] : [n];
  }

  /** A free variable's name, when `t` is one: W_h, x. */
  private nameOf(t: Ty): string | undefined {
    const r = find(t);
    for (const [name, v] of this.free) if (find(v) === r) return name;
    return undefined;
  }

  /**
   * The course's naming decides what a product's unknown operand is: a capitalised name (W_h, X,
   * Wq) is a matrix, a lowercase one (h, x, w_o) a vector, as in W_h @ h, X @ W_q and w_o @ h. An
   * operand that is not a name is a vector on the right and a matrix on the left.
   */
  private matmul(a: Ty, b: Ty): Ty {
    const x = find(a), y = find(b);
    const matrix = (t: Ty, left: boolean): boolean => {
      const name = this.nameOf(t);
      return name === undefined ? left : /^[A-Z]/.test(name);
    };
    if (x.t.k === 'unknown' && y.t.k === 'unknown') {
      const n = fresh();
      bind(x, { k: 'array', dims: matrix(x, true) ? [fresh(), n] : [n] });
      bind(y, { k: 'array', dims: matrix(y, false) ? [n, fresh()] : this.vector(n) });
    } else if (x.t.k === 'unknown' && y.t.k === 'array' && y.t.dims.length >= 1) {
      const inner = y.t.dims.length === 1 ? y.t.dims[0] : y.t.dims[y.t.dims.length - 2];
      bind(x, { k: 'array', dims: matrix(x, true) || y.t.dims.length === 2 && dfind(y.t.dims[1]).size === 1 ? [fresh(), inner] : [inner] });
    } else if (y.t.k === 'unknown' && x.t.k === 'array' && x.t.dims.length >= 1) {
      const inner = x.t.dims[x.t.dims.length - 1];
      bind(y, { k: 'array', dims: matrix(y, false) ? [inner, fresh()] : this.vector(inner) });
    }
    const p = find(x).t, q = find(y).t;
    if (p.k !== 'array' || q.k !== 'array' || !p.dims.length || !q.dims.length || p.dims.length > 2 || q.dims.length > 2) return unknown();
    const A = p.dims, B = q.dims;
    if (A.length === 1 && B.length === 1) { unifyDim(A[0], B[0]); return array([]); }
    if (A.length === 1) { unifyDim(A[0], B[0]); return array([B[1]]); }
    if (B.length === 1) { unifyDim(A[1], B[0]); return array([A[0]]); }
    unifyDim(A[1], B[0]);
    return array([A[0], B[1]]);
  }

  /** An int argument as a dimension: a literal, a whole number above, len(...), x.shape[0]. */
  private dimOf(v: Ty): Dim {
    const r = find(v);
    if (r.t.k === 'unknown') bind(r, { k: 'int', dim: fresh() });
    const t = find(r).t;
    return t.k === 'int' ? t.dim : fresh();
  }

  private dimsOf(args: Ty[]): Dim[] | null {
    if (args.length === 1) {
      const t = find(args[0]).t;
      if (t.k === 'tuple') return t.items.map((it) => this.dimOf(it));
      if (t.k === 'list' && dfind(t.len).size !== null) return null;
    }
    return args.map((a) => this.dimOf(a));
  }

  /** x.reshape(a, b) or np.reshape(x, (a, b)); a -1 is what the other sizes leave of x's size. */
  private reshape(x: Ty, args: Ty[]): Ty {
    const one = args.length === 1 ? find(args[0]).t : undefined;
    const items = one?.k === 'tuple' ? one.items : args;
    const src = find(x).t;
    const total = src.k === 'array' && src.dims.every((d) => dfind(d).size !== null) ? src.dims.reduce((n, d) => n * dfind(d).size!, 1) : null;
    const dims = items.map((it) => {
      const t = find(it).t;
      return t.k === 'int' && t.minusOne ? null : this.dimOf(it);
    });
    const known = dims.filter((d): d is Dim => d !== null).map((d) => dfind(d).size);
    return array(dims.map((d) => {
      if (d) return d;
      const rest = known.every((k) => k !== null) ? known.reduce((n, k) => n * k!, 1) : null;
      return total !== null && rest ? constDim(total / rest) : fresh();
    }));
  }

  private call(n: SyntaxNode): Ty {
    const [callee, argList] = kids(n);
    const argNodes: SyntaxNode[] = [], keywords = new Map<string, Ty>();
    const ks = argList ? kids(argList).filter((k) => !['(', ')', ','].includes(k.name)) : [];
    for (let i = 0; i < ks.length; i++) {
      if (ks[i + 1]?.name === 'AssignOp') { keywords.set(this.text(ks[i]), this.ty(ks[i + 2])); i += 2; }
      else argNodes.push(ks[i]);
    }
    const args = argNodes.map((k) => this.ty(k));
    const name = this.text(callee).replace(/\s+/g, '');
    const np = /^(?:np|numpy|math)\.(.+)$/.exec(name)?.[1];
    const positive = (i: number): void => {
      const a = argNodes[i];
      if (a?.name === 'VariableName' && this.free.get(this.text(a)) === this.lookup(this.text(a))) this.positive.add(this.text(a));
    };
    if (np !== undefined) {
      if (np === 'log' || np === 'sqrt') positive(0);
      if (ELEMENTWISE.has(np)) return args[0] ?? unknown();
      if (np === 'array' || np === 'asarray') return args[0] ? this.asArray(args[0]) : unknown();
      if (np === 'maximum' || np === 'minimum') return args.length === 2 ? this.broadcast(args[0], args[1]) : unknown();
      if (np === 'matmul') return args.length === 2 ? this.matmul(args[0], args[1]) : unknown();
      if (np === 'dot') {
        if (args.length !== 2) return unknown();
        return isScalarLike(find(args[0]).t) || isScalarLike(find(args[1]).t) ? this.broadcast(args[0], args[1]) : this.matmul(args[0], args[1]);
      }
      if (np === 'outer') return args.length === 2 ? array([this.vectorLength(args[0]), this.vectorLength(args[1])]) : unknown();
      if (REDUCTIONS.has(np)) return args.length > 1 || keywords.has('axis') ? unknown() : array([]);
      if (np === 'zeros_like' || np === 'ones_like' || np === 'empty_like') return args[0] ? this.like(args[0]) : unknown();
      if (np === 'transpose') return args[0] ? this.transpose(args[0]) : unknown();
      if (np === 'reshape') return args.length === 2 ? this.reshape(args[0], [args[1]]) : unknown();
      if (CREATORS.has(np)) {
        const dims = this.dimsOf(np === 'full' ? args.slice(0, 1) : args);
        return dims ? array(dims) : unknown();
      }
      if (np === 'eye' || np === 'identity') { const d = args[0] ? this.dimOf(args[0]) : fresh(); return array([d, d]); }
      return unknown();
    }
    if (callee.name === 'MemberExpression' && kids(callee)[1]?.name === '.') {
      const attr = this.text(kids(callee)[2]);
      const obj = this.ty(kids(callee)[0]);
      const t = find(obj).t;
      if (attr === 'append' && args[0]) {
        const r = find(obj);
        if (r.t.k === 'unknown') bind(r, { k: 'list', elem: unknown(), len: fresh(DEFAULT_STEPS) });
        const now = find(r).t;
        if (now.k === 'list') unify(now.elem, args[0]);
        return other();
      }
      if (attr === 'copy' || attr === 'astype') return obj;
      if (REDUCTIONS.has(attr)) return args.length || keywords.has('axis') ? unknown() : array([]);
      if (attr === 'item') return array([]);
      if (attr === 'dot' && args[0]) return this.matmul(obj, args[0]);
      if (attr === 'reshape') return this.reshape(obj, args);
      if (attr === 'flatten' || attr === 'ravel') return array([fresh()]);
      return t.k === 'dict' && attr === 'get' ? t.elem : unknown();
    }
    if (callee.name !== 'VariableName') return unknown();
    const local = this.frame.vars.get(name) ?? this.module.vars.get(name);
    const def = this.funcs.get(name);
    if (def && !local) return this.callUser(name, def, args, keywords);
    switch (name) {
      case 'len': {
        const x = find(args[0] ?? unknown());
        if (x.t.k === 'unknown') bind(x, { k: 'list', elem: unknown(), len: fresh(DEFAULT_STEPS) });
        const t = find(x).t;
        return new Ty({ k: 'int', dim: t.k === 'list' ? t.len : t.k === 'array' && t.dims.length ? t.dims[0] : fresh() });
      }
      case 'range': {
        for (const a of args) this.dimOf(a);
        const stop = args.length === 1 ? dfind(this.dimOf(args[0])) : fresh(DEFAULT_STEPS);
        stop.pref = Math.max(stop.pref, DEFAULT_STEPS);
        return new Ty({ k: 'list', elem: new Ty({ k: 'int', dim: fresh(), ...(args.length === 1 ? { below: stop } : {}) }), len: stop });
      }
      case 'reversed': case 'list': case 'tuple': case 'sorted': return args[0] ?? unknown();
      case 'enumerate': return new Ty({ k: 'list', elem: new Ty({ k: 'tuple', items: [new Ty({ k: 'int', dim: fresh() }), this.elementOf(args[0] ?? unknown())] }), len: fresh(DEFAULT_STEPS) });
      case 'zip': return new Ty({ k: 'list', elem: new Ty({ k: 'tuple', items: args.map((a) => this.elementOf(a)) }), len: fresh(DEFAULT_STEPS) });
      case 'float': return array([]);
      case 'int': case 'round': return new Ty({ k: 'int', dim: fresh() });
      case 'max': case 'min': return args.length === 2 ? this.broadcast(args[0], args[1]) : unknown();
      case 'print': return other();
    }
    return !local && HELPERS.has(name) ? args[0] ?? unknown() : unknown();
  }

  /** np.array of nested lists: the lists' lengths, then the elements' shape */
  private asArray(v: Ty): Ty {
    const dims: Dim[] = [];
    let t = find(v).t;
    while (t.k === 'list' && dims.length < 8) {
      dims.push(t.len);
      t = find(t.elem).t;
    }
    if (t.k === 'array') return array([...dims, ...t.dims]);
    return t.k === 'unknown' || t.k === 'int' ? array(dims) : unknown();
  }

  private vectorLength(v: Ty): Dim {
    const x = find(v);
    if (x.t.k === 'unknown') bind(x, { k: 'array', dims: [fresh()] });
    const t = find(x).t;
    return t.k === 'array' && t.dims.length ? t.dims[0] : fresh();
  }

  private like(v: Ty): Ty {
    const t = find(v).t;
    return t.k === 'array' ? array(t.dims) : v;
  }

  private transpose(v: Ty): Ty {
    const x = find(v);
    if (x.t.k === 'unknown') bind(x, { k: 'array', dims: [fresh(), fresh()] });
    const t = find(x).t;
    return t.k === 'array' ? array([...t.dims].reverse()) : unknown();
  }

  private callUser(name: string, def: SyntaxNode, args: Ty[], keywords: Map<string, Ty>): Ty {
    if (this.calling.has(name) || this.frames.length > MAX_CALL_DEPTH) return unknown();
    const [, , paramList, body] = kids(def);
    if (!paramList || !body) return unknown();
    const frame: Frame = { vars: new Map() };
    const ps = kids(paramList).filter((k) => !['(', ')', ','].includes(k.name));
    let pos = 0;
    for (let i = 0; i < ps.length; i++) {
      if (ps[i].name !== 'VariableName') continue;
      const p = this.text(ps[i]);
      let v = keywords.get(p) ?? args[pos++];
      if (ps[i + 1]?.name === 'AssignOp') {
        const d = this.ty(ps[i + 2]);
        v ??= d;
        i += 2;
      }
      frame.vars.set(p, v ?? unknown());
    }
    this.calling.add(name);
    this.frames.push(frame);
    try {
      this.run(kids(body).filter((k) => k.name !== ':'));
    } finally {
      this.frames.pop();
      this.calling.delete(name);
    }
    return frame.ret ?? other();
  }

  /** The loss is one number: every dimension of its shape is 1. */
  scalarLoss(names: readonly string[]): void {
    for (const name of names) {
      const v = this.module.vars.get(name);
      if (!v) continue;
      const x = find(v);
      if (x.t.k === 'unknown') bind(x, { k: 'array', dims: [] });
      else if (x.t.k === 'array') for (const d of x.t.dims) unifyDim(d, constDim(1));
      return;
    }
  }

  guesses(): Map<string, ShapeGuess> {
    const out = new Map<string, ShapeGuess>();
    const size = (d: Dim): number => { const r = dfind(d); return r.size ?? r.pref; };
    const shapeOf = (v: Ty, depth = 0): number[] | null => {
      const t = find(v).t;
      if (depth > 6) return null;
      if (t.k === 'unknown') return [];
      if (t.k === 'array') return t.dims.map(size);
      if (t.k === 'list') { const e = shapeOf(t.elem, depth + 1); return e ? [size(t.len), ...e] : null; }
      return null;
    };
    for (const [name, v] of this.free) {
      const t = find(v).t;
      if (t.k === 'list') {
        const e = find(t.elem).t;
        if (e.k === 'int' && e.below) { out.set(name, { kind: 'indices', length: size(t.len), below: size(e.below) }); continue; }
      }
      if (t.k === 'int') { out.set(name, t.below && dfind(t.dim).size === null ? { kind: 'index', below: size(t.below) } : { kind: 'int', value: size(t.dim) }); continue; }
      const shape = shapeOf(v);
      if (shape && shape.every((s) => Number.isInteger(s) && s >= 1 && s <= 100_000)) out.set(name, { kind: 'array', shape, positive: this.positive.has(name) });
    }
    return out;
  }
}

/**
 * The shapes of the free variables of `stmts` (statements of `src`), with what is defined before them.
 * A free variable nothing constrains is an array of shape [] (a number).
 */
export function inferShapes(src: PySource, stmts: readonly SyntaxNode[], opts: ShapeInferenceOptions = {}): Map<string, ShapeGuess> {
  const s = new Shapes(src, opts.known ?? new Map(), stmts);
  s.run(stmts);
  s.scalarLoss(opts.lossNames ?? LOSS_NAMES);
  return s.guesses();
}
