// The torch column from the TS side: torchBench.py in a child process (when /usr/bin/python3 can
// import torch) that loads each case's inputs and times batches of it when its turn comes.
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { GradResult } from './compare';
import type { BenchCase } from './inputs';
import type { RemoteCell } from './timing';
import { SLOW_CALL_MS } from './timing';

const PYTHON = '/usr/bin/python3';

export interface TorchInfo {
  version: string;
  threads: number;
  blas: { openblas: boolean; libopenblas0_pthread_installed: boolean; loaded: string[]; build_blas_info: string };
}

/** A case loaded in the peer: its result (for the checks) and its timing column. */
export interface TorchCase extends GradResult {
  cell: RemoteCell;
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

/**
 * torchBench.py as a peer process (torch float64, one thread): it loads one case at a time and
 * times batches of it when asked, so its column is sampled in turn with the others (timing.ts).
 */
export class TorchPeer {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly answers: ((line: string | null) => void)[] = [];
  private stderr = '';

  constructor(self: string) {
    this.child = spawn(PYTHON, [scriptPath(self)], {
      env: { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' },
    });
    this.child.stderr.on('data', (d: Buffer) => { this.stderr = (this.stderr + d.toString()).slice(-2000); });
    createInterface({ input: this.child.stdout }).on('line', (line) => this.answers.shift()?.(line));
    this.child.on('close', () => { for (const a of this.answers.splice(0)) a(null); });
  }

  private request<T>(req: object): Promise<T> {
    return new Promise((resolve, reject) => {
      this.answers.push((line) => {
        if (line === null) return reject(new Error(`torchBench.py ended: ${this.stderr.trim() || 'no message'}`));
        const a = JSON.parse(line) as T & { error?: string };
        if (a.error) reject(new Error(`torchBench.py: ${a.error}`));
        else resolve(a);
      });
      this.child.stdin.write(`${JSON.stringify(req)}\n`);
    });
  }

  info(): Promise<TorchInfo> {
    return this.request({ op: 'info' });
  }

  /** Loads a case (replacing the last one), runs it once and returns its result and its column. */
  async load(c: BenchCase): Promise<TorchCase> {
    const r = await this.request<GradResult & { first_ms: number }>({ op: 'load', case: { id: c.id, ...(plain(c.input) as object) } });
    const cell: RemoteCell = {
      name: 'torch',
      warmUp: async (warmupMs) => (r.first_ms >= SLOW_CALL_MS ? r.first_ms : (await this.request<{ ms_per_call: number }>({ op: 'warm', ms: warmupMs })).ms_per_call),
      sample: async (batch) => (await this.request<{ ms: number }>({ op: 'sample', batch })).ms,
    };
    return { loss: r.loss, grads: r.grads, cell };
  }

  close(): void {
    this.child.stdin.end();
  }
}

export function describeTorch(t: TorchInfo): string {
  const b = t.blas;
  const blas = b.openblas ? 'OpenBLAS' : 'reference BLAS (slow: install libopenblas0-pthread)';
  return `torch ${t.version}, float64, ${t.threads} thread, BLAS: ${blas} (libopenblas0-pthread ${
    b.libopenblas0_pthread_installed ? 'installed' : 'not installed'}; build BLAS_INFO=${b.build_blas_info}; loaded ${b.loaded.join(', ') || 'none'})`;
}
