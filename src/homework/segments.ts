/**
 * Where the math is in a document: LaTeX blocks ($...$, $$...$$, \[...\], equation/align, one segment
 * per \\ line), plain-text lines and comments, each segment exactly as long as its source (markup is
 * blanked, not removed), so every column found later is a column of the document.
 */

export interface Segment {
  /** offset of the segment's first character in the document */
  start: number;
  /** the source with markup blanked; text.length === end - start */
  text: string;
  syntax: 'latex' | 'plain';
  /** segments of one math block or one paragraph share a block: `= ...` continues the one before */
  block: number;
}

type TextKind = 'md' | 'tex' | 'txt' | 'py';

const MATH = new RegExp(
  [
    String.raw`\$\$([\s\S]+?)\$\$`,
    String.raw`\\\[([\s\S]+?)\\\]`,
    String.raw`\\\(([\s\S]+?)\\\)`,
    String.raw`\\begin\{(equation|align|alignat|gather|multline|eqnarray|displaymath|math)(\*?)\}([\s\S]*?)\\end\{\4\5\}`,
    String.raw`(?<![\\$])\$(?![\s$])([^$\n]+?)(?<![\s\\])\$(?!\d)`,
  ].join('|'),
  'g',
);

const blank = (s: string): string => s.replace(/[^\n]/g, ' ');

/** Same-length blanking of the LaTeX that only lays math out (environments, labels, alignment). */
function layoutBlanked(s: string): string {
  return s
    .replace(/\\(begin|end)\{[A-Za-z*]+\}(\{[^{}]*\})?|\\(label|tag)\{[^{}]*\}|\\(nonumber|notag)\b/g, blank)
    .replace(/&/g, ' ')
    .replace(/%[^\n]*/g, (m, i: number, all: string) => (all[i - 1] === '\\' ? m : blank(m)));
}

class SegmentCollector {
  readonly segments: Segment[] = [];
  private blockId = 0;

  constructor(private readonly doc: string) {}

  newBlock(): number {
    return ++this.blockId;
  }

  /** A LaTeX block [start, end): one segment per `\\` line. */
  latex(start: number, end: number): void {
    const body = layoutBlanked(this.doc.slice(start, end));
    const block = this.newBlock();
    const re = /\\\\(\[[^\]]*\])?/g;
    let from = 0;
    for (let m; (m = re.exec(body)); ) {
      this.push(start + from, body.slice(from, m.index), 'latex', block);
      from = m.index + m[0].length;
    }
    this.push(start + from, body.slice(from), 'latex', block);
  }

  /** A line of plain text (or several joined by a paragraph's block id). */
  plain(start: number, text: string, block: number): void {
    this.push(start, text, 'plain', block);
  }

  private push(start: number, text: string, syntax: Segment['syntax'], block: number): void {
    if (text.trim() !== '') this.segments.push({ start, text, syntax, block });
  }

  /**
   * Prose with math in it ([from, to) of a Markdown file, a text file or a comment): the math
   * blocks, then each line with the math blanked as a plain-text segment.
   */
  prose(from: number, to: number): void {
    const src = this.doc.slice(from, to);
    // inline code may hold a $ that is not math; its text still counts as plain text
    const scan = src.replace(/`[^`\n]*`/g, blank);
    const covered: [number, number][] = [];
    MATH.lastIndex = 0;
    for (let m; (m = MATH.exec(scan)); ) {
      const body = m[1] ?? m[2] ?? m[3] ?? m[6] ?? m[7];
      const open = m[0].indexOf(body, m[0].startsWith('\\begin') ? m[0].indexOf('}') + 1 : 1);
      this.latex(from + m.index + open, from + m.index + open + body.length);
      covered.push([m.index, m.index + m[0].length]);
    }
    // blank every math span in one pass (a file with thousands of $...$ must not be quadratic)
    const plain = src.replace(/`/g, ' ');
    const parts: string[] = [];
    let at = 0;
    for (const [a, b] of covered) {
      parts.push(plain.slice(at, a), blank(plain.slice(a, b)));
      at = b;
    }
    parts.push(plain.slice(at));
    const text = parts.join('');
    let block = this.newBlock(), offset = 0;
    for (const line of text.split('\n')) {
      if (line.trim() === '') block = this.newBlock();
      else this.plain(from + offset, line, block);
      offset += line.length + 1;
    }
  }
}

/** Offsets of every line start. */
function lineStarts(doc: string): number[] {
  const out = [0];
  for (let i = 0; i < doc.length; i++) if (doc[i] === '\n') out.push(i + 1);
  return out;
}

/** The start of a Python comment on the line (a # outside string quotes), or -1. */
function pyComment(line: string): number {
  let quote = '';
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = '';
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '#') return i;
  }
  return -1;
}

function pythonSegments(c: SegmentCollector, doc: string, from: number, to: number): void {
  let inDocstring = false;
  const text = doc.slice(from, to);
  let offset = 0;
  for (const line of text.split('\n')) {
    const triple = (line.match(/"""|'''/g) ?? []).length;
    if (!inDocstring) {
      const k = triple ? -1 : pyComment(line);
      if (k >= 0) c.prose(from + offset + k + 1, from + offset + line.length);
    }
    if (triple % 2 === 1) inDocstring = !inDocstring;
    offset += line.length + 1;
  }
}

function markdownSegments(c: SegmentCollector, doc: string): void {
  const starts = lineStarts(doc);
  const lines = doc.split('\n');
  let proseFrom = 0;
  for (let i = 0; i < lines.length; i++) {
    const fence = /^\s*(```+|~~~+)\s*([A-Za-z]*)/.exec(lines[i]);
    if (!fence) continue;
    let j = i + 1;
    while (j < lines.length && !lines[j].trimStart().startsWith(fence[1])) j++;
    c.prose(proseFrom, starts[i]);
    const bodyFrom = i + 1 < lines.length ? starts[i + 1] : doc.length;
    const bodyTo = j < lines.length ? starts[j] : doc.length;
    const lang = fence[2].toLowerCase();
    if (lang === 'python' || lang === 'py') pythonSegments(c, doc, bodyFrom, bodyTo);
    else if (lang === 'math' || lang === 'latex' || lang === 'tex') c.latex(bodyFrom, bodyTo);
    else c.prose(bodyFrom, bodyTo);
    proseFrom = j + 1 < lines.length ? starts[j + 1] : doc.length;
    i = j;
  }
  c.prose(proseFrom, doc.length);
}

function texSegments(c: SegmentCollector, doc: string): void {
  // comments are plain text (% check: ..., % domain: ...); the rest is scanned for math only
  const comments: [number, number][] = [];
  const scan = doc.replace(/(?<!\\)%[^\n]*/g, (m, i: number) => {
    comments.push([i + 1, i + m.length]);
    return blank(m);
  });
  MATH.lastIndex = 0;
  for (let m; (m = MATH.exec(scan)); ) {
    const body = m[1] ?? m[2] ?? m[3] ?? m[6] ?? m[7];
    const open = m[0].indexOf(body, m[0].startsWith('\\begin') ? m[0].indexOf('}') + 1 : 1);
    c.latex(m.index + open, m.index + open + body.length);
  }
  for (const [a, b] of comments) c.prose(a, b);
  c.segments.sort((x, y) => x.start - y.start);
}

/** The math segments of a document, in document order. */
export function mathSegments(doc: string, kind: TextKind): Segment[] {
  const c = new SegmentCollector(doc);
  if (kind === 'py') pythonSegments(c, doc, 0, doc.length);
  else if (kind === 'tex') texSegments(c, doc);
  else markdownSegments(c, doc);
  c.segments.sort((x, y) => x.start - y.start);
  return c.segments;
}
