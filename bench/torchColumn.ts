// The torch column from the TS side: runs torchBench.py in a child process (when /usr/bin/python3
// can import torch) with the cases' inputs as JSON on stdin, and reads its timings and results back.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { GradResult } from './compare';
import type { BenchCase } from './inputs';
import type { TimingOptions } from './timing';

const PYTHON = '/usr/bin/python3';

export interface TorchCase extends GradResult {
  ms: number;
  reps: number;
}

export interface TorchRun {
  version: string;
  threads: number;
  blas: { openblas: boolean; libopenblas0_pthread_installed: boolean; loaded: string[]; build_blas_info: string };
  cases: Record<string, TorchCase>;
}

/** Why torch cannot run here, or null when it can. */
export function torchMissing(): string | null {
  if (!existsSync(PYTHON)) return `${PYTHON} not found`;
  const r = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
  return r.status === 0 ? null : `${PYTHON} cannot import torch`;
}

function scriptPath(self: string): string {
  const candidates = [join(dirname(self), '..', 'bench', 'torchBench.py'), resolve('bench', 'torchBench.py')];
  return candidates.find((p) => existsSync(p)) ?? candidates[0];
}

function plain(input: object): unknown {
  return JSON.parse(JSON.stringify(input, (_k, v: unknown) => (v instanceof Float64Array ? Array.from(v) : v)));
}

/** Times every case in torch float64 on one thread; throws with its stderr when the script fails. */
export function runTorch(self: string, cases: readonly BenchCase[], timing: Required<Omit<TimingOptions, 'warmedMs'>>): TorchRun {
  const req = { timing, cases: cases.map((c) => ({ id: c.id, ...(plain(c.input) as object) })) };
  const r = spawnSync(PYTHON, [scriptPath(self)], {
    input: JSON.stringify(req),
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' },
    timeout: 15 * 60 * 1000,
  });
  if (r.status !== 0) throw new Error(`torchBench.py exited with ${r.status ?? r.signal}`);
  return JSON.parse(r.stdout) as TorchRun;
}

export function describeTorch(t: TorchRun): string {
  const b = t.blas;
  const blas = b.openblas ? 'OpenBLAS' : 'reference BLAS (slow: install libopenblas0-pthread)';
  return `torch ${t.version}, float64, ${t.threads} thread, BLAS: ${blas} (libopenblas0-pthread ${
    b.libopenblas0_pthread_installed ? 'installed' : 'not installed'}; build BLAS_INFO=${b.build_blas_info}; loaded ${b.loaded.join(', ') || 'none'})`;
}
