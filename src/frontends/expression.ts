/**
 * The math-expression front end: plain text (parsed by mathjs) or a LaTeX subset (rewritten to plain
 * text first) becomes one small expression tree whose every node knows the span of source text it
 * came from. The engine graph, the symbolic derivative and the homework checker all start here.
 */
import { create, parseDependencies } from 'mathjs';
import type { MathNode } from 'mathjs';
import { latexToText, looksLikeLatex } from './latexToText';
import { InputError } from './sentence';

/** [start, end) offsets into the source text. */
export interface Span {
  start: number;
  end: number;
}

export const FUNCTIONS = ['exp', 'log', 'sqrt', 'abs', 'sin', 'cos', 'tanh', 'sigmoid', 'relu', 'softplus', 'max', 'min', 'step', 'sign'] as const;
export type Fn = (typeof FUNCTIONS)[number] | 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'neg';

export type Expr =
  | { kind: 'num'; value: number; span?: Span }
  | { kind: 'var'; name: string; span?: Span }
  | { kind: 'call'; fn: Fn; args: Expr[]; span?: Span };

/** Other spellings of a function, and how many arguments each function takes. */
const ALIASES: Record<string, (typeof FUNCTIONS)[number]> = {
  ln: 'log', maximum: 'max', minimum: 'min', 'σ': 'sigmoid', sigma: 'sigmoid', heaviside: 'step', H: 'step', sgn: 'sign', ReLU: 'relu', Relu: 'relu',
};
const ARITY: Record<string, number> = { max: -1, min: -1 };
const CONSTANTS: Record<string, number> = { e: Math.E, pi: Math.PI, 'π': Math.PI };

/**
 * mathjs's parser alone, built on first use: importing `parse` from the package builds every
 * function mathjs has (about 0.4 s when the extension activates); the parser needs only these.
 */
let parser: ((text: string) => MathNode) | undefined;
const parse = (text: string): MathNode => (parser ??= create({ parseDependencies }).parse)(text);

export interface Parsed {
  expr: Expr;
  syntax: 'plain' | 'latex';
  /** the free variables, in order of first appearance */
  variables: string[];
}

interface Tok {
  text: string;
  start: number;
  end: number;
}

/** Same-length rewrites of what mathjs does not read, so offsets stay put. */
function prepare(src: string): string {
  return src
    .replace(/\*\*/g, '^ ')
    .replace(/relu'/gi, 'step ')
    .replace(/[·×]/g, '*')
    .replace(/−/g, '-');
}

/** The identifiers and numbers of the text, as mathjs reads them. */
function tokens(text: string): Tok[] {
  const out: Tok[] = [];
  const re = /(\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)|([A-Za-z_\u0370-\u03ff$][A-Za-z0-9_\u0370-\u03ff$]*)/g;
  for (let m; (m = re.exec(text)); ) out.push({ text: m[0], start: m.index, end: m.index + m[0].length });
  return out;
}

function parseError(e: Error, text: string, at: (i: number) => number, source: string): InputError {
  const m = /\(char (\d+)\)/.exec(e.message);
  const msg = e.message.replace(/\s*\(char \d+\)/, '').replace(/^Unexpected (operator|type of argument)/, 'unexpected');
  if (!m) return new InputError(`Cannot parse the expression: ${msg}`);
  if (/^Parenthesis \) expected/.test(msg)) {
    // name the bracket that is open, not the end of the text
    const open: number[] = [];
    for (let k = 0; k < text.length; k++) if (text[k] === '(') open.push(k); else if (text[k] === ')') open.pop();
    if (open.length) return new InputError(`'(' is never closed at column ${at(open[open.length - 1]) + 1}`);
  }
  const i = Math.min(Number(m[1]) - 1, text.length);
  const col = at(i) + 1;
  const ch = source[col - 1];
  if (ch === undefined) return new InputError(`The expression ends too early: ${msg.toLowerCase()} at column ${col}`);
  const what = /^Value expected|^unexpected/i.test(msg) ? `unexpected '${ch}'` : `${msg} (at '${ch}')`;
  return new InputError(`${what} at column ${col}`);
}

export function parseExpression(source: string, syntax: 'auto' | 'plain' | 'latex' = 'auto'): Parsed {
  if (source.trim() === '') throw new InputError('The selection is empty: select a math expression such as sigmoid(w*x + b).');
  if (source.length > 20_000) throw new InputError(`The expression is ${source.length} characters long; Explain Gradient reads at most 20,000.`);
  const latex = syntax === 'latex' || (syntax === 'auto' && looksLikeLatex(source));
  let text: string;
  let map: (i: number) => number;
  if (latex) {
    const t = latexToText(source);
    text = t.text;
    map = (i) => t.at[Math.max(0, Math.min(i, t.at.length - 1))];
  } else {
    text = prepare(source);
    map = (i) => i;
  }
  let node: MathNode;
  try {
    node = parse(text);
  } catch (e) {
    throw parseError(e as Error, text, map, source);
  }
  const toks = tokens(text);
  let cursor = 0;
  const ctx: ConvertCtx = {
    text,
    column: (span) => (span ? map(span.start) + 1 : undefined),
    // the next identifier or number token equal to `want`, consumed in source order
    claim(want) {
      for (let k = cursor; k < toks.length; k++) {
        const t = toks[k];
        if (typeof want === 'number' ? Number(t.text) === want : t.text === want) {
          cursor = k + 1;
          return { start: t.start, end: t.end };
        }
      }
      return undefined;
    },
    seen(name) {
      if (!variables.includes(name)) variables.push(name);
    },
  };
  const variables: string[] = [];
  const expr = mapSpans(convert(node, ctx), (sp) => ({ start: map(sp.start), end: map(sp.end - 1) + 1 }));
  return { expr, syntax: latex ? 'latex' : 'plain', variables };
}

interface ConvertCtx {
  /** the text mathjs parsed; spans are offsets into it until mapped back to the source */
  text: string;
  /** the 1-based source column where a span of the text starts */
  column(span: Span | undefined): number | undefined;
  claim(want: string | number): Span | undefined;
  seen(name: string): void;
}

function mapSpans(e: Expr, f: (s: Span) => Span): Expr {
  const span = e.span && f(e.span);
  return e.kind === 'call' ? { ...e, args: e.args.map((a) => mapSpans(a, f)), span } : { ...e, span };
}

/** The span grown to the bracket `close` that follows it (skipping spaces), and to `open` before it. */
function grow(span: Span | undefined, text: string, open: string | null, close: string | null): Span | undefined {
  if (!span) return span;
  let { start, end } = span;
  let j = end;
  while (j < text.length && text[j] === ' ') j++;
  if (close !== null && text[j] === close) end = j + 1;
  if (open !== null) {
    let i = start - 1;
    while (i >= 0 && text[i] === ' ') i--;
    if (text[i] === open) start = i;
  }
  return { start, end };
}

const union = (spans: (Span | undefined)[]): Span | undefined => {
  const s = spans.filter((x): x is Span => x !== undefined);
  return s.length ? { start: Math.min(...s.map((x) => x.start)), end: Math.max(...s.map((x) => x.end)) } : undefined;
};

const BINARY: Record<string, Fn> = { add: 'add', subtract: 'sub', multiply: 'mul', divide: 'div', pow: 'pow', dotMultiply: 'mul', dotDivide: 'div', dotPow: 'pow' };

function convert(node: MathNode, ctx: ConvertCtx): Expr {
  const { claim, seen, column } = ctx;
  const call = (fn: Fn, args: Expr[], own?: Span): Expr => ({ kind: 'call', fn, args, span: union([own, ...args.map((a) => a.span)]) });
  const n = node as MathNode & Record<string, unknown>;
  switch (node.type) {
    case 'ConstantNode': {
      const v = n.value;
      if (typeof v !== 'number') throw new InputError(`'${String(v)}' is not a number`);
      return { kind: 'num', value: v, span: claim(v) };
    }
    case 'SymbolNode': {
      const name = n.name as string;
      const span = claim(name);
      if (name in CONSTANTS) return { kind: 'num', value: CONSTANTS[name], span };
      if ((FUNCTIONS as readonly string[]).includes(name) || (name in ALIASES && name !== 'H')) {
        throw new InputError(`${name} is a function: write ${name}(…) with parentheses${span ? ` (column ${column(span)})` : ''}`);
      }
      seen(name);
      return { kind: 'var', name, span };
    }
    case 'ParenthesisNode': {
      const inner = convert(n.content as MathNode, ctx);
      return { ...inner, span: grow(inner.span, ctx.text, '(', ')') };
    }
    case 'OperatorNode': {
      const fnName = n.fn as string;
      const args = (n.args as MathNode[]).map((a) => convert(a, ctx));
      if (fnName === 'unaryMinus') return call('neg', args, grow(args[0].span, ctx.text, '-', null));
      if (fnName === 'unaryPlus') return args[0];
      // comparisons are indicator functions: (z > 0) = step(z)
      if (fnName === 'larger' || fnName === 'largerEq') return call('step', [call('sub', args)]);
      if (fnName === 'smaller' || fnName === 'smallerEq') return call('step', [call('sub', [args[1], args[0]])]);
      const fn = BINARY[fnName];
      if (!fn) throw new InputError(`The operator '${n.op as string}' is not supported; use + - * / ^`);
      // mathjs reads e^x (1 + x) as e^(x(1 + x)); a student means e^x times (1 + x)
      const ex = args[1];
      if (fn === 'pow' && isCall(ex, 'mul') && (n.args as MathNode[])[1].type === 'FunctionNode' && ex.args[0].kind === 'var') {
        return call('mul', [call('pow', [args[0], ex.args[0]]), ex.args[1]]);
      }
      return call(fn, args);
    }
    case 'FunctionNode': {
      const fnNode = n.fn as MathNode & { name?: string };
      const raw = fnNode.name ?? '';
      const own = claim(raw);
      const fn = (FUNCTIONS as readonly string[]).includes(raw) ? (raw as Fn) : ALIASES[raw];
      const product = !fn && fnNode.type === 'SymbolNode' && (n.args as MathNode[]).length === 1 && /^[A-Za-z\u0370-\u03ff](_\w+|\d*)$/.test(raw) && !(raw in CONSTANTS);
      if (product) seen(raw);
      const args = (n.args as MathNode[]).map((a) => convert(a, ctx));
      const whole = grow(union([own, ...args.map((a) => a.span)]), ctx.text, null, ')');
      if (!fn) {
        // x(1 - x) is a product, not a call of a function x
        if (product) return call('mul', [{ kind: 'var', name: raw, span: own }, args[0]], whole);
        throw new InputError(`Unknown function '${raw}'${own ? ` at column ${column(own)}` : ''}. Supported: ${FUNCTIONS.join(', ')} (also ln, σ, heaviside, relu').`);
      }
      const arity = ARITY[fn] ?? 1;
      if (arity === -1) {
        if (args.length < 2) throw new InputError(`${fn} needs at least two arguments, e.g. ${fn}(a, b)`);
        // max(a, b, c) = max(max(a, b), c): each fold stands for the whole call
        return args.slice(1).reduce((acc, a): Expr => ({ kind: 'call', fn, args: [acc, a], span: whole }), args[0]);
      }
      if (args.length !== arity) throw new InputError(`${raw} takes ${arity} argument${arity === 1 ? '' : 's'}, got ${args.length}`);
      return call(fn, args, whole);
    }
    default:
      throw new InputError(`'${node.toString()}' is not supported in an expression (${node.type.replace(/Node$/, '').toLowerCase()})`);
  }
}

export const isCall = (e: Expr, fn: Fn): e is Extract<Expr, { kind: 'call' }> => e.kind === 'call' && e.fn === fn;
