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
import { checkCommand } from './checkCommand';
import { checkBackwardCommand } from './checkBackwardCommand';
import { traceCommand } from './traceCommand';
import { explainCommand } from './explainCommand';
import { InputError } from '../frontends/sentence';

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
  explain    A math expression differentiated step by step, with its numbers
             "EXPR" (plain text such as "sigmoid(w*x + b)" or LaTeX such as "\\sigma(wx+b)")
             --wrt VAR  --at x=0.5,w=1  --seed S  --relu-at-zero 0|0.5|1  --json
  check      Checks the derivative claims of homework files (.md, .tex, .txt, .py, .ipynb)
             FILE...  --feedback verdict|hint|full  --json
             exit 0: all correct, 1: a claim is wrong, 2: a claim or file cannot be read
  trace      A Python/numpy file run on the engine: its loss, every gradient, the BPTT table
             FILE.py  --lines A-B (only these lines)  --json
  check-backward  Hand-written gradients of a Python/numpy file against the engine's
             FILE.py  --function NAME  --json
             exit 0: all correct, 1: a gradient is wrong, 2: unsupported code or unreadable file
  help       This text`;

const OPTIONS = {
  json: { type: 'boolean' }, causal: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
  model: { type: 'string' }, sentence: { type: 'string' }, cell: { type: 'string' }, hidden: { type: 'string' },
  'w-h': { type: 'string' }, label: { type: 'string' }, seed: { type: 'string' }, 'relu-at-zero': { type: 'string' },
  layers: { type: 'string' }, variant: { type: 'string' }, d: { type: 'string' },
  wrt: { type: 'string' }, at: { type: 'string' }, feedback: { type: 'string' },
  lines: { type: 'string' }, function: { type: 'string' },
} as const;

/** A command returns its output, or its output and exit code (1: a check found something wrong). */
type Command = (a: CliArgs, positionals: readonly string[]) => string | { code: number; stdout: string };
const noPositionals = (run: (a: CliArgs) => string): Command => (a, positionals) => {
  if (positionals.length) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
  return run(a);
};
const COMMANDS: Record<string, Command> = { bptt: noPositionals(bpttCommand), attention: noPositionals(attentionCommand), explain: explainCommand, check: checkCommand,
  trace: traceCommand, 'check-backward': checkBackwardCommand };

export function runCli(argv: readonly string[]): CliResult {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help' || command === '-h') return { code: 0, stdout: USAGE + '\n', stderr: '' };
  const run = COMMANDS[command];
  if (!run) return { code: 2, stdout: '', stderr: `gradient-lens: unknown command ${JSON.stringify(command)}\n\n${USAGE}\n` };
  try {
    // an expression may start with a minus sign: "-log(p)" is an argument, not an option
    const args = rest[0] && /^-[^-h]/.test(rest[0]) ? [...rest.slice(1), '--', rest[0]] : [...rest];
    const { values, positionals } = parseArgs({ args, options: OPTIONS, strict: true, allowPositionals: true });
    if (values.help) return { code: 0, stdout: USAGE + '\n', stderr: '' };
    const out = run(values as CliArgs, positionals);
    return typeof out === 'string' ? { code: 0, stdout: out + '\n', stderr: '' } : { code: out.code, stdout: out.stdout + '\n', stderr: '' };
  } catch (e) {
    const err = e as Error & { code?: string };
    const known = e instanceof UsageError || e instanceof InputError || e instanceof ModelError || e instanceof ShapeError || e instanceof SyntaxError
      || err.code === 'ENOENT' || err.code === 'EISDIR' || err.code === 'EACCES' || String(err.code).startsWith('ERR_PARSE_ARGS');
    if (!known) throw e;
    const what = e instanceof SyntaxError ? `--model: not valid JSON (${err.message})` : err.code?.startsWith('E') && !err.code.startsWith('ERR') ? `--model: cannot read the file (${err.code})` : err.message;
    return { code: 2, stdout: '', stderr: `gradient-lens ${command}: ${what}\n` };
  }
}
