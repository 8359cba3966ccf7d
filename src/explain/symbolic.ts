/**
 * The symbolic derivative of an expression tree, by the chain rule, tidied as it is built (0 and 1
 * factors, numbers folded) so it keeps the textbook shape: sigma(z)(1 - sigma(z)) times the inner
 * derivative. (mathjs's simplify rewrites that as sigma(z) - sigma(z)^2, and cannot differentiate
 * relu or max at all.) relu' is written step(z), the documented relu'(0) = 0 convention.
 */
import type { Expr, Fn } from '../frontends/expression';
import { constantValue } from '../frontends/exprGraph';

const num = (value: number): Expr => ({ kind: 'num', value });
/** the value of a number node, else undefined */
const nv = (e: Expr): number | undefined => (e.kind === 'num' ? e.value : undefined);
const isNum = (e: Expr, v?: number): boolean => e.kind === 'num' && (v === undefined || e.value === v);

/** The factors of a product, flattened. */
function factors(e: Expr): Expr[] {
  return e.kind === 'call' && e.fn === 'mul' ? [...factors(e.args[0]), ...factors(e.args[1])] : [e];
}

/** A call with the tidying rules applied; the derivative is built only from these. */
export function mk(fn: Fn, ...args: Expr[]): Expr {
  const [a, b] = args;
  switch (fn) {
    case 'add':
      if (isNum(a, 0)) return b;
      if (isNum(b, 0)) return a;
      if (isNum(a) && isNum(b)) return num(nv(a)! + nv(b)!);
      if (b.kind === 'call' && b.fn === 'neg') return mk('sub', a, b.args[0]);
      if (isNum(b) && nv(b)! < 0) return mk('sub', a, num(-nv(b)!));
      break;
    case 'sub':
      if (isNum(b, 0)) return a;
      if (isNum(a, 0)) return mk('neg', b);
      if (isNum(a) && isNum(b)) return num(nv(a)! - nv(b)!);
      if (b.kind === 'call' && b.fn === 'neg') return mk('add', a, b.args[0]);
      break;
    case 'mul':
      if (isNum(a, 0) || isNum(b, 0)) return num(0);
      if (isNum(a, 1)) return b;
      if (isNum(b, 1)) return a;
      if (isNum(a) && isNum(b)) return num(nv(a)! * nv(b)!);
      if (isNum(a, -1)) return mk('neg', b);
      if (isNum(b, -1)) return mk('neg', a);
      if (isNum(b)) return mk('mul', b, a); // numbers first: 2 x
      if (a.kind === 'call' && a.fn === 'neg') return mk('neg', mk('mul', a.args[0], b));
      if (b.kind === 'call' && b.fn === 'neg') return mk('neg', mk('mul', a, b.args[0]));
      if (isNum(a) && b.kind === 'call' && b.fn === 'mul' && isNum(b.args[0])) return mk('mul', num(nv(a)! * nv(b.args[0])!), b.args[1]);
      if (b.kind === 'call' && b.fn === 'mul' && isNum(b.args[0])) return mk('mul', b.args[0], mk('mul', a, b.args[1]));
      break;
    case 'div':
      if (isNum(a, 0)) return num(0);
      if (isNum(b, 1)) return a;
      if (isNum(a) && isNum(b) && Number.isInteger(nv(a)! / nv(b)!)) return num(nv(a)! / nv(b)!);
      if (a.kind === 'call' && a.fn === 'neg') return mk('neg', mk('div', a.args[0], b));
      {
        // sigma(z)(1 - sigma(z)) h / sigma(z) = (1 - sigma(z)) h
        const fs = factors(a), k = fs.findIndex((f) => sameExpr(f, b));
        if (k >= 0) return fs.filter((_f, i) => i !== k).reduce((acc, f) => mk('mul', acc, f), num(1));
      }
      break;
    case 'pow':
      if (isNum(b, 1)) return a;
      if (isNum(b, 0)) return num(1);
      if (isNum(a) && isNum(b) && Number.isInteger(nv(b)!)) return num(nv(a)! ** nv(b)!);
      break;
    case 'neg':
      if (isNum(a)) return num(-nv(a)!);
      if (a.kind === 'call' && a.fn === 'neg') return a.args[0];
      break;
  }
  return { kind: 'call', fn, args };
}

/** d expr / d v. */
export function derivative(e: Expr, v: string): Expr {
  if (e.kind === 'num') return num(0);
  if (e.kind === 'var') return num(e.name === v ? 1 : 0);
  const [a, b] = e.args;
  const da = (): Expr => derivative(a, v);
  const db = (): Expr => derivative(b, v);
  /** outer'(a) times the inner derivative */
  const chain = (outer: Expr): Expr => mk('mul', outer, da());
  switch (e.fn) {
    // (a + b)' = a' + b'
    case 'add': return mk('add', da(), db());
    case 'sub': return mk('sub', da(), db());
    // (ab)' = a'b + ab'
    case 'mul': return mk('add', mk('mul', da(), b), mk('mul', a, db()));
    // (a/b)' = a'/b - a b'/b^2
    case 'div': return mk('sub', mk('div', da(), b), mk('div', mk('mul', a, db()), mk('pow', b, num(2))));
    case 'neg': return mk('neg', da());
    case 'pow': {
      // (a^p)' = p a^(p-1) a'; (e^b)' = e^b b'; (a^b)' = a^b (b' log a + b a'/a)
      const p = constantValue(b);
      if (p !== undefined) return chain(mk('mul', num(p), mk('pow', a, num(p - 1))));
      if (isNum(a, Math.E)) return mk('mul', mk('exp', b), db());
      return mk('mul', e, mk('add', mk('mul', db(), mk('log', a)), mk('div', mk('mul', b, da()), a)));
    }
    // exp' = exp
    case 'exp': return chain(e);
    // log' = 1/x
    case 'log': return mk('div', da(), a);
    // sqrt' = 1/(2 sqrt x)
    case 'sqrt': return mk('div', da(), mk('mul', num(2), e));
    // |x|' = sign x
    case 'abs': return chain(mk('sign', a));
    case 'sin': return chain(mk('cos', a));
    case 'cos': return chain(mk('neg', mk('sin', a)));
    // tanh' = 1 - tanh^2
    case 'tanh': return chain(mk('sub', num(1), mk('pow', e, num(2))));
    // sigma' = sigma (1 - sigma)
    case 'sigmoid': return chain(mk('mul', e, mk('sub', num(1), e)));
    // relu' = step
    case 'relu': return chain(mk('step', a));
    // softplus' = sigma
    case 'softplus': return chain(mk('sigmoid', a));
    // max(a,b)' = [a > b] a' + (1 - [a > b]) b': a tie gives a the relu'(0) share and b the rest, as the engine does
    case 'max': return mk('add', mk('mul', mk('step', mk('sub', a, b)), da()), mk('mul', mk('sub', num(1), mk('step', mk('sub', a, b))), db()));
    case 'min': return mk('add', mk('mul', mk('step', mk('sub', b, a)), da()), mk('mul', mk('sub', num(1), mk('step', mk('sub', b, a))), db()));
    // a step is flat away from its jump
    case 'step':
    case 'sign':
      return num(0);
  }
}

/** Whether two trees are the same expression (spans ignored). */
export function sameExpr(x: Expr, y: Expr): boolean {
  if (x.kind !== y.kind) return false;
  if (x.kind === 'num') return x.value === (y as typeof x).value;
  if (x.kind === 'var') return x.name === (y as typeof x).name;
  const c = y as typeof x;
  return x.fn === c.fn && x.args.length === c.args.length && x.args.every((a, i) => sameExpr(a, c.args[i]));
}

/** The number of nodes of a tree. */
export function exprSize(e: Expr): number {
  return e.kind === 'call' ? 1 + e.args.reduce((s, a) => s + exprSize(a), 0) : 1;
}
