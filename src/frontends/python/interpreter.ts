/**
 * Statements and calls of the subset: assignment (with numpy's in-place `+=` on arrays), if, for,
 * while (capped), def/return, imports of numpy and math. Each assignment that makes a new array is a
 * StepEvent (what it wrote, when, and which earlier events it read): the BPTT table and Check
 * Backward Pass are read off these events.
 */
import type { SyntaxNode } from '@lezer/common';
import type { NodeId, SourceRange } from '../../engine/tape';
import type { Graph } from '../../engine/graph';
import type { PySource } from './syntax';
import { kids } from './syntax';
import type { Limits } from './runtime';
import { DEFAULT_LIMITS, EVENT_BYTES, Runtime } from './runtime';
import { Evaluator } from './evaluator';
import type { Args, Arr, PyFunction, PyModule, Scope, Value } from './values';
import { isArr, newArr, typeName } from './values';
import { truthy } from './arith';
import { builtinScope, iterate, mathModule } from './builtins';
import type { NumpyContext } from './numpy';
import { numpyModule } from './numpy';
import { assignStatement, updateStatement } from './assign';
import { containerMethod } from './containers';
import type { ParamInfo, StepEvent } from './events';


export interface InterpreterOptions {
  limits?: Limits;
  reluAtZero?: number;
  /** a value for a name nothing defines (a free variable); undefined raises NameError */
  resolveFree?: (name: string, at: SourceRange) => Value | undefined;
  /** top-level assignments of float literals and arrays make named parameters */
  topLevelParams?: boolean;
  /** a tape to reuse (re-tracing after an edit keeps its memory; the old trace becomes invalid) */
  graph?: Graph;
}

interface Frame { name: string; loopDepth: number; t?: number }

const MAX_EVENTS = 1_000_000;
const MAX_DEPTH = 200;
export const enum Flow { Next, Break, Continue, Return }

export class Interpreter extends Evaluator {
  readonly events: StepEvent[] = [];
  readonly params: ParamInfo[] = [];
  readonly module: Scope = { vars: new Map(), parent: null };
  scope: Scope = this.module;
  readonly builtins: Map<string, Value>;
  protected readonly np: NumpyContext;
  readonly modules: Map<string, PyModule>;
  /** the last 0-d array assigned to a name: the loss when no variable is called loss, L or J */
  lastScalar?: { name: string; arr: Arr };
  /** each function's locals and return value when it last returned */
  readonly returns = new Map<string, { scope: Scope; value: Value }>();
  returnValue: Value = null;
  stmtRange: SourceRange = { line: 0, col: 0, endLine: 0, endCol: 0 };
  /** the assignment running now unpacks a tuple */
  stmtIsUnpack = false;
  private readonly frames: Frame[] = [{ name: '<module>', loopDepth: 0 }];
  private iterations = 0;
  private readonly paramMemo = new Map<number, boolean>();

  constructor(src: PySource, readonly opts: InterpreterOptions = {}) {
    super(src, new Runtime(opts.limits ?? DEFAULT_LIMITS, opts.reluAtZero ?? 0, opts.graph));
    this.np = { rt: this.rt };
    this.stmtIsUnpack = false;
    this.builtins = builtinScope(this.rt, () => this.iterationLimit());
    this.modules = new Map([['numpy', numpyModule(this.np)], ['math', mathModule(this.rt)]]);
  }

  get frameName(): string { return this.frames[this.frames.length - 1].name; }
  get atTopLevel(): boolean { return this.frames.length === 1 && this.frames[0].loopDepth === 0; }
  iterationLimit(): number { return this.rt.limits.maxIterations; }

  currentT(): number | undefined {
    for (let i = this.frames.length - 1; i >= 0; i--) if (this.frames[i].t !== undefined) return this.frames[i].t;
    return undefined;
  }

  /** Runs the statements of a block (or of the whole program). */
  execBlock(stmts: readonly SyntaxNode[]): Flow {
    for (const s of stmts) {
      const f = this.exec(s);
      if (f !== Flow.Next) return f;
    }
    return Flow.Next;
  }

  /** Adds a StepEvent for the statement running now, with the reads collected so far. */
  record(e: Omit<StepEvent, 'index' | 'range' | 't' | 'reads' | 'frame'>): number {
    if (this.events.length >= MAX_EVENTS) return -1;
    const index = this.events.length;
    this.rt.overheadBytes += EVENT_BYTES;
    this.events.push({ ...e, index, range: this.stmtRange, t: this.currentT(), reads: this.reads ? [...this.reads] : [], frame: this.frameName });
    return index;
  }

  /** Whether a node depends on a parameter (memoized: nodes never change). */
  dependsOnParam(id: NodeId): boolean {
    const g = this.rt.g, stack = [id as number], seen: number[] = [];
    let found = false;
    while (stack.length && !found) {
      const n = stack.pop()!;
      const m = this.paramMemo.get(n);
      if (m !== undefined) { found = m; continue; }
      seen.push(n);
      if (g.opOf(n as NodeId) === 'param') found = true;
      else for (const i of g.inputsOf(n as NodeId)) stack.push(i);
    }
    if (!found) for (const n of seen) this.paramMemo.set(n, false);
    else this.paramMemo.set(id, true);
    return found;
  }

  exec(s: SyntaxNode): Flow {
    const saved = this.reads;
    this.reads = new Set();
    this.stmtRange = this.src.range(s);
    this.rt.at = this.stmtRange;
    this.rt.checkLimits();
    try {
      return this.execNode(s);
    } finally {
      this.reads = saved;
    }
  }

  private execNode(s: SyntaxNode): Flow {
    switch (s.name) {
      case 'ExpressionStatement': this.eval(kids(s)[0]); return Flow.Next;
      case 'AssignStatement': assignStatement(this, s); return Flow.Next;
      case 'UpdateStatement': updateStatement(this, s); return Flow.Next;
      case 'PassStatement': return Flow.Next;
      case 'BreakStatement': return Flow.Break;
      case 'ContinueStatement': return Flow.Continue;
      case 'IfStatement': return this.ifStatement(s);
      case 'ForStatement': return this.forStatement(s);
      case 'WhileStatement': return this.whileStatement(s);
      case 'FunctionDefinition': this.define(s); return Flow.Next;
      case 'ReturnStatement': {
        const vs = kids(s).slice(1).filter((k) => k.name !== ',');
        this.returnValue = vs.length === 0 ? null : vs.length === 1 && !kids(s).some((k) => k.name === ',') ? this.eval(vs[0]) : { kind: 'tuple', items: vs.map((v) => this.eval(v)) };
        return Flow.Return;
      }
      case 'ImportStatement': this.importStatement(s); return Flow.Next;
      case 'ScopeStatement': {
        const [kw, ...names] = kids(s);
        if (this.src.textOf(kw) !== 'global') this.unsupported(s);
        this.scope.globals ??= new Set();
        for (const n of names) if (n.name === 'VariableName') this.scope.globals.add(this.src.textOf(n));
        return Flow.Next;
      }
      case 'DeleteStatement':
        for (const n of kids(s).slice(1)) if (n.name === 'VariableName') this.scope.vars.delete(this.src.textOf(n)); else if (n.name !== ',') this.unsupported(s, 'of anything but a name is not supported');
        return Flow.Next;
      case 'AssertStatement': {
        const [, cond] = kids(s);
        if (!truthy(this.rt, this.eval(cond))) this.rt.fail('runtime', 'AssertionError');
        return Flow.Next;
      }
    }
    return this.unsupported(s);
  }

  private body(b: SyntaxNode): SyntaxNode[] {
    return kids(b).filter((k) => k.name !== ':');
  }

  private ifStatement(s: SyntaxNode): Flow {
    const ks = kids(s);
    for (let i = 0; i < ks.length; ) {
      const kw = ks[i].name;
      if (kw === 'else') return this.execBlock(this.body(ks[i + 1]));
      if (truthy(this.rt, this.eval(ks[i + 1]))) return this.execBlock(this.body(ks[i + 2]));
      i += 3;
    }
    return Flow.Next;
  }

  /** Counts one iteration of any loop against the cap, so an endless loop stops with a message. */
  private tick(loop: SyntaxNode): void {
    if (++this.iterations > this.rt.limits.maxIterations) {
      const kw = loop.name === 'WhileStatement' ? 'while' : 'for';
      this.rt.fail('limit', `the \`${kw}\` loop ran past the limit of ${this.rt.limits.maxIterations.toLocaleString('en-US')} iterations: it may never end`, this.src.range(loop));
    }
    this.rt.checkLimits();
  }

  private loop(s: SyntaxNode, items: Iterable<Value> | null, next: (i: number) => boolean, bind: (v: Value) => void, overRange = false): Flow {
    const frame = this.frames[this.frames.length - 1];
    const isTime = frame.loopDepth === 0;
    frame.loopDepth++;
    try {
      const it = items ? items[Symbol.iterator]() : null;
      for (let i = 0; ; i++) {
        let v: Value = i;
        if (it) {
          const r = it.next();
          if (r.done) break;
          v = r.value;
        } else if (!next(i)) break;
        this.tick(s);
        // the time step: the loop variable of a range (for t in reversed(range(T)) counts down),
        // else the iteration number (for x in xs: 1.0 is a whole number, not a time step)
        if (isTime) frame.t = overRange && typeof v === 'number' ? v : i;
        if (it) bind(v);
        const f = this.execBlock(this.body(kids(s).find((k) => k.name === 'Body')!));
        if (f === Flow.Break) break;
        if (f === Flow.Return) return f;
      }
    } finally {
      frame.loopDepth--;
      if (isTime) frame.t = undefined;
    }
    return Flow.Next;
  }

  private forStatement(s: SyntaxNode): Flow {
    const ks = kids(s);
    if (ks.some((k) => k.name === 'else')) this.unsupported(s, 'with an `else` clause is not supported');
    const inAt = ks.findIndex((k) => k.name === 'in');
    const targets = ks.slice(1, inAt).filter((k) => k.name !== ',');
    const items = iterate(this.rt, this.eval(ks[inAt + 1]), this.iterationLimit());
    const overRange = /^(reversed\s*\(\s*)?range\s*\(/.test(this.src.textOf(ks[inAt + 1]).trim());
    return this.loop(s, items, () => false, (v) => this.bindTargets(targets, v, this.scope), overRange);
  }

  private whileStatement(s: SyntaxNode): Flow {
    const ks = kids(s);
    if (ks.some((k) => k.name === 'else')) this.unsupported(s, 'with an `else` clause is not supported');
    return this.loop(s, null, () => truthy(this.rt, this.eval(ks[1])), () => {});
  }

  bindTargets(targets: SyntaxNode[], v: Value, scope: Scope): void {
    if (targets.length === 1 && targets[0].name === 'VariableName') return void scope.vars.set(this.src.textOf(targets[0]), v);
    const items = iterate(this.rt, v, this.iterationLimit());
    if (items.length !== targets.length) this.rt.fail('runtime', `cannot unpack ${items.length} values into ${targets.length} names`, this.src.range(targets[0]));
    targets.forEach((t, i) => {
      if (t.name === 'VariableName') scope.vars.set(this.src.textOf(t), items[i]);
      else if (t.name === 'TupleExpression' || t.name === 'ArrayExpression' || t.name === 'ParenthesizedExpression') {
        this.bindTargets(kids(t).filter((k) => !['(', ')', '[', ']', ','].includes(k.name)), items[i], scope);
      } else this.unsupported(t, 'as a loop variable is not supported');
    });
  }

  private define(s: SyntaxNode): void {
    const [, nameNode, paramList, body] = kids(s);
    if (!paramList || paramList.name !== 'ParamList' || body?.name !== 'Body') this.unsupported(s);
    const params: PyFunction['params'] = [];
    const ps = kids(paramList).filter((k) => !['(', ')', ','].includes(k.name));
    for (let i = 0; i < ps.length; i++) {
      if (ps[i].name !== 'VariableName') this.unsupported(paramList, 'with *args, **kwargs or annotations is not supported');
      const p: PyFunction['params'][number] = { name: this.src.textOf(ps[i]) };
      if (ps[i + 1]?.name === 'AssignOp') {
        p.default = this.eval(ps[i + 2]);
        i += 2;
      }
      params.push(p);
    }
    this.setVar(this.src.textOf(nameNode), { kind: 'func', name: this.src.textOf(nameNode), params, body, closure: this.scope, src: this.src });
  }

  private importStatement(s: SyntaxNode): void {
    const ks = kids(s);
    const names = (from: number): { name: string; as?: string }[] => {
      const out: { name: string; as?: string }[] = [];
      for (let i = from; i < ks.length; i++) {
        if (ks[i].name === ',') continue;
        if (ks[i].name !== 'VariableName') this.unsupported(s, '(only `import numpy as np`, `import math` and `from math import ...`) is not supported');
        const item: { name: string; as?: string } = { name: this.src.textOf(ks[i]) };
        if (ks[i + 1]?.name === 'as') { item.as = this.src.textOf(ks[i + 2]); i += 2; }
        out.push(item);
      }
      return out;
    };
    const mod = (name: string): PyModule => this.modules.get(name) ?? this.rt.fail('unsupported', `importing ${name} is not supported (only numpy and math)`, this.src.range(s));
    if (ks[0].name === 'from') {
      const m = mod(this.src.textOf(ks[1]));
      for (const it of names(3)) this.setVar(it.as ?? it.name, m.attrs.get(it.name) ?? this.rt.fail('unsupported', `${m.name}.${it.name} is not supported`, this.src.range(s)));
    } else {
      for (const it of names(1)) this.setVar(it.as ?? it.name, mod(it.name));
    }
  }

  setVar(name: string, v: Value): void {
    const scope = this.scope.globals?.has(name) ? this.module : this.scope;
    scope.vars.set(name, v);
  }

  isShadowed(name: string): boolean {
    for (let s: Scope | null = this.scope; s; s = s.parent) if (s.vars.has(name)) return true;
    return false;
  }

  lookup(name: string, at: SyntaxNode): Value {
    for (let s: Scope | null = this.scope; s; s = s.parent) {
      const v = s.vars.get(name);
      if (v !== undefined || s.vars.has(name)) return v as Value;
    }
    if (this.scope.globals?.has(name) || this.scope !== this.module) {
      const v = this.module.vars.get(name);
      if (v !== undefined || this.module.vars.has(name)) return v as Value;
    }
    const b = this.builtins.get(name);
    if (b !== undefined) return b;
    const free = this.opts.resolveFree?.(name, this.src.range(at));
    if (free !== undefined) return free;
    return this.rt.fail('runtime', `NameError: name '${name}' is not defined`, this.src.range(at));
  }

  callValue(f: Value, args: Args, at: SyntaxNode): Value {
    if (f && typeof f === 'object' && f.kind === 'builtin') return f.call(args);
    if (!f || typeof f !== 'object' || f.kind !== 'func') {
      // eval(...), open(...), sorted(...): a name the subset does not know, not a value to call
      const callee = /^\s*([A-Za-z_][\w.]*)\s*\(/.exec(this.src.textOf(at))?.[1];
      if (callee && typeName(f) !== 'function') return this.rt.fail('unsupported', `\`${callee}()\` is not supported: it is neither in the interpreter's numpy subset nor defined in this file`, this.src.range(at));
      return this.rt.fail('runtime', `'${typeName(f)}' object is not callable`, this.src.range(at));
    }
    if (this.frames.length > MAX_DEPTH) this.rt.fail('limit', `calls nested deeper than ${MAX_DEPTH} (endless recursion?)`, this.src.range(at));
    const scope: Scope = { vars: new Map(), parent: f.closure };
    if (args.positional.length > f.params.length) this.rt.fail('runtime', `${f.name}() takes ${f.params.length} arguments but ${args.positional.length} were given`, this.src.range(at));
    f.params.forEach((p, i) => {
      const v = i < args.positional.length ? args.positional[i] : args.keywords.has(p.name) ? args.keywords.get(p.name)! : p.default;
      if (v === undefined) this.rt.fail('runtime', `${f.name}() is missing the argument '${p.name}'`, this.src.range(at));
      scope.vars.set(p.name, v);
    });
    for (const k of args.keywords.keys()) if (!f.params.some((p) => p.name === k)) this.rt.fail('runtime', `${f.name}() got an unexpected keyword argument '${k}'`, this.src.range(at));
    const saved = { scope: this.scope, src: this.src, stmt: this.stmtRange };
    this.scope = scope;
    this.src = f.src;
    this.frames.push({ name: f.name, loopDepth: 0 });
    this.returnValue = null;
    try {
      const flow = this.execBlock(this.body(f.body));
      const value = flow === Flow.Return ? this.returnValue : null;
      this.returns.set(f.name, { scope, value });
      return value;
    } finally {
      this.frames.pop();
      this.scope = saved.scope;
      this.src = saved.src;
      this.stmtRange = saved.stmt;
    }
  }

  method(obj: Value, attr: string, n: SyntaxNode): Value | undefined {
    return containerMethod(this, obj, attr, n);
  }

  /** Makes a fresh top-level array or float a named parameter (a leaf the loss is differentiated by). */
  toParam(name: string, v: Value, hasFloatLiteral: boolean, range: SourceRange, origin: ParamInfo['origin'] = 'assignment'): Value {
    const g = this.rt.g;
    let value;
    if (isArr(v) && !this.dependsOnParam(this.rt.nodeOf(v))) value = g.value(this.rt.nodeOf(v));
    else if (typeof v === 'number' && hasFloatLiteral) value = v;
    else return v;
    const outer = g.getMeta();
    g.setMeta({ src: range });
    const id = g.param(value, name);
    g.setMeta(outer);
    this.params.push({ name, id, range, origin });
    return newArr(id);
  }
}

/** The variable at the root of `a.b[c].d`. */
export function baseName(ev: Evaluator, n: SyntaxNode): string {
  let cur: SyntaxNode = n;
  while (cur.name === 'MemberExpression' || cur.name === 'CallExpression') cur = kids(cur)[0];
  return cur.name === 'VariableName' ? ev.src.textOf(cur) : '?';
}

