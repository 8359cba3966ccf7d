/**
 * Definitions and their substitution: each keeps the definitions in force where it appeared, and
 * inlining the tree is the simplest way to the total derivative of L through h1, h2, ...
 */
import type { Expr } from '../frontends/expression';
import { InputError } from '../frontends/sentence';
import { exprSize, sameExpr } from '../explain/symbolic';

export interface Definition {
  name: string;
  expr: Expr;
  /** the definitions in force where this one appeared (never itself) */
  scope: Scope;
}

export type Scope = ReadonlyMap<string, Definition>;

export function define(scope: Scope, name: string, expr: Expr): Scope {
  const next = new Map(scope);
  next.set(name, { name, expr, scope });
  return next;
}

export interface InlineOptions {
  /** names kept as variables (the variable differentiated by, or an intermediate held fixed) */
  stop?: ReadonlySet<string>;
  /** renames a variable occurrence that is not inlined; `path` is the definitions it sits in */
  rename?: (name: string, path: readonly string[]) => string;
  /** every definition substituted, with its inlined tree */
  used?: Map<string, Expr>;
}

/** Larger than this after substitution, a claim is not worth checking by sampling. */
const MAX_NODES = 50_000;

/** The tree with every defined name replaced by its definition, recursively. */
export function inline(expr: Expr, scope: Scope, opts: InlineOptions = {}): Expr {
  let nodes = 0;
  const go = (e: Expr, sc: Scope, path: string[]): Expr => {
    if (++nodes > MAX_NODES) throw new InputError(`the definitions expand to more than ${MAX_NODES} terms`);
    if (e.kind === 'num') return e;
    if (e.kind === 'call') return { ...e, args: e.args.map((a) => go(a, sc, path)) };
    const def = sc.get(e.name);
    if (!def || opts.stop?.has(e.name)) return opts.rename ? { ...e, name: opts.rename(e.name, path) } : e;
    const out = go(def.expr, def.scope, [...path, def.name]);
    if (opts.used && !opts.used.has(def.name)) opts.used.set(def.name, out);
    return out;
  };
  return go(expr, scope, []);
}

/** The tree with every subtree equal to a definition's inlined tree written as its name again. */
export function fold(expr: Expr, defs: ReadonlyMap<string, Expr>): Expr {
  // the largest first, so h2 is written h2 rather than relu(w_h*h1 + ...)
  const list = [...defs].filter(([, d]) => d.kind === 'call').sort((a, b) => exprSize(b[1]) - exprSize(a[1]));
  const go = (e: Expr): Expr => {
    if (e.kind !== 'call') return e;
    for (const [name, d] of list) if (sameExpr(e, d)) return { kind: 'var', name };
    return { ...e, args: e.args.map(go) };
  };
  return go(expr);
}
