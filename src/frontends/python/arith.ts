/**
 * Python's operators on runtime values: plain arithmetic on numbers, numpy semantics (broadcasting,
 * @, comparisons as 0/1 masks) as engine ops as soon as an array is involved.
 */
import type { NodeId } from '../../engine/tape';
import type { Runtime } from './runtime';
import type { Value } from './values';
import { isArr, keyOf, typeName } from './values';

const isNum = (v: Value): v is number | boolean => typeof v === 'number' || typeof v === 'boolean';

/** A 0-d array or a number as a JS number (its current value). */
export function scalarValue(rt: Runtime, v: Value): number | undefined {
  if (isNum(v)) return Number(v);
  if (isArr(v)) {
    const id = rt.nodeOf(v);
    if (rt.g.sizeOf(id) === 1) return rt.g.scalar(id);
  }
  return undefined;
}

export function truthy(rt: Runtime, v: Value): boolean {
  if (v === null) return false;
  if (isNum(v)) return Number(v) !== 0;
  if (typeof v === 'string') return v.length > 0;
  switch (v.kind) {
    case 'arr': {
      const x = scalarValue(rt, v);
      if (x === undefined) rt.fail('runtime', 'the truth value of an array with more than one element is ambiguous (use a.any() or a.all())');
      return x !== 0;
    }
    case 'list': case 'tuple': return v.items.length > 0;
    case 'dict': return v.entries.size > 0;
    case 'range': return v.stop !== v.start;
    default: return true;
  }
}

function pyMod(a: number, b: number): number {
  return a - b * Math.floor(a / b);
}

function numeric(rt: Runtime, op: string, a: number, b: number): Value {
  switch (op) {
    case '+': return a + b;
    case '-': return a - b;
    case '*': return a * b;
    case '/': if (b === 0) rt.fail('runtime', 'division by zero'); return a / b;
    case '//': if (b === 0) rt.fail('runtime', 'division by zero'); return Math.floor(a / b);
    case '%': if (b === 0) rt.fail('runtime', 'modulo by zero'); return pyMod(a, b);
    case '**': return a ** b;
    case '<': return a < b;
    case '>': return a > b;
    case '<=': return a <= b;
    case '>=': return a >= b;
    case '==': return a === b;
    case '!=': return a !== b;
  }
  return rt.fail('unsupported', `the operator ${op} is not supported on numbers`);
}

/** A comparison of arrays: a 0/1 mask (gradient 0), or a Python bool when both sides are scalars. */
function compare(rt: Runtime, op: string, a: Value, b: Value): Value {
  const sa = scalarValue(rt, a), sb = scalarValue(rt, b);
  const bothScalar = sa !== undefined && sb !== undefined && (!isArr(a) || rt.g.shapeOf(a.id).length === 0) && (!isArr(b) || rt.g.shapeOf(b.id).length === 0);
  if (bothScalar) return numeric(rt, op, sa, sb);
  const g = rt.g;
  if (op === '==' || op === '!=') rt.fail('unsupported', `${op} between arrays is not supported`);
  // x > c on the difference x - c, so both sides may be arrays
  const d = typeof b === 'number' || typeof b === 'boolean' ? rt.toNode(a) : g.sub(rt.toNode(a), rt.toNode(b));
  const c = typeof b === 'number' || typeof b === 'boolean' ? Number(b) : 0;
  const one = (m: NodeId): NodeId => g.sub(g.constant(1), m);
  switch (op) {
    case '>': return rt.arr(g.gt(d, c));
    case '<': return rt.arr(g.lt(d, c));
    case '>=': return rt.arr(one(g.lt(d, c)));
    default: return rt.arr(one(g.gt(d, c)));
  }
}

function arrayOp(rt: Runtime, op: string, a: Value, b: Value): Value {
  const g = rt.g;
  if (op === '**') {
    if (isNum(b)) return rt.arr(g.pow(rt.toNode(a), Number(b)));
    // a^b = exp(b log a)
    return rt.arr(g.scoped('a^b', undefined, () => g.exp(g.mul(rt.toNode(b), g.log(rt.toNode(a))))));
  }
  const x = rt.toNode(a), y = rt.toNode(b);
  switch (op) {
    case '+': return rt.arr(g.add(x, y));
    case '-': return rt.arr(g.sub(x, y));
    case '*': return rt.arr(g.mul(x, y));
    case '/': return rt.arr(g.div(x, y));
    case '@':
      if (g.shapeOf(x).length === 0 || g.shapeOf(y).length === 0) rt.fail('runtime', 'matmul: an operand is a scalar (use * instead)');
      if (g.shapeOf(x).length > 2 || g.shapeOf(y).length > 2) rt.fail('unsupported', '@ on arrays of more than 2 dimensions is not supported');
      return rt.arr(g.matmul(x, y));
  }
  return rt.fail('unsupported', `the operator ${op} is not supported on arrays`);
}

function isSeq(v: Value): v is { kind: 'list' | 'tuple'; items: Value[] } {
  return typeof v === 'object' && v !== null && (v.kind === 'list' || v.kind === 'tuple');
}

export function binop(rt: Runtime, op: string, a: Value, b: Value): Value {
  if (op === 'is' || op === 'is not') {
    const same = a === b || (a === null && b === null);
    return op === 'is' ? same : !same;
  }
  if (op === 'in' || op === 'not in') {
    let found: boolean;
    if (typeof b === 'object' && b !== null && b.kind === 'dict') found = b.entries.has(keyOf(a) ?? '');
    else if (isSeq(b)) found = b.items.some((x) => keyOf(x) !== undefined && keyOf(x) === keyOf(a));
    else if (typeof b === 'string' && typeof a === 'string') found = b.includes(a);
    else return rt.fail('unsupported', `\`in\` on ${typeName(b)} is not supported`);
    return op === 'in' ? found : !found;
  }
  if (isArr(a) || isArr(b)) {
    if (['<', '>', '<=', '>=', '==', '!='].includes(op)) return compare(rt, op, a, b);
    return arrayOp(rt, op, a, b);
  }
  if (isNum(a) && isNum(b)) return numeric(rt, op, Number(a), Number(b));
  if (typeof a === 'string' && typeof b === 'string') {
    if (op === '+') return a + b;
    if (op === '==') return a === b;
    if (op === '!=') return a !== b;
  }
  if (isSeq(a) && isSeq(b) && op === '+' && a.kind === b.kind) return { kind: a.kind, items: [...a.items, ...b.items] };
  if (isSeq(a) && typeof b === 'number' && op === '*' && Number.isInteger(b)) {
    // [w] * n: a list is a Python object per item, far more than its numbers; cap it like a loop
    if (a.items.length * b > 1_000_000) rt.fail('limit', `a list of ${(a.items.length * b).toLocaleString('en-US')} items is more than the 1,000,000 a trace allows`);
    const items: Value[] = [];
    for (let k = 0; k < b; k++) items.push(...a.items);
    return { kind: a.kind, items };
  }
  if ((op === '==' || op === '!=') && keyOf(a) !== undefined && keyOf(b) !== undefined) return (keyOf(a) === keyOf(b)) === (op === '==');
  if (op === '==' || op === '!=') return (a === b) === (op === '==');
  return rt.fail('unsupported', `the operator ${op} between ${typeName(a)} and ${typeName(b)} is not supported`);
}

export function unop(rt: Runtime, op: string, v: Value): Value {
  if (op === 'not') return !truthy(rt, v);
  if (isNum(v)) return op === '-' ? -Number(v) : op === '+' ? Number(v) : rt.fail('unsupported', `the operator ${op} is not supported`);
  if (isArr(v)) return op === '-' ? rt.arr(rt.g.neg(rt.nodeOf(v))) : op === '+' ? v : rt.fail('unsupported', `the operator ${op} is not supported on arrays`);
  return rt.fail('runtime', `bad operand type for unary ${op}: ${typeName(v)}`);
}
