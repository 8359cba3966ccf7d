/**
 * The CLI as a function from arguments to exit code and output, so tests run it in-process.
 * Exit 0 on success, 2 on bad input with one line naming the field or option.
 */
import { parseArgs } from 'node:util';
import { ModelError } from '../models/modelJson';
import { ShapeError } from '../engine/opDef';
import { UsageError } from './args';
import type { CliArgs } from './args';
import { attentionCommand } from './attentionCommand';
import { bpttCommand } from './bpttCommand';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export const USAGE = `Usage: gradient-lens <command> [options]

Commands:
  bptt       Backpropagation through time on the lecture's RNN, one row per time step
             --sentence "llama llama red pajama"  --cell relu|tanh  --hidden N (1 = scalar)
             --w-h X  --label happy|sad  --seed S  --relu-at-zero 0|0.5|1
             --model FILE (a JSON model, see README)  --json
  attention  The lecture's attention classifier: attention matrices of every layer and gradients
             --sentence "..."  --layers K  --variant free|scaled|qkv  --d N  --causal
             --label happy|sad  --seed S  --model FILE  --json
  help       This text`;

const OPTIONS = {
  json: { type: 'boolean' }, causal: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
  model: { type: 'string' }, sentence: { type: 'string' }, cell: { type: 'string' }, hidden: { type: 'string' },
  'w-h': { type: 'string' }, label: { type: 'string' }, seed: { type: 'string' }, 'relu-at-zero': { type: 'string' },
  layers: { type: 'string' }, variant: { type: 'string' }, d: { type: 'string' },
} as const;

const COMMANDS: Record<string, (a: CliArgs) => string> = { bptt: bpttCommand, attention: attentionCommand };

export function runCli(argv: readonly string[]): CliResult {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help' || command === '-h') return { code: 0, stdout: USAGE + '\n', stderr: '' };
  const run = COMMANDS[command];
  if (!run) return { code: 2, stdout: '', stderr: `gradient-lens: unknown command ${JSON.stringify(command)}\n\n${USAGE}\n` };
  try {
    const { values } = parseArgs({ args: [...rest], options: OPTIONS, strict: true, allowPositionals: false });
    if (values.help) return { code: 0, stdout: USAGE + '\n', stderr: '' };
    return { code: 0, stdout: run(values as CliArgs) + '\n', stderr: '' };
  } catch (e) {
    const err = e as Error & { code?: string };
    const known = e instanceof UsageError || e instanceof ModelError || e instanceof ShapeError || e instanceof SyntaxError
      || err.code === 'ENOENT' || err.code === 'EISDIR' || err.code === 'EACCES' || String(err.code).startsWith('ERR_PARSE_ARGS');
    if (!known) throw e;
    const what = e instanceof SyntaxError ? `--model: not valid JSON (${err.message})` : err.code?.startsWith('E') && !err.code.startsWith('ERR') ? `--model: cannot read the file (${err.code})` : err.message;
    return { code: 2, stdout: '', stderr: `gradient-lens ${command}: ${what}\n` };
  }
}
