/**
 * Expressions of the subset: literals, names, operators, subscripts, attributes, calls,
 * comprehensions. Every op an expression creates is stamped with that expression's source range and
 * the current time step; statements and calls live in the Interpreter that extends this class.
 */
import type { SyntaxNode } from '@lezer/common';
import { ShapeError } from '../../engine/opDef';
import type { SourceRange } from '../../engine/tape';
import type { PySource } from './syntax';
import { constructName, kids } from './syntax';
import type { Runtime } from './runtime';
import { sliceIndices } from './runtime';
import type { Args, IndexItem, PyModule, Scope, Value } from './values';
import { isArr, keyOf, typeName } from './values';
import { binop, scalarValue, truthy, unop } from './arith';
import { arrayAttr } from './numpy';
import type { NumpyContext } from './numpy';
import { intArg } from './callArgs';
import { iterate } from './builtins';

export abstract class Evaluator {
  /** the statement events whose arrays the current statement has read */
  reads: Set<number> | null = null;
  protected abstract readonly np: NumpyContext;
  private lastSrc: SourceRange | null = null;
  private lastT: number | undefined;

  constructor(public src: PySource, readonly rt: Runtime) {}

  abstract lookup(name: string, at: SyntaxNode): Value;
  abstract callValue(f: Value, args: Args, at: SyntaxNode): Value;
  abstract currentT(): number | undefined;
  abstract iterationLimit(): number;

  unsupported(n: SyntaxNode, why = 'is not supported'): never {
    return this.rt.fail('unsupported', `${constructName(n, this.src.text)} ${why}`, this.src.range(n));
  }

  /** Stamps new nodes with n's range and the time step; errors point at n too. */
  stamp(n: SyntaxNode): void {
    const r = this.src.range(n), t = this.currentT();
    this.rt.at = r;
    if (r !== this.lastSrc || t !== this.lastT) {
      this.rt.g.setMeta(t === undefined ? { src: r } : { t, src: r });
      this.lastSrc = r;
      this.lastT = t;
    }
  }

  protected touch(v: Value): Value {
    if (this.reads && isArr(v) && v.writer >= 0) this.reads.add(v.writer);
    return v;
  }

  eval(n: SyntaxNode): Value {
    try {
      return this.evalNode(n);
    } catch (e) {
      if (e instanceof ShapeError) this.rt.fail('runtime', e.message, this.src.range(n));
      throw e;
    }
  }

  private evalNode(n: SyntaxNode): Value {
    switch (n.name) {
      case 'Number': return this.number(n);
      case 'String': case 'ContinuedString': return this.string(n);
      case 'Boolean': return this.src.textOf(n) === 'True';
      case 'None': return null;
      case 'VariableName': return this.touch(this.lookup(this.src.textOf(n), n));
      case 'ParenthesizedExpression': return this.eval(kids(n)[1]);
      case 'TupleExpression': return { kind: 'tuple', items: this.items(n) };
      case 'ArrayExpression': return { kind: 'list', items: this.items(n) };
      case 'DictionaryExpression': return this.dict(n);
      case 'ArrayComprehensionExpression': return this.comprehension(n);
      case 'ConditionalExpression': {
        const [a, , cond, , b] = kids(n);
        return truthy(this.rt, this.eval(cond)) ? this.eval(a) : this.eval(b);
      }
      case 'UnaryExpression': {
        const [op, x] = kids(n);
        const v = this.eval(x);
        this.stamp(n);
        return unop(this.rt, this.src.textOf(op), v);
      }
      case 'BinaryExpression': return this.binary(n);
      case 'MemberExpression': return this.member(n);
      case 'CallExpression': return this.call(n);
    }
    return this.unsupported(n);
  }

  private number(n: SyntaxNode): number {
    const t = this.src.textOf(n).replace(/_/g, '');
    if (/[jJ]$/.test(t)) this.unsupported(n, '(complex numbers) is not supported');
    const v = /^0[xob]/i.test(t) ? Number(t) : Number(t.replace(/[lL]$/, ''));
    if (Number.isNaN(v)) this.unsupported(n);
    return v;
  }

  private string(n: SyntaxNode): string {
    if (n.name === 'ContinuedString') return kids(n).map((k) => this.string(k)).join('');
    const t = this.src.textOf(n);
    const m = /^([rRbBuU]*)('''|"""|'|")([\s\S]*)\2$/.exec(t);
    if (!m) return this.unsupported(n);
    return /r/i.test(m[1]) ? m[3] : m[3].replace(/\\(n|t|\\|'|")/g, (_s, c: string) => ({ n: '\n', t: '\t' } as Record<string, string>)[c] ?? c);
  }

  /** The expressions between brackets, without punctuation; `*x` is refused. */
  protected items(n: SyntaxNode): Value[] {
    const out: Value[] = [];
    for (const k of kids(n)) {
      if (['(', ')', '[', ']', ','].includes(k.name)) continue;
      if (k.name === '*' || k.name === '**') this.unsupported(n, 'with * unpacking is not supported');
      out.push(this.eval(k));
    }
    return out;
  }

  private dict(n: SyntaxNode): Value {
    const parts = kids(n).filter((k) => !['{', '}', ',', ':'].includes(k.name));
    if (kids(n).some((k) => k.name === '**' || k.name === 'for')) this.unsupported(n, 'with ** or a comprehension is not supported');
    const entries = new Map<string, { key: Value; value: Value }>();
    for (let i = 0; i + 1 < parts.length; i += 2) {
      const key = this.eval(parts[i]);
      const k = keyOf(key);
      if (k === undefined) this.rt.fail('runtime', `unhashable type: '${typeName(key)}'`, this.src.range(parts[i]));
      entries.set(k, { key, value: this.eval(parts[i + 1]) });
    }
    return { kind: 'dict', entries };
  }

  private comprehension(n: SyntaxNode): Value {
    const ks = kids(n).filter((k) => k.name !== '[' && k.name !== ']');
    const body = ks[0];
    const clauses: { kind: 'for' | 'if'; target?: SyntaxNode[]; expr: SyntaxNode }[] = [];
    for (let i = 1; i < ks.length; ) {
      if (ks[i].name === 'for') {
        const inAt = ks.findIndex((k, j) => j > i && k.name === 'in');
        clauses.push({ kind: 'for', target: ks.slice(i + 1, inAt).filter((k) => k.name !== ','), expr: ks[inAt + 1] });
        i = inAt + 2;
      } else if (ks[i].name === 'if') {
        clauses.push({ kind: 'if', expr: ks[i + 1] });
        i += 2;
      } else return this.unsupported(ks[i]);
    }
    const out: Value[] = [];
    const scope: Scope = { vars: new Map(), parent: this.scope };
    const saved = this.scope;
    this.scope = scope;
    try {
      const run = (c: number): void => {
        if (c === clauses.length) return void out.push(this.eval(body));
        const cl = clauses[c];
        if (cl.kind === 'if') {
          if (truthy(this.rt, this.eval(cl.expr))) run(c + 1);
          return;
        }
        for (const v of iterate(this.rt, this.eval(cl.expr), this.iterationLimit())) {
          this.bindTargets(cl.target!, v, scope);
          run(c + 1);
        }
      };
      run(0);
    } finally {
      this.scope = saved;
    }
    return { kind: 'list', items: out };
  }

  abstract scope: Scope;
  abstract bindTargets(targets: SyntaxNode[], v: Value, scope: Scope): void;

  private binary(n: SyntaxNode): Value {
    const ks = kids(n);
    const left = ks[0], right = ks[ks.length - 1];
    const op = ks.slice(1, -1).map((k) => this.src.textOf(k)).join(' ');
    if (op === 'and' || op === 'or') {
      const a = this.eval(left);
      return truthy(this.rt, a) === (op === 'or') ? a : this.eval(right);
    }
    if (ks[1].name === 'BitOp') this.unsupported(n, `(the bitwise operator ${op}) is not supported`);
    // a < b < c is (a < b) and (b < c), not (a < b) < c
    if (ks[1].name === 'CompareOp' && left.name === 'BinaryExpression' && kids(left)[1]?.name === 'CompareOp') {
      const lk = kids(left);
      const first = this.binary(left);
      if (!truthy(this.rt, first)) return first;
      const mid = this.eval(lk[lk.length - 1]), b = this.eval(right);
      this.stamp(n);
      return binop(this.rt, op, mid, b);
    }
    const a = this.eval(left), b = this.eval(right);
    this.stamp(n);
    return binop(this.rt, op, a, b);
  }

  private member(n: SyntaxNode): Value {
    const ks = kids(n);
    const obj = this.eval(ks[0]);
    if (ks[1].name === '.') {
      const attr = this.src.textOf(ks[2]);
      this.stamp(n);
      return this.attribute(obj, attr, n);
    }
    const index = this.subscript(ks.slice(2, -1));
    this.stamp(n);
    return this.touch(this.getItem(obj, index, n));
  }

  attribute(obj: Value, attr: string, n: SyntaxNode): Value {
    let v: Value | undefined;
    if (isArr(obj)) v = arrayAttr(this.np, obj, attr);
    else if (obj && typeof obj === 'object' && obj.kind === 'module') v = (obj as PyModule).attrs.get(attr);
    else v = this.method(obj, attr, n);
    if (v === undefined) this.rt.fail('unsupported', `${obj && typeof obj === 'object' && obj.kind === 'module' ? obj.name : typeName(obj)}.${attr} is not supported`, this.src.range(n));
    return v;
  }

  abstract method(obj: Value, attr: string, n: SyntaxNode): Value | undefined;

  /** The parts of a subscript: an index, a tuple of them, slices `a:b:c`, None. */
  subscript(parts: SyntaxNode[]): { items: IndexItem[]; key: Value; tuple: boolean } {
    const groups: SyntaxNode[][] = [[]];
    for (const p of parts) {
      if (p.name === ',') groups.push([]);
      else groups[groups.length - 1].push(p);
    }
    const tuple = groups.length > 1;
    if (tuple && groups[groups.length - 1].length === 0) groups.pop();
    const items: IndexItem[] = [], keys: Value[] = [];
    for (const g of groups) {
      if (g.some((p) => p.name === 'Ellipsis')) this.unsupported(g[0], '(...) in a subscript is not supported');
      if (g.some((p) => p.name === ':')) {
        const fields: (number | null)[] = [null];
        for (const p of g) {
          if (p.name === ':') fields.push(null);
          else fields[fields.length - 1] = this.indexInt(p);
        }
        items.push({ kind: 'slice', start: fields[0], stop: fields[1] ?? null, step: fields[2] ?? null });
        keys.push(null);
      } else {
        const v = this.eval(g[0]);
        keys.push(v);
        if (v === null) items.push({ kind: 'newaxis' });
        else if (typeof v === 'number' || typeof v === 'boolean') items.push({ kind: 'int', i: Number(v) });
        else if (isArr(v) || (typeof v === 'object' && (v.kind === 'list' || v.kind === 'tuple'))) items.push({ kind: 'slice', start: NaN, stop: null, step: null });
        else items.push({ kind: 'int', i: NaN });
      }
    }
    return { items, key: tuple ? { kind: 'tuple', items: keys } : keys[0], tuple };
  }

  private indexInt(p: SyntaxNode): number {
    const v = this.eval(p);
    if (v === null) return NaN;
    return intArg(this.rt, 'slice', v === true || v === false ? Number(v) : scalarValueInt(this, v), 'a slice index');
  }

  getItem(obj: Value, index: { items: IndexItem[]; key: Value; tuple: boolean }, n: SyntaxNode): Value {
    const rt: Runtime = this.rt;
    if (isArr(obj)) {
      if (index.items.some((it) => (it.kind === 'slice' && Number.isNaN(it.start)) || (it.kind === 'int' && !Number.isInteger(it.i)))) {
        this.unsupported(n, 'with an array, list or float index (advanced indexing) is not supported');
      }
      return rt.getIndex(obj, index.items);
    }
    if (obj && typeof obj === 'object' && obj.kind === 'dict') {
      const e = obj.entries.get(keyOf(index.key) ?? '');
      if (!e) rt.fail('runtime', `KeyError: ${keyText(index.key)}`, this.src.range(n));
      return e.value;
    }
    if (typeof obj === 'string' || (obj && typeof obj === 'object' && (obj.kind === 'list' || obj.kind === 'tuple' || obj.kind === 'range'))) {
      const seq = iterate(rt, obj, this.iterationLimit());
      const it = index.items[0];
      if (index.tuple) rt.fail('runtime', `${typeName(obj)} indices must be integers or slices, not tuple`, this.src.range(n));
      if (it.kind === 'slice') {
        const r = sliceIndices(it.start, it.stop, it.step, seq.length, rt);
        const picked = Array.from({ length: r.len }, (_x, k) => seq[r.start + k * r.step]);
        return typeof obj === 'string' ? picked.join('') : { kind: obj.kind === 'tuple' ? 'tuple' : 'list', items: picked };
      }
      if (it.kind !== 'int' || !Number.isInteger(it.i)) rt.fail('runtime', `${typeName(obj)} indices must be integers`, this.src.range(n));
      const i = it.i < 0 ? it.i + seq.length : it.i;
      if (!(i >= 0 && i < seq.length)) rt.fail('runtime', `IndexError: ${typeName(obj)} index ${it.i} out of range`, this.src.range(n));
      return seq[i];
    }
    return rt.fail('runtime', `'${typeName(obj)}' object is not subscriptable`, this.src.range(n));
  }

  private call(n: SyntaxNode): Value {
    const [callee, argList] = kids(n);
    if (callee.name === 'VariableName' && this.src.textOf(callee) === 'print' && !this.isShadowed('print')) return null;
    const f = this.eval(callee);
    const args: Args = { positional: [], keywords: new Map() };
    const ks = kids(argList).filter((k) => !['(', ')', ','].includes(k.name));
    for (let i = 0; i < ks.length; i++) {
      const k = ks[i];
      if (k.name === '*' || k.name === '**') this.unsupported(argList, 'with * or ** unpacking is not supported');
      if (k.name === 'for') this.unsupported(argList, '(a generator expression) is not supported');
      if (ks[i + 1]?.name === 'AssignOp') {
        args.keywords.set(this.src.textOf(k), this.eval(ks[i + 2]));
        i += 2;
      } else {
        if (args.keywords.size) this.rt.fail('runtime', 'positional argument follows keyword argument', this.src.range(k));
        args.positional.push(this.eval(k));
      }
    }
    this.stamp(n);
    return this.touch(this.callValue(f, args, n));
  }

  abstract isShadowed(name: string): boolean;
}

function keyText(v: Value): string {
  return typeof v === 'string' ? `'${v}'` : typeof v === 'number' ? String(v) : typeName(v);
}

function scalarValueInt(ev: Evaluator, v: Value): Value {
  if (isArr(v)) {
    const x = scalarValue(ev.rt, v);
    return x === undefined ? v : x;
  }
  return v;
}

