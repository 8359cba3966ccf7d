/**
 * Everything "Explain Gradient" shows for one expression, as plain JSON built from the engine's
 * tape: the graph with values and gradients, the backward pass one node at a time (with the sum
 * over children where a node feeds several), every path from the output to an input, and the
 * symbolic derivative checked against the autodiff number. The panel and the CLI both render it.
 */
import { OPS } from '../engine/ops';
import type { OpName } from '../engine/ops';
import { fnv1a, mulberry32 } from '../engine/random';
import type { NodeId } from '../engine/tape';
import type { Expr, Span } from '../frontends/expression';
import { parseExpression } from '../frontends/expression';
import type { ExprGraph } from '../frontends/exprGraph';
import { evaluate, exprGraph } from '../frontends/exprGraph';
import { InputError } from '../frontends/sentence';
import { toLatex, toText } from './printExpr';
import { derivative } from './symbolic';

export interface ExplainOptions {
  expression: string;
  /** values of free variables; the others get seeded defaults */
  values?: Readonly<Record<string, number>>;
  /** the variable to differentiate by; all free variables when absent */
  wrt?: string;
  /** relu'(0), also the share of a tie in max/min */
  reluAtZero?: number;
  seed?: number;
}

export interface ExplainNode {
  id: number;
  op: OpName;
  /** short label: the op's, a variable's name or a constant's value */
  label: string;
  /** the node's symbol in the derivation: f (output), u_k (inner), the variable, or the number */
  symbol: string;
  /** LaTeX of what the node computes from its inputs, e.g. "\sigma(u_2)" */
  latex: string;
  inputs: number[];
  value: number;
  /** df/d(node), null for constants */
  grad: number | null;
  /** the op table's local derivative rule */
  rule: string;
  layer: number;
  kind: 'variable' | 'constant' | 'op' | 'output';
  /** where in the expression's text it came from */
  span?: Span;
  scope?: string;
  /** pow's exponent */
  p?: number;
}

export interface ExplainStep {
  node: number;
  /** df/d(node) = sum over children c of df/dc * dc/d(node); empty for the output (df/df = 1) */
  terms: { child: number; upstream: number; local: number; value: number }[];
  grad: number;
  /** what this node passes back to each non-constant input: dnode/dinput and the contribution */
  locals: { input: number; local: number; contribution: number }[];
}

export interface ExplainPath {
  /** node ids from the output to the input */
  nodes: number[];
  /** local derivative of each edge */
  factors: number[];
  product: number;
}

export interface ExplainDerivative {
  variable: string;
  text: string;
  latex: string;
  /** the symbolic derivative's value at the point */
  value: number;
  /** the autodiff gradient at the point */
  autodiff: number;
  agrees: boolean;
}

export interface ExplainTrace {
  expression: string;
  syntax: 'plain' | 'latex';
  latex: string;
  text: string;
  value: number;
  variables: { name: string; value: number; assumed: boolean }[];
  /** the variables explained (the chosen one, or all) */
  wrt: string[];
  nodes: ExplainNode[];
  output: number;
  steps: ExplainStep[];
  gradient: Record<string, number>;
  derivatives: ExplainDerivative[];
  paths: { variable: string; paths: ExplainPath[]; count: number; total: number }[];
  /** set when the point sits on a kink (relu at 0, a max tie), where the convention decides */
  kink?: { node: number; note: string };
  reluAtZero: number;
}

export const MAX_PATHS = 64;
export const MAX_EXPLAIN_NODES = 2000;

/** Operations whose argument must be positive: variables under them get positive defaults. */
const POSITIVE = new Set(['log', 'sqrt']);

function positiveVariables(e: Expr, under = false, out = new Set<string>()): Set<string> {
  if (e.kind === 'var' && under) out.add(e.name);
  if (e.kind === 'call') {
    const pos = under || POSITIVE.has(e.fn) || e.fn === 'div' || (e.fn === 'pow' && !(e.args[1].kind === 'num' && Number.isInteger(e.args[1].value)));
    e.args.forEach((a, i) => positiveVariables(a, e.fn === 'div' ? under || i === 1 : pos, out));
  }
  return out;
}

/** A seeded default for a variable: two decimals, in [-1, 1], or [0.2, 1.5] where it must be positive. */
function defaultValue(name: string, positive: boolean, seed: number, attempt: number): number {
  const r = mulberry32(fnv1a(name) ^ seed ^ Math.imul(attempt, 0x9e3779b9))();
  const v = positive ? 0.2 + 1.3 * r : 2 * r - 1;
  return Math.round(v * 100) / 100 || 0.01;
}

const close = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-9 + 1e-6 * Math.max(Math.abs(a), Math.abs(b));

export function explainTrace(o: ExplainOptions): ExplainTrace {
  const parsed = parseExpression(o.expression);
  const { expr, variables: names } = parsed;
  const r0 = o.reluAtZero ?? 0;
  const seed = o.seed ?? 361;
  if (o.wrt !== undefined && !names.includes(o.wrt)) {
    throw new InputError(`${o.wrt} is not a variable of this expression${names.length ? `; its variables are ${names.join(', ')}` : ' (it has none)'}`);
  }
  const positive = positiveVariables(expr);
  const given = o.values ?? {};
  // draw defaults until the value is finite and no kink is within 1e-3
  let values: Record<string, number> = {};
  let built: ExprGraph;
  for (let attempt = 0; ; attempt++) {
    values = Object.fromEntries(names.map((n) => [n, given[n] ?? defaultValue(n, positive.has(n), seed, attempt)]));
    built = exprGraph(expr, values, { reluAtZero: r0, source: o.expression });
    const ok = Number.isFinite(built.graph.scalar(built.out)) && built.graph.kinkDistance(built.out).distance > 1e-3;
    if (ok || attempt >= 20 || names.every((n) => given[n] !== undefined)) break;
  }
  const { graph, out, leaves, exprs } = built;
  if (graph.size > MAX_EXPLAIN_NODES) {
    throw new InputError(`The expression has ${graph.size} operations; Explain Gradient draws at most ${MAX_EXPLAIN_NODES}.`);
  }
  const value = graph.scalar(out);
  const grads = graph.backward(out);

  // nodes that depend on a variable carry a gradient; constants and constant subtrees do not
  const live: boolean[] = [];
  const layer: number[] = [];
  const nodes: ExplainNode[] = [];
  let inner = 0;
  for (let id = 0; id <= out; id++) {
    const n = graph.node(id as NodeId);
    live[id] = n.op === 'param' || n.inputs.some((i) => live[i]);
    layer[id] = n.inputs.length ? 1 + Math.max(...n.inputs.map((i) => layer[i])) : 0;
    const e = exprs[id];
    const kind = id === out ? 'output' : n.op === 'param' ? 'variable' : n.op === 'const' ? 'constant' : 'op';
    const symbol = kind === 'output' ? 'f' : kind === 'variable' ? toLatex({ kind: 'var', name: n.name! }) : kind === 'constant' ? toLatex({ kind: 'num', value: n.value.data[0] }) : `u_{${++inner}}`;
    nodes.push({
      id, op: n.op, symbol,
      label: kind === 'variable' ? n.name! : kind === 'constant' ? toText({ kind: 'num', value: n.value.data[0] }) : OPS[n.op].label,
      latex: '',
      inputs: n.inputs,
      value: n.value.data[0],
      grad: live[id] ? grads.scalar(id as NodeId) : null,
      rule: OPS[n.op].latex,
      layer: layer[id],
      kind,
      ...(e?.span ? { span: e.span } : {}),
      ...(n.scope ? { scope: n.scope } : {}),
      ...(n.op === 'pow' ? { p: n.attrs.p } : {}),
    });
  }
  for (const n of nodes) n.latex = nodeLatex(n, nodes);

  // the backward pass, one live node at a time from the output back, each child's term explicit
  const children: { child: number; input: number; local: number }[][] = nodes.map(() => []);
  const localsOf: number[][] = [];
  for (const n of nodes) {
    if (n.inputs.length === 0 || !live[n.id]) continue;
    const locals = graph.localGradients(n.id as NodeId).map((t) => t.data[0]);
    localsOf[n.id] = locals;
    n.inputs.forEach((input, k) => {
      if (live[input]) children[input].push({ child: n.id, input: k, local: locals[k] });
    });
  }
  const steps: ExplainStep[] = [];
  for (let id = out; id >= 0; id--) {
    if (!live[id]) continue;
    const n = nodes[id];
    const terms = children[id].map((c) => {
      const upstream = nodes[c.child].grad!;
      return { child: c.child, upstream, local: c.local, value: upstream * c.local };
    });
    steps.push({
      node: id,
      terms,
      grad: n.grad!,
      locals: n.inputs.flatMap((input, k) => (live[input] ? [{ input, local: localsOf[id][k], contribution: n.grad! * localsOf[id][k] }] : [])),
    });
  }

  const wrt = o.wrt !== undefined ? [o.wrt] : names;
  const gradient = Object.fromEntries(names.map((name) => [name, grads.scalar(leaves.get(name)!)]));
  const derivatives = wrt.map((variable): ExplainDerivative => {
    const d = derivative(expr, variable);
    const dv = evaluate(d, values, r0);
    return { variable, text: toText(d), latex: toLatex(d), value: dv, autodiff: gradient[variable], agrees: close(dv, gradient[variable]) };
  });
  const paths = wrt.map((variable) => allPaths(nodes, children, out, leaves.get(variable)!, variable));
  const kink = graph.kinkDistance(out);
  return {
    expression: o.expression,
    syntax: parsed.syntax,
    latex: toLatex(expr),
    text: toText(expr),
    value,
    variables: names.map((name) => ({ name, value: values[name], assumed: given[name] === undefined })),
    wrt,
    nodes,
    output: out,
    steps,
    gradient,
    derivatives,
    paths,
    ...(kink.node !== undefined && kink.distance === 0
      ? { kink: { node: kink.node, note: `${OPS[graph.opOf(kink.node)].label} sits exactly on its kink here; the gradient uses the convention relu'(0) = ${r0}.` } }
      : {}),
    reluAtZero: r0,
  };
}

/** Every path from the output down to `leaf` (at most MAX_PATHS listed), and how many there are. */
function allPaths(nodes: ExplainNode[], children: { child: number; local: number }[][], out: number, leaf: number, variable: string): ExplainTrace['paths'][number] {
  // count paths with a dynamic program, list them with a depth-first walk from the leaf up
  const count: number[] = nodes.map(() => 0);
  count[out] = 1;
  for (let id = out; id >= 0; id--) for (const c of children[id]) count[id] += count[c.child];
  const paths: ExplainPath[] = [];
  const walk = (id: number, up: number[], factors: number[]): void => {
    if (paths.length >= MAX_PATHS) return;
    if (id === out) {
      paths.push({ nodes: [...up].reverse(), factors: [...factors].reverse(), product: factors.reduce((a, b) => a * b, 1) });
      return;
    }
    for (const c of children[id]) walk(c.child, [...up, c.child], [...factors, c.local]);
  };
  walk(leaf, [leaf], []);
  return { variable, paths, count: count[leaf], total: paths.reduce((s, p) => s + p.product, 0) };
}

/** What a node computes, in LaTeX, with its inputs written as their symbols. */
function nodeLatex(n: ExplainNode, nodes: ExplainNode[]): string {
  if (n.kind === 'variable' || n.kind === 'constant') return n.symbol;
  const [a, b] = n.inputs.map((i) => nodes[i].symbol);
  const wrapSym = (s: string): string => (/^[A-Za-z0-9_{}.\\]+$/.test(s) ? s : `(${s})`);
  switch (n.op) {
    case 'add': return `${a} + ${b}`;
    case 'sub': return `${a} - ${b}`;
    case 'mul': return `${wrapSym(a)}\\,${wrapSym(b)}`;
    case 'div': return `\\frac{${a}}{${b}}`;
    case 'neg': return `-${wrapSym(a)}`;
    case 'pow': return `${wrapSym(a)}^{${toText({ kind: 'num', value: n.p ?? 1 })}}`;
    case 'exp': return `e^{${a}}`;
    case 'sqrt': return `\\sqrt{${a}}`;
    case 'abs': return `\\left|${a}\\right|`;
    case 'maximum': return `\\max(${a}, ${b})`;
    case 'minimum': return `\\min(${a}, ${b})`;
    case 'gt': return `[${a} > 0]`;
    case 'lt': return `[${a} < 0]`;
    case 'sigmoid': return `\\sigma(${a})`;
    case 'log': case 'sin': case 'cos': case 'tanh': return `\\${n.op}(${a})`;
    default: return `\\operatorname{${n.op}}(${a})`;
  }
}
