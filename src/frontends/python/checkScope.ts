/**
 * What "Check Backward Pass" checks, from the editor's selection: the selected lines, the function
 * the cursor (or a selection of exactly one `def`, or of part of one line) is in, or the whole file. Pure, so it is tested
 * without VS Code; lines are 0-based like the editor's.
 */
import { parser } from '@lezer/python';
import type { SyntaxNode } from '@lezer/common';

export interface Selection {
  start: { line: number; character: number };
  end: { line: number; character: number };
}

export interface CheckScope {
  /** 1-based, inclusive, as checkBackward's `lines` option */
  lines?: { from: number; to: number };
  functionName?: string;
  /** for messages: "lines 17-46", "function lossFun", "the whole file" */
  label: string;
}

interface Def { name: string; from: number; to: number }

/** The top-level `def`s (decorated or not) with their first and last line. */
function topLevelDefs(text: string): Def[] {
  const lineOf = (pos: number): number => text.slice(0, pos).split('\n').length - 1;
  const out: Def[] = [];
  for (let s: SyntaxNode | null = parser.parse(text).topNode.firstChild; s; s = s.nextSibling) {
    const def = s.name === 'DecoratedStatement' ? s.getChild('FunctionDefinition') : s.name === 'FunctionDefinition' ? s : null;
    const name = def?.getChild('VariableName');
    if (!def || !name) continue;
    // a block's node ends after its trailing newline: the last line is the one before
    const end = text.slice(s.from, s.to).replace(/\s+$/, '').length + s.from;
    out.push({ name: text.slice(name.from, name.to), from: lineOf(s.from), to: lineOf(end) });
  }
  return out;
}

export function checkScope(text: string, sel: Selection): CheckScope {
  const defs = topLevelDefs(text);
  // part of one line (a word, a diagnostic's range from the Problems view) counts as the cursor:
  // one statement alone holds no backward pass
  const oneLine = sel.start.line === sel.end.line;
  if (oneLine) {
    const def = defs.find((d) => d.from <= sel.start.line && sel.start.line <= d.to);
    return def ? { functionName: def.name, label: `function ${def.name}` } : { label: 'the whole file' };
  }
  // a selection that ends at the start of a line does not take that line
  const from = sel.start.line, to = sel.end.character === 0 && sel.end.line > from ? sel.end.line - 1 : sel.end.line;
  const whole = defs.filter((d) => from <= d.from && d.to <= to);
  const code = text.split('\n').slice(from, to + 1).map((l, i) => ({ l, i: from + i })).filter(({ l }) => l.trim() && !l.trim().startsWith('#'));
  const onlyOneDef = whole.length === 1 && code.every(({ i }) => whole[0].from <= i && i <= whole[0].to);
  if (onlyOneDef) return { functionName: whole[0].name, label: `function ${whole[0].name}` };
  return { lines: { from: from + 1, to: to + 1 }, label: from === to ? `line ${from + 1}` : `lines ${from + 1}-${to + 1}` };
}
