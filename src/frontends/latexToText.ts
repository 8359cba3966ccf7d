/**
 * The LaTeX subset students write for a derivation (\frac, \sigma, e^{...}, \operatorname{relu}...)
 * rewritten as the plain-text syntax mathjs parses, with a map from every output character back to
 * the LaTeX source, so parse errors and graph nodes point at what the student wrote.
 * (@cortex-js/compute-engine parses LaTeX but needs Node 22 and keeps no source positions.)
 */
import { InputError } from './sentence';

export interface Translated {
  text: string;
  /** source offset of each character of `text`, plus one entry for the end */
  at: number[];
}

/** The functions a LaTeX command names, and the plain-text name each becomes. */
const FUNCTIONS: Record<string, string> = {
  sigma: 'sigmoid', tanh: 'tanh', exp: 'exp', log: 'log', ln: 'log', sin: 'sin', cos: 'cos', max: 'max', min: 'min', sqrt: 'sqrt',
};
/** Names accepted inside \operatorname{}, \mathrm{}, \text{} (compared in lower case). */
const NAMED = new Set(['relu', 'sigmoid', 'softplus', 'tanh', 'exp', 'log', 'ln', 'sqrt', 'abs', 'max', 'min', 'step', 'heaviside', 'sign', 'sgn', 'sin', 'cos']);
const GREEK = new Set(['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'varepsilon', 'eta', 'theta', 'lambda', 'mu', 'nu', 'rho', 'tau', 'phi', 'varphi', 'psi', 'omega', 'xi', 'zeta', 'kappa', 'chi', 'pi']);
const SPACES = new Set([',', ';', ':', '!', ' ', 'quad', 'qquad', 'displaystyle', 'left', 'right', 'big', 'Big', 'bigg', 'Bigg', 'bigl', 'bigr', 'Bigl', 'Bigr']);

interface Tok {
  /** '\\name' for a command, otherwise the characters */
  s: string;
  at: number;
}

function tokenize(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const ch = src[i];
    if (ch === '\\') {
      const m = /^\\([A-Za-z]+|.)/s.exec(src.slice(i));
      const s = m ? m[0] : '\\';
      out.push({ s, at: i });
      i += s.length;
    } else if (/\s/.test(ch)) {
      let j = i;
      while (j < src.length && /\s/.test(src[j])) j++;
      out.push({ s: ' ', at: i });
      i = j;
    } else if (/[0-9.]/.test(ch)) {
      const m = /^[0-9]*\.?[0-9]+/.exec(src.slice(i)) ?? [ch];
      out.push({ s: m[0], at: i });
      i += m[0].length;
    } else {
      out.push({ s: ch, at: i });
      i++;
    }
  }
  return out;
}

export function looksLikeLatex(text: string): boolean {
  return /\\[A-Za-z]|\$|[_^]\{/.test(text);
}

/** Rewrites LaTeX as plain text; throws an InputError naming the column of what it cannot read. */
export function latexToText(src: string): Translated {
  const toks = tokenize(src);
  let p = 0;
  let text = '';
  const at: number[] = [];
  const emit = (s: string, from: number): void => {
    text += s;
    for (let k = 0; k < s.length; k++) at.push(from);
  };
  /** `s` standing for source [from, to): its last character maps to the end of the source */
  const emitSpan = (s: string, from: number, to: number): void => {
    text += s;
    for (let k = 0; k < s.length; k++) at.push(k === s.length - 1 ? to - 1 : from);
  };
  const fail = (msg: string, tok: Tok | undefined): never => {
    throw new InputError(`${msg} at column ${(tok ? tok.at : src.length) + 1}`);
  };
  const peek = (): Tok | undefined => {
    while (p < toks.length && (toks[p].s === ' ' || (toks[p].s.startsWith('\\') && isSpace(toks[p])))) p++;
    return toks[p];
  };
  // \left and \right only size the delimiter that follows them
  const isSpace = (t: Tok): boolean => SPACES.has(t.s.slice(1));
  const openers: Record<string, string> = { '(': ')', '[': ']' };
  /** where the bracket at p starts in the source: at its \left (or \bigl...) when it has one */
  const openAt = (): number => {
    let k = p - 1;
    while (k >= 0 && toks[k].s === ' ') k--;
    return k >= 0 && /^\\(left|[bB]igg?l?)$/.test(toks[k].s) ? toks[k].at : toks[p].at;
  };

  /** A braced argument {...} or a single token, emitted in parentheses. */
  const argument = (what: string): void => {
    const t = peek();
    if (!t) fail(`${what} is missing its argument`, t);
    // \frac12 is 1/2: an unbraced fraction argument is one digit (x^10 stays x^{10}, as meant)
    if (what === '\\frac' && /^[0-9.]{2,}$/.test(t!.s)) {
      toks.splice(p + 1, 0, { s: t!.s.slice(1), at: t!.at + 1 });
      toks[p] = { s: t!.s[0], at: t!.at };
    }
    emit('(', t!.at);
    if (t!.s === '{') group('{', '}');
    else atom();
    emit(')', toks[p - 1].at);
  };
  /** Emits tokens up to the closer matching `open` (which is at p), translating inside. */
  const group = (open: string, close: string): void => {
    const start = toks[p];
    p++;
    sequence(close);
    const t = peek();
    if (!t || t.s !== close) fail(`'${open}' is never closed`, start);
    p++;
  };
  const name = (): string => {
    // the letters of \operatorname{relu}
    const t = peek();
    if (!t || t.s !== '{') fail('expected {name}', t);
    p++;
    let s = '';
    while (p < toks.length && toks[p].s !== '}') s += toks[p++].s;
    if (p >= toks.length) fail("'{' is never closed", t);
    p++;
    return s.trim();
  };
  const func = (fn: string, tok: Tok): void => {
    let f = fn;
    if (toks[p]?.s === "'") {
      if (f !== 'relu') fail(`only relu' is a supported derivative mark, not ${fn}'`, toks[p]);
      p++;
      f = 'step';
    }
    emitSpan(` ${f}`, tok.at, toks[p - 1].at + toks[p - 1].s.length);
    const t = peek();
    if (t?.s === '^' || t?.s === '_') fail(`write powers of ${fn} after its argument, e.g. ${fn}(x)^2`, t);
    if (t && (t.s === '(' || t.s === '[' || t.s === '{' || t.s === '\\{')) {
      // its parenthesised argument belongs to it: \log \sigma(z) is log(sigma(z))
      emit('(', openAt());
      group(t.s, t.s === '\\{' ? '\\}' : t.s === '{' ? '}' : openers[t.s]);
      emit(')', toks[p - 1].at);
      return;
    }
    // \log \sigma(z): the argument is the next factor
    emit('(', t ? t.at : src.length);
    atom();
    emit(')', toks[p - 1]?.at ?? src.length);
  };
  const atom = (): void => {
    const t = peek();
    if (!t) fail('expected a value', t);
    const s = t!.s;
    if (s === '(' || s === '[') {
      emit('(', openAt());
      group(s, openers[s]);
      emit(')', toks[p - 1].at);
    } else if (s === '{') {
      emit('(', t!.at);
      group('{', '}');
      emit(')', toks[p - 1].at);
    } else if (s === '\\{') {
      emit('(', t!.at);
      group(s, '\\}');
      emit(')', toks[p - 1].at);
    } else if (s === '\\frac' || s === '\\dfrac' || s === '\\tfrac') {
      p++;
      emit('(', t!.at);
      argument('\\frac');
      emit('/', t!.at);
      argument('\\frac');
      emit(')', toks[p - 1].at);
    } else if (s === '\\sqrt') {
      p++;
      if (peek()?.s === '[') fail('only square roots are supported (\\sqrt{x})', toks[p]);
      emit(' sqrt', t!.at);
      argument('\\sqrt');
    } else if (s === '\\operatorname' || s === '\\mathrm' || s === '\\text' || s === '\\textrm' || s === '\\mathit') {
      p++;
      const n = name();
      if (!NAMED.has(n.toLowerCase())) {
        if (/^[A-Za-z][A-Za-z0-9]*$/.test(n)) { emitSpan(` ${n}`, t!.at, toks[p - 1].at + 1); postfix(); return; } // \mathrm{lr}: a variable name
        fail(`unknown function '${n}'`, t);
      }
      func(n.toLowerCase(), t!);
    } else if (s.startsWith('\\') && s.slice(1) in FUNCTIONS) {
      p++;
      func(FUNCTIONS[s.slice(1)], t!);
    } else if (s.startsWith('\\') && GREEK.has(s.slice(1))) {
      p++;
      emitSpan(` ${s.slice(1)}`, t!.at, t!.at + s.length);
      subscript();
    } else if (/^[A-Za-z]$/.test(s)) {
      p++;
      emitSpan(` ${s}`, t!.at, t!.at + 1);
      subscript();
    } else if (/^[0-9.]+$/.test(s)) {
      p++;
      emitSpan(` ${s}`, t!.at, t!.at + s.length);
    } else if (s === '-' || s === '+') {
      p++;
      emit(s, t!.at);
      atom();
    } else {
      fail(s.startsWith('\\') ? `unsupported LaTeX command ${s}` : `unexpected '${s}'`, t);
    }
    postfix();
  };
  const subscript = (): void => {
    if (toks[p]?.s !== '_') return;
    const u = toks[p++];
    const t = toks[p];
    let sub = '';
    if (t?.s === '{') {
      p++;
      while (p < toks.length && toks[p].s !== '}') sub += toks[p++].s;
      if (p >= toks.length) fail("'{' is never closed", t);
      p++;
    } else if (t) {
      sub = t.s.startsWith('\\') ? t.s.slice(1) : t.s[0];
      if (!t.s.startsWith('\\') && t.s.length > 1) {
        // x_12 in LaTeX is x_1 followed by 2: keep the first character only
        toks.splice(p + 1, 0, { s: t.s.slice(1), at: t.at + 1 });
      }
      p++;
    }
    sub = sub.replace(/\s+/g, '');
    if (!/^[A-Za-z0-9]+$/.test(sub)) fail('a subscript must be letters or digits', u);
    const last = toks[p - 1];
    emitSpan(`_${sub}`, u.at, last.at + (last.s === '}' ? 1 : Math.min(last.s.length, 1)));
  };
  const postfix = (): void => {
    while (toks[p]?.s === '^') {
      const t = toks[p++];
      emit('^', t.at);
      argument('^');
    }
  };
  const sequence = (close: string): void => {
    for (;;) {
      const t = peek();
      if (!t || t.s === close || t.s === '}' || t.s === ')' || t.s === ']' || t.s === '\\}') return;
      const s = t.s;
      if (s === '\\cdot' || s === '\\times' || s === '*') { p++; emit('*', t.at); continue; }
      if (s === '/' || s === '+' || s === '-' || s === ',' || s === '=' || s === '<' || s === '>') { p++; emit(s, t.at); continue; }
      if (s === '$' || s === '\\[' || s === '\\]' || s === '\\(' || s === '\\)') { p++; emit(' ', t.at); continue; }
      atom();
    }
  };
  sequence('');
  const rest = peek();
  if (rest) fail(`unexpected '${rest.s}'`, rest);
  at.push(src.length);
  return { text, at };
}
