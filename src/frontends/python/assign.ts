/**
 * Assignment statements: `a = b = v`, tuple unpacking, `d[k] = v`, `x[i, j] = v`, and augmented
 * assignment with numpy's semantics (in place on an ndarray, seen through every alias; rebinding on
 * numbers and 0-d results). Each write that makes a new array is recorded as a StepEvent.
 */
import type { SyntaxNode } from '@lezer/common';
import type { Interpreter } from './interpreter';
import { baseName } from './interpreter';
import { kids } from './syntax';
import type { Arr, Value } from './values';
import { isArr, keyOf, typeName } from './values';
import { binop } from './arith';
import { iterate } from './builtins';
import type { Runtime } from './runtime';

const PUNCT = ['(', ')', '[', ']', ','];

/** Splits `a, b = c = v` into target groups and the value group. */
function groups(ip: Interpreter, s: SyntaxNode): SyntaxNode[][] {
  const out: SyntaxNode[][] = [[]];
  for (const k of kids(s)) {
    if (k.name === 'TypeDef') ip.unsupported(s, 'with a type annotation is not supported');
    if (k.name === 'AssignOp') out.push([]);
    else out[out.length - 1].push(k);
  }
  return out;
}

function hasFloatLiteral(ip: Interpreter, n: SyntaxNode): boolean {
  let found = false;
  n.cursor().iterate((c) => {
    if (c.name === 'Number' && /[.eE]/.test(ip.src.text.slice(c.from, c.to)) && !/^0x/i.test(ip.src.text.slice(c.from, c.to))) found = true;
  });
  return found;
}

export function assignStatement(ip: Interpreter, s: SyntaxNode): void {
  const gs = groups(ip, s);
  const valueGroup = gs[gs.length - 1];
  const valueNodes = valueGroup.filter((k) => k.name !== ',');
  const value: Value = valueGroup.some((k) => k.name === ',') ? { kind: 'tuple', items: valueNodes.map((n) => ip.eval(n)) } : ip.eval(valueNodes[0]);
  const floaty = valueGroup.some((n) => hasFloatLiteral(ip, n));
  for (const g of gs.slice(0, -1)) {
    const targets = g.filter((k) => k.name !== ',');
    const isTuple = targets.length > 1 || g.some((k) => k.name === ',');
    ip.stmtIsUnpack = isTuple;
    if (isTuple) unpack(ip, targets, value, floaty);
    else assignTo(ip, targets[0], value, floaty);
  }
}

function unpack(ip: Interpreter, targets: SyntaxNode[], value: Value, floaty: boolean): void {
  const items = iterate(ip.rt, value, ip.iterationLimit());
  if (items.length !== targets.length) ip.rt.fail('runtime', `cannot unpack ${items.length} values into ${targets.length} names`, ip.src.range(targets[0]));
  targets.forEach((t, i) => assignTo(ip, t, items[i], floaty));
}

/** Records the write of a fresh array (one no statement has written yet) and stamps it. */
function fresh(ip: Interpreter, v: Value, name: string, subscripted: boolean, key?: string): void {
  if (isArr(v) && v.writer === -1) v.writer = store(ip, v, name, subscripted, key);
}

/** Records a store into a container (hs[t] = h): the history of hs, whether or not h is new. */
function store(ip: Interpreter, v: Arr, name: string, subscripted: boolean, key?: string): number {
  const ev = ip.record({ name, subscripted, op: '=', node: ip.rt.nodeOf(v), ...(key !== undefined ? { key } : {}) });
  if (v.writer === -1) v.writer = ev;
  return ev;
}

/**
 * `dhraw = dh` names an existing array: an event of its own (reading dh's writer), so a statement that
 * only renames (and forgot a factor) can be blamed. Inside loops and functions only: top-level
 * unpacking of a call's results is not a computation.
 */
function alias(ip: Interpreter, v: Arr, name: string): void {
  if (ip.atTopLevel && ip.frameName === '<module>' && ip.stmtIsUnpack) return;
  v.writer = ip.record({ name, subscripted: false, op: 'alias', node: ip.rt.nodeOf(v) });
}

function noteScalar(ip: Interpreter, name: string, v: Value): void {
  if (isArr(v) && ip.rt.g.shapeOf(ip.rt.nodeOf(v)).length === 0) ip.lastScalar = { name, arr: v };
}

export function assignTo(ip: Interpreter, target: SyntaxNode, value: Value, floaty: boolean): void {
  switch (target.name) {
    case 'VariableName': {
      const name = ip.src.textOf(target);
      let v = value;
      if (ip.opts.topLevelParams && ip.atTopLevel) v = ip.toParam(name, v, floaty, ip.stmtRange);
      if (isArr(v) && v.writer >= 0) alias(ip, v, name);
      else fresh(ip, v, name, false);
      noteScalar(ip, name, v);
      ip.setVar(name, v);
      return;
    }
    case 'TupleExpression': case 'ArrayExpression': case 'ParenthesizedExpression':
      return unpack(ip, kids(target).filter((k) => !PUNCT.includes(k.name)), value, floaty);
    case 'MemberExpression': {
      const ks = kids(target);
      if (ks[1].name === '.') ip.unsupported(target, '(assigning to an attribute) is not supported');
      const obj = ip.eval(ks[0]);
      const index = ip.subscript(ks.slice(2, -1));
      ip.stamp(target);
      setItem(ip, target, obj, index, value);
      return;
    }
  }
  ip.unsupported(target, 'as an assignment target is not supported');
}

type Index = ReturnType<Interpreter['subscript']>;

/** `grads['W_h']` for a constant string key of a dict, else the variable at the root. */
function targetName(ip: Interpreter, target: SyntaxNode, obj: Value, index: Index): string {
  const base = baseName(ip, target);
  return obj && typeof obj === 'object' && obj.kind === 'dict' && typeof index.key === 'string' && kids(target)[0].name === 'VariableName' ? `${base}['${index.key}']` : base;
}

function setItem(ip: Interpreter, target: SyntaxNode, obj: Value, index: Index, value: Value): void {
  const rt: Runtime = ip.rt, name = targetName(ip, target, obj, index);
  if (isArr(obj)) {
    if (index.items.some((it) => (it.kind === 'slice' && Number.isNaN(it.start)) || (it.kind === 'int' && !Number.isInteger(it.i)))) {
      ip.unsupported(target, 'with an array, list or float index (advanced indexing) is not supported');
    }
    const ev = ip.record({ name, subscripted: true, op: '[]=', node: rt.nodeOf(obj) });
    rt.setIndex(obj, index.items, rt.toNode(value), ev);
    if (ev >= 0) ip.events[ev].node = rt.nodeOf(obj);
    return;
  }
  if (obj && typeof obj === 'object' && obj.kind === 'dict') {
    const k = keyOf(index.key);
    if (k === undefined) rt.fail('runtime', `unhashable type: '${typeName(index.key)}'`, ip.src.range(target));
    if (isArr(value)) store(ip, value, name, typeof index.key !== 'string', typeof index.key === 'string' ? index.key : undefined);
    obj.entries.set(k, { key: index.key, value });
    return;
  }
  if (obj && typeof obj === 'object' && obj.kind === 'list') {
    const it = index.items[0];
    if (index.tuple || it.kind !== 'int' || !Number.isInteger(it.i)) rt.fail('unsupported', 'list assignment needs one integer index', ip.src.range(target));
    const i = it.i < 0 ? it.i + obj.items.length : it.i;
    if (!(i >= 0 && i < obj.items.length)) rt.fail('runtime', 'IndexError: list assignment index out of range', ip.src.range(target));
    if (isArr(value)) store(ip, value, name, true);
    obj.items[i] = value;
    return;
  }
  rt.fail('runtime', `'${typeName(obj)}' object does not support item assignment`, ip.src.range(target));
}

/** `x op= v`: in place on an ndarray (numpy), else `x = x op v`. */
export function updateStatement(ip: Interpreter, s: SyntaxNode): void {
  const [target, opNode, rhs] = kids(s);
  const op = ip.src.textOf(opNode).slice(0, -1);
  const rt: Runtime = ip.rt;
  if (target.name === 'VariableName') {
    const name = ip.src.textOf(target);
    const cur = ip.eval(target);
    const v = ip.eval(rhs);
    ip.stamp(s);
    if (isArr(cur) && rt.g.shapeOf(rt.nodeOf(cur)).length > 0) return inPlace(ip, cur, op, v, name);
    if (cur && typeof cur === 'object' && cur.kind === 'list' && op === '+') {
      cur.items.push(...iterate(rt, v, ip.iterationLimit()));
      return;
    }
    const res = binop(rt, op, cur, v);
    fresh(ip, res, name, false);
    if (isArr(res) && isArr(v) && (op === '+' || op === '-') && res.writer >= 0) ip.events[res.writer].increment = { node: rt.nodeOf(v), sign: op === '+' ? 1 : -1 };
    noteScalar(ip, name, res);
    ip.setVar(name, res);
    return;
  }
  if (target.name !== 'MemberExpression' || kids(target)[1].name === '.') ip.unsupported(target, 'as the target of an augmented assignment is not supported');
  const ks = kids(target);
  const obj = ip.eval(ks[0]);
  const index = ip.subscript(ks.slice(2, -1));
  const cur = ip.getItem(obj, index, target);
  if (isArr(cur) && cur.writer >= 0) ip.reads?.add(cur.writer);
  const v = ip.eval(rhs);
  ip.stamp(s);
  if (isArr(obj)) return setItem(ip, target, obj, index, binop(rt, op, cur, v));
  if (isArr(cur) && rt.g.shapeOf(rt.nodeOf(cur)).length > 0) return inPlace(ip, cur, op, v, targetName(ip, target, obj, index));
  setItem(ip, target, obj, index, binop(rt, op, cur, v));
}

function inPlace(ip: Interpreter, cur: Arr, op: string, v: Value, name: string): void {
  const rt: Runtime = ip.rt;
  const res = binop(rt, op, cur, v);
  const id = rt.toNode(res);
  const ev = ip.record({ name, subscripted: false, op: `${op}=`, node: id });
  rt.write(cur, id, ev);
  if (ev >= 0) {
    ip.events[ev].node = rt.nodeOf(cur);
    if ((op === '+' || op === '-') && isArr(v) || typeof v === 'number') {
      if (op === '+' || op === '-') ip.events[ev].increment = { node: rt.toNode(v), sign: op === '+' ? 1 : -1 };
    }
  }
}
