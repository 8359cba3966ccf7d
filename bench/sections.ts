// What a bench section hands back (table rows, targets, extra JSON) and what it is given, so a new
// section (chart drawing time, ...) is one more entry in the list in bench.ts.

/** One table row: a workload at one size, with the columns it has (ms per call, median). */
export interface Row {
  workload: string;
  size: string;
  engine_ms: number;
  tfjs_ms?: number;
  floor_ms?: number;
  torch_ms?: number;
  /** nodes on the engine's tape for one call, and engine time per node */
  nodes?: number;
  ns_per_node?: number;
  /** engine time per step relative to the same workload's shortest sequence (1 = flat) */
  step_vs_shortest?: number;
  /** samples behind each median */
  reps?: Record<string, number>;
}

/** A goal with its measured number; pass is null when it cannot be measured here (e.g. no torch). */
export interface Target {
  name: string;
  pass: boolean | null;
  value: number | null;
  /** how `value` reads, e.g. "ns", "x" */
  unit?: string;
}

/** A correctness comparison printed before timing. */
export interface Check {
  name: string;
  /** worst relative error over the loss and the compared gradients */
  relErr: number;
  rtol: number;
  ok: boolean;
  /** a failed strict check fails the bench; a loose one (float32) only reports */
  strict: boolean;
  detail: string;
}

export interface SectionResult {
  rows: Row[];
  targets: Target[];
  checks?: Check[];
  /** lines printed under the table (environment, notes) */
  notes?: string[];
  /** merged into the top level of the --json object */
  json?: Record<string, unknown>;
}

export interface BenchContext {
  /** progress and check lines: stdout for the text report, stderr under --json */
  log(line: string): void;
  /** the path of this bundle, to start child processes of it */
  self: string;
  /** --only TEXT: run only the cases whose id contains TEXT (e.g. "W3", "T=100") */
  only?: string;
}

export interface Section {
  name: string;
  run(ctx: BenchContext): Promise<SectionResult>;
}
