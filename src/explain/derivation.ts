/**
 * An explanation written out: each backward step as LaTeX (the panel renders it with KaTeX), and
 * the whole derivation as Markdown or LaTeX for a write-up, or as plain text for a terminal.
 */
import type { ExplainNode, ExplainStep, ExplainTrace } from './explainTrace';

/** A number with 4 significant digits; tiny and huge ones as a \times 10^{k}. */
export function latexNum(x: number): string {
  const t = plainNum(x);
  const m = /^(-?[\d.]+)e([+-]\d+)$/.exec(t);
  return m ? `${m[1]} \\times 10^{${Number(m[2])}}` : t;
}

export function plainNum(x: number): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'NaN' : x > 0 ? 'Infinity' : '-Infinity';
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a < 1e-3 || a >= 1e5) return x.toExponential(3).replace(/\.?0+e/, 'e');
  return String(Number(x.toPrecision(4)));
}

const dfd = (sym: string): string => `\\frac{\\partial f}{\\partial ${sym}}`;
const dd = (top: string, sym: string): string => `\\frac{\\partial ${top}}{\\partial ${sym}}`;
/** u_{1} -> u1, w_{h} -> w_h: a symbol for plain text */
export const plainSymbol = (n: ExplainNode): string => (n.kind === 'variable' || n.kind === 'constant' ? n.label : n.symbol.replace(/_\{(\w+)\}/, '$1'));
const paren = (s: string): string => (s.startsWith('-') ? `(${s})` : s);

/** The step's equations: df/d(node) as the sum over its children, symbolically and in numbers. */
export function stepLatex(t: ExplainTrace, s: ExplainStep): string {
  const n = t.nodes[s.node];
  if (s.terms.length === 0) return `${dfd('f')} = 1`;
  const sym = s.terms.map((c) => `${dfd(t.nodes[c.child].symbol)}\\,${dd(t.nodes[c.child].symbol, n.symbol)}`).join(' + ');
  const nums = s.terms.map((c) => `${paren(latexNum(c.upstream))} \\cdot ${paren(latexNum(c.local))}`).join(' + ');
  return `${dfd(n.symbol)} = ${sym} = ${nums} = ${latexNum(s.grad)}`;
}

/** The local derivatives a step passes back: d(node)/d(input) for each input, with its number. */
export function localsLatex(t: ExplainTrace, s: ExplainStep): string[] {
  const n = t.nodes[s.node];
  return s.locals.map((l) => `${dd(n.symbol, t.nodes[l.input].symbol)} = ${latexNum(l.local)}`);
}

export function pathLatex(t: ExplainTrace, p: ExplainTrace['paths'][number]['paths'][number]): string {
  const edges = p.factors.map((_f, i) => dd(t.nodes[p.nodes[i]].symbol, t.nodes[p.nodes[i + 1]].symbol)).join('\\,');
  return `${edges} = ${p.factors.map((f) => paren(latexNum(f))).join(' \\cdot ')} = ${latexNum(p.product)}`;
}

const definitions = (t: ExplainTrace): string[] =>
  t.nodes.filter((n) => n.kind === 'op' || n.kind === 'output').map((n) => `${n.symbol} = ${n.latex} = ${latexNum(n.value)}`);

export function derivationMarkdown(t: ExplainTrace): string {
  const vals = t.variables.map((v) => `$${t.nodes.find((n) => n.label === v.name && n.kind === 'variable')?.symbol ?? v.name} = ${latexNum(v.value)}$${v.assumed ? ' (assumed)' : ''}`).join(', ');
  const out: string[] = [
    `**Explain Gradient:** \`${t.expression.replace(/`/g, "'")}\``, '',
    `$$f = ${t.latex}$$`, '',
    `At ${vals || 'no variables'}: $f = ${latexNum(t.value)}$.`, '',
    '**Forward pass**', '', '$$', '\\begin{aligned}', ...definitions(t).map((l) => `${l.replace('=', '&=')} \\\\`), '\\end{aligned}', '$$', '',
    '**Backward pass**', '',
    ...t.steps.flatMap((s, i) => [`${i + 1}. $${stepLatex(t, s)}$`]), '',
  ];
  for (const p of t.paths) {
    out.push(`**All ${p.count} path${p.count === 1 ? '' : 's'} from $f$ to $${t.nodes.find((n) => n.label === p.variable)?.symbol}$** (their sum is the gradient)`, '');
    out.push(...p.paths.map((q) => `- $${pathLatex(t, q)}$`));
    if (p.count > p.paths.length) out.push(`- … ${p.count - p.paths.length} more`);
    out.push('', `Sum: $${latexNum(p.total)}$`, '');
  }
  out.push('**Symbolic derivative**', '');
  for (const d of t.derivatives) {
    out.push(`$$\\frac{\\partial f}{\\partial ${symbolOf(t, d.variable)}} = ${d.latex} = ${latexNum(d.value)}$$`, '');
    out.push(`Autodiff: ${plainNum(d.autodiff)} (${d.agrees ? 'agrees' : 'DISAGREES'}).`, '');
  }
  if (t.kink) out.push(`Note: ${t.kink.note}`, '');
  return out.join('\n');
}

const symbolOf = (t: ExplainTrace, name: string): string => t.nodes.find((n) => n.kind === 'variable' && n.label === name)?.symbol ?? name;

export function derivationLatex(t: ExplainTrace): string {
  const lines = [
    `f &= ${t.latex}`,
    ...t.variables.map((v) => `${symbolOf(t, v.name)} &= ${latexNum(v.value)}`),
    ...definitions(t).map((l) => l.replace('=', '&=')),
    ...t.steps.map((s) => stepLatex(t, s).replace('=', '&=')),
    ...t.derivatives.map((d) => `\\frac{\\partial f}{\\partial ${symbolOf(t, d.variable)}} &= ${d.latex} = ${latexNum(d.value)}`),
  ];
  return [`% Explain Gradient: ${t.expression.replace(/\n/g, ' ')}`, '\\begin{align*}', lines.join(' \\\\\n'), '\\end{align*}'].join('\n');
}

/** The terminal's version: the graph as a table, then the steps, the derivatives and the check. */
export function derivationText(t: ExplainTrace): string {
  const names = t.nodes.map(plainSymbol);
  const rows = t.nodes.map((n) => [names[n.id], n.kind === 'variable' ? 'input' : n.kind === 'constant' ? 'constant' : `${n.label}(${n.inputs.map((i) => names[i]).join(', ')})`, plainNum(n.value), n.grad === null ? '' : plainNum(n.grad)]);
  const w = [0, 1, 2, 3].map((i) => Math.max(...[['node', 'computes', 'value', 'df/dnode'], ...rows].map((r) => r[i].length)));
  const line = (r: string[]): string => r.map((c, i) => (i < 2 ? c.padEnd(w[i]) : c.padStart(w[i]))).join('  ').trimEnd();
  const steps = t.steps.map((s, i) => {
    const n = names[s.node];
    if (s.terms.length === 0) return `${String(i + 1).padStart(3)}. df/df = 1`;
    const terms = s.terms.map((c) => `df/d${names[c.child]} * d${names[c.child]}/d${n}`).join(' + ');
    const nums = s.terms.map((c) => `${plainNum(c.upstream)} * ${plainNum(c.local)}`).join(' + ');
    return `${String(i + 1).padStart(3)}. df/d${n} = ${terms} = ${nums} = ${plainNum(s.grad)}`;
  });
  return [
    `f = ${t.text}`,
    `at ${t.variables.map((v) => `${v.name} = ${plainNum(v.value)}${v.assumed ? ' (assumed)' : ''}`).join(', ') || '(no variables)'}: f = ${plainNum(t.value)}`,
    '',
    'Graph',
    line(['node', 'computes', 'value', 'df/dnode']),
    ...rows.map(line),
    '',
    'Backward pass',
    ...steps,
    '',
    'Symbolic derivative and numeric check',
    ...t.derivatives.map((d) => `df/d${d.variable} = ${d.text}\n   = ${plainNum(d.value)} symbolic, ${plainNum(d.autodiff)} autodiff: ${d.agrees ? 'agree' : 'DISAGREE'}`),
    ...(t.kink ? ['', `Note: ${t.kink.note}`] : []),
  ].join('\n');
}
