/**
 * `# gradient-lens: ...` comments: `name = expr` gives a free variable its value, and
 * `dWxh = d loss / d Wxh` pairs a hand-written gradient with its parameter for Check Backward Pass.
 */
import type { SourceRange } from '../../engine/tape';

export interface ValueAnnotation { kind: 'value'; name: string; expr: string; line: number; col: number; range: SourceRange }
export interface PairAnnotation { kind: 'pair'; gradient: string; loss: string; param: string; line: number; range: SourceRange }
export type Annotation = ValueAnnotation | PairAnnotation;

const RE = /#\s*gradient-lens:\s*([A-Za-z_]\w*)\s*=\s*(.*?)\s*$/;
const PAIR = /^d\s*([A-Za-z_]\w*)\s*\/\s*d\s*([A-Za-z_]\w*)$/;

export function readAnnotations(text: string): Annotation[] {
  const out: Annotation[] = [];
  text.split('\n').forEach((lineText, line) => {
    const m = RE.exec(lineText);
    if (!m) return;
    const range = { line, col: m.index, endLine: line, endCol: lineText.length };
    const pair = PAIR.exec(m[2]);
    if (pair) out.push({ kind: 'pair', gradient: m[1], loss: pair[1], param: pair[2], line, range });
    else out.push({ kind: 'value', name: m[1], expr: m[2], line, col: lineText.indexOf(m[2], m.index), range });
  });
  return out;
}
