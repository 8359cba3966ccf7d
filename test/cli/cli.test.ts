/**
 * The gradient-lens command: tables and JSON from the same engine as the extension, exit 2 with
 * one line naming the field for bad input, and the built bin behaving the same.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/runCli';

const root = join(__dirname, '../..');
const fixture = (name: string) => JSON.parse(readFileSync(join(root, 'fixtures/torch', name), 'utf8'));
const tmp = mkdtempSync(join(tmpdir(), 'gl-cli-'));
const write = (name: string, content: unknown) => {
  const p = join(tmp, name);
  writeFileSync(p, typeof content === 'string' ? content : JSON.stringify(content));
  return p;
};

describe('bptt', () => {
  it('prints the lecture sentence one time step per row, newest first', () => {
    const r = runCli(['bptt']);
    expect(r.code).toBe(0);
    const rows = r.stdout.split('\n').filter((l) => /^\d\s/.test(l));
    expect(rows.map((l) => l.split(/\s+/)[1])).toEqual(['pajama', 'red', 'llama', 'llama', '(h_0)']);
    expect(r.stdout).toContain('dL/dw_h =');
  });

  it('matches PyTorch for a JSON model, with grads in the shapes given', () => {
    const { model, expected } = fixture('rnn_vector_relu_bias.json');
    const r = runCli(['bptt', '--model', write('m.json', model), '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.loss).toBeAllclose(expected.loss);
    for (const k of ['W_h', 'W_i', 'W_o', 'h0', 'b', 'x']) expect(out.grads[k], k).toBeAllclose(expected.grads[k], { rtol: 1e-9, floor: 1e-14 });
    expect(out.dL_dh).toBeAllclose(expected.dL_dh, { rtol: 1e-9, floor: 1e-14 });
  });

  it('keeps infinite log-magnitudes visible in JSON', () => {
    const r = runCli(['bptt', '--w-h', '0.1', '--json']);
    const out = JSON.parse(r.stdout);
    expect(out.verdict.kind).toBe('dead');
    expect(out.log10_dL_dh[0]).toBe('-Infinity');
  });

  it.each([
    [['bptt', '--w-h', 'abc'], '--w-h: expected a number, got "abc"'],
    [['bptt', '--cell', 'gru'], '--cell: expected relu or tanh, got "gru"'],
    [['bptt', '--sentence', '!!!'], '--sentence: no words found'],
    [['bptt', '--bogus'], "Unknown option '--bogus'"],
    [['bptt', '--model', '/nonexistent.json'], '--model: cannot read the file (ENOENT)'],
  ])('rejects %j with exit 2', (argv, message) => {
    const r = runCli(argv);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it.each([
    [{ cell: 'relu', W_h: 0.5, W_i: 1, W_o: 1, x: [1], label: 1 }, 'h0: missing'],
    [{ cell: 'relu', W_h: [[1, 0]], W_i: [[1]], W_o: [1], h0: [0, 0], x: [[1]], label: 1 }, 'W_h: expected a 2 x 2 matrix, got a 1 x 2 matrix'],
    [{ cell: 'relu', W_h: 0.5, W_i: 1, W_o: 1, h0: 0, x: [1, 'two'], label: 1 }, 'x[1]: expected a finite number, got "two"'],
    [{ cell: 'relu', W_h: 0.5, W_i: 1, W_o: 1, h0: 0, x: [1], label: 'happy' }, 'label: expected 0 (sad) or 1 (happy), got "happy"'],
    [{ cell: 'relu', W_h: [[1, 0], [0, 1]], W_i: [[1], [1]], W_o: [1, 1], h0: [0, 0], x: [1, 2], label: 1 }, 'x[0]: the vector RNN (h0 a vector) needs vectors as inputs'],
  ])('names the bad field of a model (%#)', (model, message) => {
    const r = runCli(['bptt', '--model', write('bad.json', model)]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`gradient-lens bptt: ${message}\n`);
  });

  it('rejects a non-finite number (JSON has none, so a huge literal that parses to Infinity)', () => {
    const r = runCli(['bptt', '--model', write('inf.json', '{"cell":"relu","W_h":1e999,"W_i":1,"W_o":1,"h0":0,"x":[1],"label":1}')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('W_h: expected a finite number, got null');
  });
});

describe('attention', () => {
  it('matches PyTorch for a JSON model: matrices and gradients', () => {
    const { model, expected } = fixture('attention_qkv_k3.json');
    const r = runCli(['attention', '--model', write('a.json', model), '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.attention).toBeAllclose(expected.attention, { rtol: 1e-9, floor: 1e-14 });
    for (const k of ['X', 'w_o', 'W_q', 'W_k', 'W_v']) expect(out.grads[k], k).toBeAllclose(expected.grads[k], { rtol: 1e-9, floor: 1e-14 });
  });

  it('prints a sentence\'s attention rows, each summing to 1', () => {
    const r = runCli(['attention', '--sentence', 'llama llama red pajama', '--json']);
    const A = JSON.parse(r.stdout).attention[0] as number[][];
    expect(A).toHaveLength(4);
    A.forEach((row) => expect(row.reduce((s, v) => s + v, 0)).toBeAllclose(1, { rtol: 1e-14 }));
    // identical words give identical rows in the parameter-free variant
    expect(A[0]).toEqual(A[1]);
  });

  it('prints at most 16 rows and columns of a long sentence\'s matrices as text', () => {
    const r = runCli(['attention', '--sentence', Array.from({ length: 40 }, (_v, i) => `w${i}`).join(' ')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('(the first 16 of 40 rows and columns; --json prints them all)');
    const header = r.stdout.split('\n').find((l) => /^\s+w0\s/.test(l))!;
    expect(header.trim().split(/\s+/)).toHaveLength(16);
    expect(JSON.parse(runCli(['attention', '--sentence', Array.from({ length: 40 }, (_v, i) => `w${i}`).join(' '), '--json']).stdout).attention[0]).toHaveLength(40);
  });

  it('rejects a qkv model without per-layer weights', () => {
    const r = runCli(['attention', '--model', write('q.json', { variant: 'qkv', layers: 2, X: [[1, 0], [0, 1]], w_o: [1, 1], label: 1, W_q: [[[1, 0], [0, 1]]] })]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('W_q: expected a list of 2 matrices (one per layer)');
  });
});

describe('the built bin', () => {
  beforeAll(() => execFileSync('node', [join(root, 'scripts/build.mjs')], { cwd: root }));
  it('exits 0 with a table and 2 with one line for bad input', () => {
    const ok = spawnSync('node', [join(root, 'bin/gradient-lens.js'), 'bptt', '--sentence', 'llama llama red pajama'], { encoding: 'utf8' });
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain('pajama');
    const bad = spawnSync('node', [join(root, 'bin/gradient-lens.js'), 'bptt', '--label', 'meh'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toBe('gradient-lens bptt: --label: expected happy or sad, got "meh"\n');
  });
});
