/**
 * A value typed into the code stepper for a variable the code does not define: a number, or an array
 * written as Python or JSON nested lists (`[[0.1, -0.2], [0.3, 0.4]]`, trailing commas allowed).
 * Ragged rows and non-numbers are refused with the place they occur.
 */
import type { Nested } from '../../engine/tensor';
import { fromNested } from '../../engine/tensor';

export function parseTypedValue(text: string, name: string): { value: Nested } | { error: string } {
  const src = text.trim().replace(/,\s*([\]\)])/g, '$1').replace(/\(/g, '[').replace(/\)/g, ']');
  if (src === '') return { error: `type a value for ${name}` };
  let v: unknown;
  try {
    v = JSON.parse(src);
  } catch {
    return { error: `${name}: write a number or nested lists of numbers, such as [[0.1, 0.2], [0.3, 0.4]]` };
  }
  if (typeof v === 'number') return Number.isFinite(v) ? { value: v } : { error: `${name}: not a finite number` };
  if (!Array.isArray(v)) return { error: `${name}: write a number or nested lists of numbers` };
  try {
    fromNested(v, name);
  } catch (e) {
    return { error: (e as Error).message };
  }
  return { value: v as Nested };
}

/** A nested value as the text the input shows: Python's list syntax. */
export function typedText(v: Nested): string {
  return typeof v === 'number' ? String(v) : `[${v.map(typedText).join(', ')}]`;
}
