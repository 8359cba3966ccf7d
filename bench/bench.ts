// `npm run bench`: runs every section (autodiff speed vs tfjs, a hand-written floor and torch; memory),
// prints the table and the targets, or with --json exactly one JSON object on stdout.
import { autodiffSection } from './autodiffSection';
import { homeworkSection } from './homeworkSection';
import { MEMORY_CHILD_FLAG, memorySection, runMemoryChild } from './memorySection';
import { webviewSection } from './webviewSection';
import { pythonSection } from './pythonSection';
import { explainSection } from './explainSection';
import type { BenchContext, Check, Row, Section, Target } from './sections';
import { formatTable, formatTargets } from './table';

/** Add a section here; each returns its own rows, targets and JSON. */
export const SECTIONS: readonly Section[] = [autodiffSection, memorySection, webviewSection, explainSection, homeworkSection, pythonSection];

function argValue(flag: string): string | undefined {
  const i = process.argv.indexOf(flag);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<number> {
  if (process.argv.includes(MEMORY_CHILD_FLAG)) {
    runMemoryChild();
    return 0;
  }
  const json = process.argv.includes('--json');
  const out = (s: string): void => void process.stdout.write(`${s}\n`);
  const ctx: BenchContext = {
    log: json ? (s) => void process.stderr.write(`${s}\n`) : out,
    self: process.argv[1],
    only: argValue('--only'),
  };
  const rows: Row[] = [], targets: Target[] = [], checks: Check[] = [], notes: string[] = [];
  let extra: Record<string, unknown> = {};
  for (const s of SECTIONS) {
    ctx.log(`== ${s.name}`);
    const r = await s.run(ctx);
    rows.push(...r.rows);
    targets.push(...r.targets);
    checks.push(...(r.checks ?? []));
    notes.push(...(r.notes ?? []));
    extra = { ...extra, ...r.json };
  }
  const failed = checks.filter((c) => c.strict && !c.ok);
  if (json) {
    out(JSON.stringify({ rows, targets, ...extra, checks }));
  } else {
    out('');
    out('Median ms per call (forward + backward), float64 except tfjs (float32):');
    formatTable(rows).forEach(out);
    out('');
    notes.forEach(out);
    out('');
    out('targets:');
    formatTargets(targets).forEach(out);
    const missed = targets.filter((t) => t.pass === false).length;
    out(`${targets.length - missed} of ${targets.length} targets met; ${failed.length ? `${failed.length} correctness check(s) FAILED` : 'all strict correctness checks ok'}`);
  }
  return failed.length ? 1 : 0;
}

main().then(
  (code) => { process.exitCode = code; },
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
    process.exitCode = 1;
  },
);
