/** The host's runtime guards accept exactly the messages of each webview's protocol. */
import { describe, expect, it } from 'vitest';
import { isAttentionOptions, isAttentionPanelOptions } from '../../src/webviews/attentionProtocol';
import { isBpttOptions } from '../../src/webviews/bpttProtocol';
import { isFromFlowView } from '../../src/webviews/flowProtocol';
import { isFromPanelView, savedOptions } from '../../src/webviews/panelProtocol';
import { isCodeOptions } from '../../src/webviews/codeProtocol';
import { parseTypedValue, typedText } from '../../src/webviews/ui/typedValue';

// what the BPTT panel runs on every incoming message and on the state it is revived from
const isFromBpttView = (m: unknown) => isFromPanelView(m, isBpttOptions);
const isBpttViewState = (s: unknown) => savedOptions(s, isBpttOptions) !== undefined;

const options = { sentence: 'llama llama red pajama', cell: 'relu', hidden: 1, w_h: 0.5, label: 'happy', length: 0, reluAtZero: 0 };

describe('BPTT panel messages', () => {
  it('accepts ready and well-formed options', () => {
    expect(isFromBpttView({ type: 'ready' })).toBe(true);
    expect(isFromBpttView({ type: 'setOptions', options })).toBe(true);
  });
  it.each([
    null, 'ready', {}, { type: 'eval', code: '1' },
    { type: 'setOptions' },
    { type: 'setOptions', options: { ...options, cell: 'gru' } },
    { type: 'setOptions', options: { ...options, hidden: 1.5 } },
    { type: 'setOptions', options: { ...options, hidden: 1000 } },
    { type: 'setOptions', options: { ...options, w_h: Number.NaN } },
    { type: 'setOptions', options: { ...options, length: -1 } },
    { type: 'setOptions', options: { ...options, sentence: 42 } },
    { type: 'setOptions', options: { ...options, label: 'angry' } },
  ])('rejects %j', (m) => expect(isFromBpttView(m)).toBe(false));
  it('checks saved state before reviving a panel from it', () => {
    expect(isBpttViewState({ options, cursor: 2 })).toBe(true);
    expect(isBpttViewState({ options: { ...options, w_h: 'x' }, cursor: 2 })).toBe(false);
    expect(isBpttViewState(undefined)).toBe(false);
  });
});

describe('Gradient Flow messages', () => {
  it('accepts ready and openPanel only', () => {
    expect(isFromFlowView({ type: 'ready' })).toBe(true);
    expect(isFromFlowView({ type: 'openPanel' })).toBe(true);
    expect(isFromFlowView({ type: 'open' })).toBe(false);
    expect(isFromFlowView(undefined)).toBe(false);
  });
});

describe('attention panel options', () => {
  const o = { sentence: 'llama llama red pajama', variant: 'qkv', layers: 2, d: 2, causal: false, temperature: 1, label: 'happy', length: 0 };
  it('accepts well-formed options with edits', () => {
    expect(isAttentionOptions(o)).toBe(true);
    expect(isAttentionOptions({ ...o, vectors: { llama: [1, 2] }, weights: { 'W_q[1]': [1, 0, 0, 1] } })).toBe(true);
  });
  it.each([
    { ...o, layers: 7 }, { ...o, d: 65 }, { ...o, temperature: 0 }, { ...o, variant: 'mlp' },
    { ...o, weights: { 'W_x[1]': [1] } }, { ...o, weights: { 'W_q[1]': ['1'] } }, { ...o, vectors: { llama: [Number.NaN] } },
  ])('rejects %j', (bad) => expect(isAttentionOptions(bad)).toBe(false));
  // code mode: revived from the saved state, so its guard runs on what the webview kept
  const code = { mode: 'code', text: 'import numpy as np\n', lines: { from: 2, to: 5 }, title: 'attention.py, lines 2-5' };
  it('accepts a sentence\'s or code\'s options', () => {
    expect(isAttentionPanelOptions(o)).toBe(true);
    expect(isAttentionPanelOptions(code)).toBe(true);
    expect(isAttentionPanelOptions({ ...code, lines: undefined, lineOffset: 3 })).toBe(true);
  });
  it.each([
    { ...code, mode: 'sentence' }, { ...code, text: 3 }, { ...code, lines: { from: 5, to: 2 } }, { ...code, lines: { from: 0, to: 2 } },
    { ...code, title: undefined }, { ...code, lineOffset: -1 }, { ...code, text: 'x'.repeat(2_000_001) },
  ])('rejects code options %#', (bad) => expect(isAttentionPanelOptions(bad)).toBe(false));
});

describe('code stepper options', () => {
  const code = { text: 'loss = w * 2.0\n', uri: 'file:///a.py', title: 'a.py', values: {}, reluAtZero: 0 };
  it('accepts typed numbers and nested lists of numbers', () => {
    expect(isCodeOptions(code)).toBe(true);
    expect(isCodeOptions({ ...code, values: { w: 0.5, W: [[1, 2], [3, 4]], xs: [[[1], [2]]] } })).toBe(true);
  });
  it.each([
    { w: Number.NaN }, { w: '1' }, { w: [] }, { w: [1, 'a'] }, { w: [[[[[1]]]]] }, { w: [1e13] },
    { w: Array.from({ length: 10_001 }, () => 0) },
  ])('rejects the typed values %j', (values) => expect(isCodeOptions({ ...code, values })).toBe(false));
});

describe('values typed in the code stepper', () => {
  it('reads numbers and Python or JSON lists, with trailing commas and tuples', () => {
    expect(parseTypedValue(' 0.5 ', 'w')).toEqual({ value: 0.5 });
    expect(parseTypedValue('[[1, 2], [3, 4],]', 'W')).toEqual({ value: [[1, 2], [3, 4]] });
    expect(parseTypedValue('(1, -2.5e-1)', 'b')).toEqual({ value: [1, -0.25] });
    expect(typedText([[1, 2], [3, 4]])).toBe('[[1, 2], [3, 4]]');
  });
  it('refuses ragged rows, words and empty text, saying where', () => {
    expect(parseTypedValue('[[1, 2], [3]]', 'W')).toEqual({ error: 'W[1]: expected an array of length 2 (shape [2, 2])' });
    expect(parseTypedValue('[1, "a"]', 'b')).toEqual({ error: 'b[1]: expected a finite number, got "a"' });
    expect(parseTypedValue('np.zeros(3)', 'b')).toEqual({ error: 'b: write a number or nested lists of numbers, such as [[0.1, 0.2], [0.3, 0.4]]' });
    expect(parseTypedValue('', 'b')).toEqual({ error: 'type a value for b' });
  });
});
