/**
 * Same-length rewrites of the notations students use that the expression front end does not read
 * (indicators 1[z>0] and \mathbb{1}[z>0], tanh^2(x), np.exp, \mathcal{L}, :=), so that every offset
 * of a parse error or a claim still points at the student's text.
 */

const FN_NAMES = 'tanh|sigmoid|sigma|σ|exp|log|ln|sin|cos|sqrt|relu|softplus';

/** The index of the bracket closing the one at `open`, or -1. */
function closing(s: string, open: number): number {
  const pairs: Record<string, string> = { '(': ')', '[': ']', '{': '}' };
  const stack: string[] = [];
  for (let i = open; i < s.length; i++) {
    const ch = s[i];
    if (ch in pairs) stack.push(pairs[ch]);
    else if (ch === ')' || ch === ']' || ch === '}') {
      if (stack.pop() !== ch) return -1;
      if (stack.length === 0) return i;
    }
  }
  return -1;
}

const put = (s: string, at: number, piece: string): string => s.slice(0, at) + piece + s.slice(at + piece.length);

/** f^2(x) -> f(x)^2: the power moves behind the argument (same characters, so same length). */
function movePowers(s: string, latex: boolean): string {
  const re = latex ? new RegExp(String.raw`\\(${FN_NAMES})\s*\^\s*(\{\s*\d+\s*\}|\d)\s*(?=\()`, 'g') : new RegExp(String.raw`\b(${FN_NAMES})\s*\^\s*(\d)\s*(?=\()`, 'g');
  let out = s;
  for (let m; (m = re.exec(out)); ) {
    const open = m.index + m[0].length;
    const close = closing(out, open);
    if (close < 0) continue;
    const name = (latex ? '\\' : '') + m[1];
    const power = `^${m[2].replace(/\s+/g, '')}`;
    const arg = out.slice(open, close + 1);
    const piece = `${name}${arg}${power}`.padEnd(close + 1 - m.index, ' ');
    out = out.slice(0, m.index) + piece + out.slice(close + 1);
  }
  return out;
}

/** Indicator brackets: the bracket of 1[z > 0] (or [z > 0] alone) becomes parentheses. */
function indicators(s: string, opener: RegExp): string {
  let out = s;
  for (let m; (m = opener.exec(out)); ) {
    const open = m.index + m[0].length - 1;
    const close = closing(out, open);
    if (close < 0 || !/[<>]/.test(out.slice(open, close))) continue;
    out = put(out, m.index, ' '.repeat(m[0].length - 1));
    out = put(put(out, open, '('), close, ')');
  }
  return out;
}

export function rewritePlain(s: string): string {
  let out = s
    .replace(/\b(np|numpy|torch|math|F)\.(?=[a-z])/g, (m) => ' '.repeat(m.length))
    .replace(/:=/g, ' =')
    .replace(/∂/g, 'd');
  out = indicators(out, /(?<![\w.])1\s*\[/g);
  out = indicators(out, /(?<![\w\])])\[/g);
  return movePowers(out, false);
}

export function rewriteLatex(s: string): string {
  let out = s
    .replace(/\\(left|right)\.|\\(displaystyle|limits|mathstrut)\b/g, (m) => ' '.repeat(m.length))
    .replace(/\\(mathcal|mathbf|boldsymbol|bm|mathit|mathsf)\s*\{\s*([A-Za-z])\s*\}/g, (m, _c, x: string) => (x === '1' ? m : `${' '.repeat(m.length - 1)}${x}`))
    .replace(/\\ell\b/g, '   L')
    .replace(/:=|\\coloneqq/g, (m) => `${' '.repeat(m.length - 1)}=`);
  // \mathbb{1}[z>0], \mathbf{1}_{z>0}, \mathbb 1\{z>0\}: the indicator is step(z)
  const ind = /\\(mathbb|mathbf|mathds|mathbbm)\s*(\{\s*1\s*\}|1)\s*(_\s*)?(\\\{|[[({])/g;
  for (let m; (m = ind.exec(out)); ) {
    const openAt = m.index + m[0].length - m[4].length;
    if (m[4] === '\\{') {
      const close = out.indexOf('\\}', openAt);
      if (close < 0) continue;
      out = put(put(put(out, m.index, ' '.repeat(openAt - m.index)), openAt, ' ('), close, ') ');
    } else {
      const close = closing(out, openAt);
      if (close < 0) continue;
      out = put(put(put(out, m.index, ' '.repeat(openAt - m.index)), openAt, '('), close, ')');
    }
  }
  return movePowers(out, true);
}
