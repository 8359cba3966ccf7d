/**
 * Pairs hand-written gradients with parameters by name: dW_h, dw_h, d_W_h, dWxh, grad_W, W_grad,
 * grads['W_h'] (or grads['dW_h']), and `# gradient-lens: dWxh = d loss / d Wxh` annotations.
 */
import type { PairAnnotation } from './annotations';
import type { Scope, Value } from './values';
import { isArr } from './values';

export interface GradientPair {
  param: string;
  /** how the student wrote it: `dWxh` or `grads['W_h']` */
  gradientVariable: string;
  value: Value;
}

/** The parameter a gradient's name refers to, or undefined. */
export function paramOfGradientName(name: string, params: readonly string[]): string | undefined {
  const entry = /^\w+\['(.+)'\]$/.exec(name);
  if (entry) return params.includes(entry[1]) ? entry[1] : paramOfGradientName(entry[1], params);
  const stems = [/^d_?(.+)$/, /^grad_?(.+)$/, /^(.+)_grad$/].map((re) => re.exec(name)?.[1]).filter((s): s is string => !!s);
  for (const s of stems) if (params.includes(s)) return s;
  for (const s of stems) {
    const swapped = s[0] === s[0].toUpperCase() ? s[0].toLowerCase() + s.slice(1) : s[0].toUpperCase() + s.slice(1);
    if (params.includes(swapped)) return swapped;
  }
  return undefined;
}

const numeric = (v: Value | undefined): boolean => v !== undefined && (isArr(v) || typeof v === 'number');

export function pairGradients(scope: Scope, params: readonly string[], annotations: readonly PairAnnotation[]): GradientPair[] {
  const out = new Map<string, GradientPair>();
  for (const a of annotations) {
    const v = scope.vars.get(a.gradient);
    if (numeric(v) && params.includes(a.param) && !out.has(a.param)) out.set(a.param, { param: a.param, gradientVariable: a.gradient, value: v! });
  }
  for (const [name, v] of scope.vars) {
    if (numeric(v)) {
      const p = paramOfGradientName(name, params);
      if (p && !out.has(p)) out.set(p, { param: p, gradientVariable: name, value: v });
    } else if (v && typeof v === 'object' && v.kind === 'dict') {
      for (const e of v.entries.values()) {
        if (typeof e.key !== 'string' || !numeric(e.value)) continue;
        const p = params.includes(e.key) ? e.key : paramOfGradientName(e.key, params);
        if (p && !out.has(p)) out.set(p, { param: p, gradientVariable: `${name}['${e.key}']`, value: e.value });
      }
    }
  }
  return [...out.values()];
}
