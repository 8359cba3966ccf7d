/**
 * Finds a homework document's definitions, derivative claims and domain directives with exact ranges.
 * A statement splits at its top-level `=`; plain-text lines are read warily (a prose word ends the
 * math), so sentences about derivatives never become claims.
 */
import { parseExpression } from '../frontends/expression';
import type { Expr } from '../frontends/expression';
import { InputError } from '../frontends/sentence';
import { derivativeLeft, findDerivativeInSentence, hasDerivative } from './leftSide';
import type { LeftSide } from './leftSide';
import { canonicalExpr, canonicalName, firstProseWord, variablesOf } from './names';
import { rewriteLatex, rewritePlain } from './rewrite';
import { mathSegments } from './segments';
import type { Segment } from './segments';
import { notebookCells } from './notebook';
import type { DocKind, DocRange, Item } from './types';

interface Span { start: number; end: number }

interface Ctx {
  doc: string;
  starts: number[];
  cell?: number;
  defined: Set<string>;
  items: Item[];
  /** the last claim's left side, which `= ...` on the next line of the same block continues */
  last?: { block: number; lhs: string; left: LeftSide; fnExpr?: Expr };
}

const NUM = String.raw`[-+−]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?`;
const num = (s: string): number => Number(s.replace('−', '-'));

function range(ctx: Ctx, start: number, end: number): DocRange {
  const at = (i: number): [number, number] => {
    let lo = 0, hi = ctx.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (ctx.starts[mid] <= i) lo = mid;
      else hi = mid - 1;
    }
    return [lo, i - ctx.starts[lo]];
  };
  const [line, col] = at(start), [endLine, endCol] = at(end);
  return { line, col, endLine, endCol, ...(ctx.cell !== undefined ? { cell: ctx.cell } : {}) };
}

/** [start, end) pieces of text[from, to) between top-level `=` signs (not ==, <=, >=, !=). */
function splitAtEquals(text: string, from: number, to: number): Span[] {
  const out: Span[] = [];
  let depth = 0, start = from;
  for (let i = from; i < to; i++) {
    const ch = text[i];
    if ('([{'.includes(ch)) depth++;
    else if (')]}'.includes(ch)) depth = Math.max(0, depth - 1);
    else if (ch === '=' && depth === 0 && !'=<>!'.includes(text[i - 1] ?? '') && text[i + 1] !== '=') {
      out.push({ start, end: i });
      start = i + 1;
    }
  }
  out.push({ start, end: to });
  return out;
}

/** The span without surrounding blanks, closing punctuation and (LaTeX) trailing annotations. */
function trim(text: string, s: Span, syntax: Segment['syntax']): Span {
  let { start, end } = s;
  if (syntax === 'latex') {
    // "\quad \text{for all } x" is a note; \text{relu} and \text{d} are math
    const note = /\\q?quad\b|\\(text|mbox|textrm)\s*\{(?!\s*(relu|sigmoid|softplus|tanh|exp|log|step|sign|abs|max|min|[A-Za-z])\s*\})|\\(forall|iff|implies)\b/.exec(text.slice(start, end));
    if (note) end = start + note.index;
  }
  while (start < end && /\s/.test(text[start])) start++;
  const tail = syntax === 'latex' ? /(\s|\\[,;:! ]|[.,;])$/ : /[\s.,;:]$/;
  while (end > start && tail.test(text.slice(Math.max(start, end - 2), end))) end -= /\\[,;:! ]$/.test(text.slice(start, end)) ? 2 : 1;
  return { start, end };
}

type Parsed = { expr: Expr; span: Span } | { error: string; at: number } | null;

/** An expression of the segment text at span s (doc offset base), or an error, or null if not math. */
function parseAt(ctx: Ctx, seg: Segment, text: string, s: Span, wary: boolean): Parsed {
  let { start, end } = trim(text, s, seg.syntax);
  if (end <= start) return null;
  let cut = false;
  if (seg.syntax === 'plain') {
    const k = firstProseWord(text.slice(start, end), ctx.defined);
    if (k === 0) return null;
    if (k > 0) {
      ({ start, end } = trim(text, { start, end: start + k }, 'plain'));
      // "exp(s12)/D (the weight of token 2)": an aside's opening bracket goes with the words
      while (end > start && /[\s([{]/.test(text[end - 1])) end--;
      cut = true;
    }
  }
  const src = text.slice(start, end);
  if (/≈|\\approx|\\sim|\\ne\b|\\neq/.test(src)) return null;
  try {
    // a plain line may still hold LaTeX (dL/dw = \sigma(z) - 1)
    const p = parseExpression(src, seg.syntax === 'latex' ? 'latex' : 'auto');
    const expr = canonicalExpr(p.expr);
    // a word cut out of a sentence must still look like a formula, not a lone letter
    if ((cut || wary) && expr.kind === 'var' && !/[()*/^+\-\d]/.test(src)) return null;
    return { expr, span: { start, end } };
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    const m = /column (\d+)/.exec(e.message);
    const at = seg.start + start + (m ? Number(m[1]) - 1 : 0);
    const r = range(ctx, at, at);
    return { error: e.message.replace(/column \d+/, `column ${r.col + 1}`), at };
  }
}

/** The student's own text of [s.start, end) (markup the rewrite blanked stays in). */
const source = (ctx: Ctx, seg: Segment, s: Span, end = trim(seg.text, s, seg.syntax).end): string => ctx.doc.slice(seg.start + s.start, seg.start + end).trim();

/** The first non-blank offset of the student's text from s.start. */
const startOf = (ctx: Ctx, seg: Segment, s: Span): number => {
  let i = seg.start + s.start;
  while (i < seg.start + s.end && /\s/.test(ctx.doc[i])) i++;
  return i;
};

/** The function a left side differentiates: a name, or its parsed expression. */
function leftFunction(ctx: Ctx, seg: Segment, text: string, lhs: Span, left: LeftSide): { expr: Expr } | { name: string } | { error: string; at: number } | null {
  if ('name' in left.fn) return { name: left.fn.name };
  if (left.fn.offset < 0) {
    const p = parseExpression(left.fn.text, seg.syntax);
    return { expr: canonicalExpr(p.expr) };
  }
  const from = lhs.start + left.fn.offset;
  // d/dx [x^2] reads the brackets as parentheses
  let t = text;
  const inner = trim(text, { start: from, end: lhs.end }, seg.syntax);
  if (text[inner.start] === '[' && text[inner.end - 1] === ']') t = `${text.slice(0, inner.start)}(${text.slice(inner.start + 1, inner.end - 1)})${text.slice(inner.end)}`;
  return parseAt(ctx, seg, t, { start: from, end: lhs.end }, false);
}

function statement(ctx: Ctx, seg: Segment, text: string, from: number, strict: boolean, loose: boolean): boolean {
  const parts = splitAtEquals(text, from, text.length);
  if (parts.length < 2) return false;
  const [lhs, ...rhs] = parts;
  const lhsText = text.slice(lhs.start, lhs.end);
  const left = lhsText.trim() === '' && ctx.last?.block === seg.block ? ctx.last.left : derivativeLeft(lhsText, seg.syntax);
  if (left) {
    const continued = lhsText.trim() === '' && ctx.last?.block === seg.block;
    const lhsSource = continued ? ctx.last!.lhs : source(ctx, seg, lhs, lhs.start + seg.text.slice(lhs.start, lhs.end).trimEnd().length);
    let fn: { name: string } | { expr: Expr };
    if (continued) fn = ctx.last!.fnExpr ? { expr: ctx.last!.fnExpr } : { name: ('name' in left.fn && left.fn.name) || '' };
    else {
      const f = leftFunction(ctx, seg, text, lhs, left);
      if (f === null) return false;
      if ('error' in f) {
        if (strict) ctx.items.push({ type: 'error', lhs: lhsSource, claim: '', message: f.error, range: range(ctx, f.at, seg.start + lhs.end) });
        return strict;
      }
      fn = f;
    }
    ctx.last = { block: seg.block, lhs: lhsSource, left, ...('expr' in fn ? { fnExpr: fn.expr } : {}) };
    let found = false;
    rhs.forEach((part, k) => {
      if (hasDerivative(text.slice(part.start, part.end))) return;
      const p = parseAt(ctx, seg, text, part, loose);
      const startAt = k === 0 && !continued ? lhs.start : part.start;
      if (p === null) return;
      // "dL/dw_i = -0.1321": a value at some point (program output), not a formula to check
      if (!('error' in p) && 'name' in fn && variablesOf(p.expr).length === 0 && /\d\.\d/.test(text.slice(p.span.start, p.span.end))) return;
      if ('error' in p) {
        const claim = source(ctx, seg, part);
        const end = seg.start + trim(text, part, seg.syntax).end;
        if (strict) ctx.items.push({ type: 'error', lhs: lhsSource, claim, message: p.error, range: range(ctx, p.at, Math.max(end, p.at + 1)) });
        found ||= strict;
        return;
      }
      found = true;
      const claim = source(ctx, seg, part, p.span.end);
      const r = range(ctx, startOf(ctx, seg, { start: startAt, end: part.end }), seg.start + p.span.end);
      ctx.items.push({ type: 'claim', lhs: lhsSource, claim, fn, wrt: left.wrt, rhs: p.expr, range: r, ...(loose ? { loose } : {}) });
    });
    return found;
  }
  const name = definitionName(lhsText, seg.syntax);
  if (!name) return false;
  for (const part of rhs) {
    if (hasDerivative(text.slice(part.start, part.end))) continue;
    const p = parseAt(ctx, seg, text, part, true);
    if (!p || 'error' in p) return false;
    const vars = variablesOf(p.expr);
    // x = 0.5 is a value, and x = x + 1 without an earlier x is an equation, not a definition
    if (vars.length === 0 || (vars.includes(name) && !ctx.defined.has(name))) return false;
    ctx.defined.add(name);
    ctx.items.push({ type: 'definition', name, expr: p.expr, range: range(ctx, startOf(ctx, seg, lhs), seg.start + p.span.end) });
    return true;
  }
  return false;
}

const FUNCTION_NAMES = /^(exp|log|ln|sqrt|abs|sin|cos|tanh|sigmoid|sigma|relu|softplus|max|min|step|sign|e|pi|d)$/;

function definitionName(lhs: string, syntax: Segment['syntax']): string | undefined {
  const m = syntax === 'plain'
    ? /^\s*([A-Za-z\u0370-\u03ff][A-Za-z0-9_]*)\s*$/.exec(lhs)
    : /^\s*((?:\\[A-Za-z]+|[A-Za-z])(?:\s*_\s*(?:\{\s*[A-Za-z0-9]+\s*\}|[A-Za-z0-9]))?)\s*$/.exec(lhs);
  if (!m) return undefined;
  const name = canonicalName(m[1].replace(/\\/g, ''));
  return FUNCTION_NAMES.test(name) ? undefined : name;
}

function domainDirective(ctx: Ctx, seg: Segment, text: string): boolean {
  // only a line that starts with "domain:" (after list or comment markers) is a directive
  const d = /^(\s*(<!--|%|#|>|[-*+]\s))*\s*domain\s*:/i.exec(text);
  if (!d) return false;
  const body = text.slice(d.index + d[0].length);
  const at = seg.start + d[0].search(/domain/i);
  const r = range(ctx, at, seg.start + text.trimEnd().length);
  const all = new RegExp(String.raw`^\s*[\[(]\s*(${NUM})\s*,\s*(${NUM})\s*[\])]`).exec(body);
  const each = new RegExp(String.raw`((?:[A-Za-z\\{}_0-9\u0370-\u03ff]+\s*,\s*)*[A-Za-z\\{}_0-9\u0370-\u03ff]+)\s*(?:in|∈|\\in)\s*[\[(]\s*(${NUM})\s*,\s*(${NUM})\s*[\])]`, 'g');
  const found: { names: string[] | null; lo: number; hi: number }[] = [];
  if (all) found.push({ names: null, lo: num(all[1]), hi: num(all[2]) });
  for (let m; (m = each.exec(body)); ) found.push({ names: m[1].split(',').map((n) => canonicalName(n.trim())), lo: num(m[2]), hi: num(m[3]) });
  if (!found.length && !new RegExp(String.raw`[\[(]\s*${NUM}`).test(body)) return false; // "domain: all reals" is prose
  if (!found.length || found.some((f) => !(f.lo <= f.hi))) {
    ctx.items.push({ type: 'error', lhs: 'domain', claim: body.trim(), message: 'cannot read the domain: write e.g. "domain: w_h in [0.1, 1.5]" (lower bound first)', range: r });
    return true;
  }
  for (const f of found) ctx.items.push({ type: 'domain', ...f, range: r });
  return true;
}

/** Markers that start a plain line without being math: quotes, list bullets, headings, "Claim:". */
const PREFIX = /^(\s*(>|[-*+]\s|\d+[.)]\s|\([a-z0-9]+\)\s|#+\s))*\s*/;

function segmentItems(ctx: Ctx, seg: Segment): void {
  if (seg.syntax === 'latex') {
    statement(ctx, seg, rewriteLatex(seg.text), 0, true, false);
    return;
  }
  const text = rewritePlain(seg.text);
  if (domainDirective(ctx, seg, text)) return;
  let from = PREFIX.exec(text)![0].length;
  const label = /^(check|claim)\s*:\s*/i.exec(text.slice(from)) ?? /^[A-Za-z][\w ()'-]{0,30}:\s+(?=\S)/.exec(text.slice(from));
  const strict = !!label && /^(check|claim)/i.test(label[0]);
  if (label) from += label[0].length;
  const lhsEnd = splitAtEquals(text, from, text.length)[0].end;
  // a line that starts with a derivative and `=` is a claim even when its right side is broken
  if (derivativeLeft(text.slice(from, lhsEnd), 'plain') || (text.slice(from, lhsEnd).trim() === '' && ctx.last?.block === seg.block)) {
    statement(ctx, seg, text, from, true, false);
    return;
  }
  const mid = findDerivativeInSentence(text.slice(from));
  if (mid >= 0 && statement(ctx, seg, text, from + mid, strict, !strict)) return;
  // a definition at the start of the line or after a word: "where h1 = relu(a1)"
  const def = /(?<![A-Za-z0-9_.\u0370-\u03ff])[A-Za-z\u0370-\u03ff][A-Za-z0-9_]*\s*=(?!=)/g;
  def.lastIndex = from;
  for (let m; (m = def.exec(text)); ) if (statement(ctx, seg, text, m.index, false, false)) return;
}

function textItems(doc: string, kind: Exclude<DocKind, 'ipynb'>, defined: Set<string>, cell?: number): Item[] {
  const starts = [0];
  for (let i = 0; i < doc.length; i++) if (doc[i] === '\n') starts.push(i + 1);
  const ctx: Ctx = { doc, starts, cell, defined, items: [] };
  for (const seg of mathSegments(doc, kind)) segmentItems(ctx, seg);
  return ctx.items;
}

/** Everything checkable in a document, in document order (notebooks: cell by cell). */
export function extractItems(doc: string, kind: DocKind): Item[] {
  const defined = new Set<string>();
  if (kind !== 'ipynb') return textItems(doc, kind, defined);
  return notebookCells(doc).flatMap((c) => textItems(c.source, c.kind, defined, c.index));
}
