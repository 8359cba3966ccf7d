/** Reading a .py file and the --lines option for the Python commands, with errors that name them. */
import { readFileSync } from 'node:fs';
import { PythonError } from '../frontends/python/pyError';
import type { CliArgs } from './args';
import { UsageError } from './args';

export function readPython(positionals: readonly string[], command: string): { file: string; text: string } {
  if (positionals.length !== 1) throw new UsageError(`expected one Python file, e.g. gradient-lens ${command} homework.py`);
  const file = positionals[0];
  try {
    return { file, text: readFileSync(file, 'utf8') };
  } catch (e) {
    throw new UsageError(`cannot read ${file} (${(e as { code?: string }).code ?? (e as Error).message})`);
  }
}

/** "12-30" -> { from: 12, to: 30 } (1-based, inclusive) */
export function linesArg(a: CliArgs): { from: number; to: number } | undefined {
  if (a.lines === undefined) return undefined;
  const m = typeof a.lines === 'string' ? /^\s*(\d+)\s*(?:-\s*(\d+))?\s*$/.exec(a.lines) : null;
  const from = m ? Number(m[1]) : NaN, to = m ? Number(m[2] ?? m[1]) : NaN;
  if (!m || from < 1 || to < from) throw new UsageError(`--lines: expected A-B with 1 <= A <= B, got ${JSON.stringify(a.lines)}`);
  return { from, to };
}

/** Runs a Python command; code outside the subset becomes a usage error (exit 2) naming the file and line. */
export function withPythonErrors<T>(file: string, run: () => T): T {
  try {
    return run();
  } catch (e) {
    if (e instanceof PythonError) throw new UsageError(`${file}:${e.message}`);
    throw e;
  }
}
