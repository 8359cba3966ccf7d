/**
 * Methods of Python lists and dicts the subset allows (append, extend, pop, copy; keys, values,
 * items, get, copy). `hs.append(h)` in a loop is recorded as the history of hs.
 */
import type { SyntaxNode } from '@lezer/common';
import type { Interpreter } from './interpreter';
import { baseName } from './interpreter';
import type { Value } from './values';
import { isArr, keyOf } from './values';
import { builtin } from './callArgs';
import { iterate } from './builtins';

export function containerMethod(ip: Interpreter, obj: Value, attr: string, n: SyntaxNode): Value | undefined {
  if (obj && typeof obj === 'object' && obj.kind === 'list') {
    switch (attr) {
      case 'append': return builtin('list.append', (a) => {
        const v = a.positional[0];
        obj.items.push(v);
        if (isArr(v)) {
          const ev = ip.record({ name: baseName(ip, n), subscripted: true, op: 'append', node: ip.rt.nodeOf(v) });
          if (v.writer === -1) v.writer = ev;
        }
        return null;
      });
      case 'extend': return builtin('list.extend', (a) => { obj.items.push(...iterate(ip.rt, a.positional[0], ip.iterationLimit())); return null; });
      case 'pop': return builtin('list.pop', (a) => {
        if (!obj.items.length) ip.rt.fail('runtime', 'pop from empty list');
        const i = a.positional.length ? Number(a.positional[0]) : -1;
        return obj.items.splice(i < 0 ? i + obj.items.length : i, 1)[0];
      });
      case 'copy': return builtin('list.copy', () => ({ kind: 'list', items: [...obj.items] }));
    }
  }
  if (obj && typeof obj === 'object' && obj.kind === 'dict') {
    const entries = [...obj.entries.values()];
    switch (attr) {
      case 'keys': return builtin('dict.keys', () => ({ kind: 'list', items: entries.map((e) => e.key) }));
      case 'values': return builtin('dict.values', () => ({ kind: 'list', items: entries.map((e) => e.value) }));
      case 'items': return builtin('dict.items', () => ({ kind: 'list', items: entries.map((e) => ({ kind: 'tuple', items: [e.key, e.value] })) }));
      case 'get': return builtin('dict.get', (a) => obj.entries.get(keyOf(a.positional[0]) ?? '')?.value ?? a.positional[1] ?? null);
      case 'copy': return builtin('dict.copy', () => ({ kind: 'dict', entries: new Map(obj.entries) }));
    }
  }
  return undefined;
}
