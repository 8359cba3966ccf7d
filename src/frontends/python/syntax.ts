/**
 * Reading @lezer/python's tree: the children of a node without comments, a node's text and its
 * 0-based source range (offset by the first line of a selection), and syntax errors as PythonError.
 */
import { parser } from '@lezer/python';
import type { SyntaxNode } from '@lezer/common';
import type { SourceRange } from '../../engine/tape';
import { PythonError } from './pyError';

export class PySource {
  readonly top: SyntaxNode;
  private readonly lineStarts: number[] = [0];
  private readonly ranges = new Map<number, SourceRange>();

  /** `lineOffset`, `colOffset`: where `text` starts in the file (an annotation inside a comment). */
  constructor(readonly text: string, readonly lineOffset = 0, readonly colOffset = 0) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.lineStarts.push(i + 1);
    this.top = parser.parse(text).topNode;
    const err = firstError(this.top);
    if (err) {
      const what = err.to > err.from ? `unexpected ${JSON.stringify(text.slice(err.from, Math.min(err.to, err.from + 20)))}` : 'unexpected end of the statement';
      throw new PythonError('syntax', `invalid Python syntax (${what})`, this.rangeAt(err.from, err.to));
    }
  }

  textOf(n: SyntaxNode): string {
    return this.text.slice(n.from, n.to);
  }

  range(n: SyntaxNode): SourceRange {
    const key = n.from * 1_000_003 + n.to;
    let r = this.ranges.get(key);
    if (!r) this.ranges.set(key, (r = this.rangeAt(n.from, n.to)));
    return r;
  }

  rangeAt(from: number, to: number): SourceRange {
    const [line, col] = this.pos(from), [endLine, endCol] = this.pos(to);
    const c = (l: number, x: number): number => (l === 0 ? x + this.colOffset : x);
    return { line: line + this.lineOffset, col: c(line, col), endLine: endLine + this.lineOffset, endCol: c(endLine, endCol) };
  }

  private pos(at: number): [number, number] {
    let lo = 0, hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid] <= at) lo = mid;
      else hi = mid - 1;
    }
    return [lo, at - this.lineStarts[lo]];
  }
}

/** The children of a node, without comments. */
export function kids(n: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let c = n.firstChild; c; c = c.nextSibling) if (c.name !== 'Comment') out.push(c);
  return out;
}

function firstError(n: SyntaxNode): SyntaxNode | null {
  if (n.type.isError) return n;
  for (let c = n.firstChild; c; c = c.nextSibling) {
    const e = firstError(c);
    if (e) return e;
  }
  return null;
}

/** `ForStatement` -> "`for` statement": how an error names a construct. */
export function constructName(n: SyntaxNode, text: string): string {
  const m = /^(\w+?)(Statement|Expression|Definition)$/.exec(n.name);
  if (m) {
    const kw = text.slice(n.from, n.to).split(/[\s(:]/)[0];
    const noun = m[2] === 'Statement' ? 'statement' : m[2] === 'Definition' ? 'definition' : 'expression';
    return /^[a-z]+$/.test(kw) ? `\`${kw}\` ${noun}` : `${m[1].replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase()} ${noun}`;
  }
  return n.name.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}
