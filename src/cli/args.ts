/** Command-line options shared by the commands, with errors that name the option. */

export class UsageError extends Error {}

export interface CliArgs {
  [option: string]: string | boolean | undefined;
  json?: boolean;
  model?: string;
  sentence?: string;
  seed?: string;
}

export function numberArg(a: CliArgs, name: string, fallback: number): number {
  const v = a[name];
  if (v === undefined) return fallback;
  const x = Number(v);
  if (typeof v !== 'string' || v.trim() === '' || !Number.isFinite(x)) throw new UsageError(`--${name}: expected a number, got ${JSON.stringify(v)}`);
  return x;
}

export function oneOfArg<T extends string>(a: CliArgs, name: string, options: readonly T[], fallback: T): T {
  const v = a[name] ?? fallback;
  if (!options.includes(v as T)) throw new UsageError(`--${name}: expected ${options.join(' or ')}, got ${JSON.stringify(v)}`);
  return v as T;
}
