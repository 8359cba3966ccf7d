/** Sentences become words and deterministic word vectors; code is recognized as not a sentence. */
import { describe, expect, it } from 'vitest';
import { codeLikeReason, sentenceRnn, tokenize, wordVector } from '../../src/frontends/sentence';
import { bpttTrace } from '../../src/models/bptt';

describe('tokenize', () => {
  it.each([
    ['llama llama red pajama', ['llama', 'llama', 'red', 'pajama']],
    ['Llama, llama — red pajama!', ['Llama', 'llama', 'red', 'pajama']],
    ['I ❤️ 3 llamas 🦙 in 東京', ['I', '❤️', '3', 'llamas', '🦙', 'in', '東京']],
    ["it's a dog's life", ["it's", 'a', "dog's", 'life']],
    ['   ', []],
  ])('%j', (text, words) => expect(tokenize(text)).toEqual(words));
});

describe('word vectors', () => {
  it('gives the same word (in any case) the same vector and different words different ones', () => {
    expect(wordVector('Llama', 4)).toEqual(wordVector('llama', 4));
    expect(wordVector('llama', 4).data).not.toEqual(wordVector('red', 4).data);
    expect(wordVector('llama', 1).shape).toEqual([]);
  });

  it('makes the lecture sentence alive at w_h = 0.5 and dead at "red" for w_h = 0.1', () => {
    const words = tokenize('llama llama red pajama');
    const alive = bpttTrace(sentenceRnn(words, { cell: 'relu', hidden: 1, w_h: 0.5, label: 1 }), { words });
    expect(alive.verdict.kind).toBe('healthy');
    const dead = bpttTrace(sentenceRnn(words, { cell: 'relu', hidden: 1, w_h: 0.1, label: 1 }), { words });
    expect(dead.verdict.deadAt).toBe(3);
    expect(dead.steps[2].word).toBe('red');
  });

  it('scales the vector RNN\'s W_h to exactly w_h in every direction', () => {
    const m = sentenceRnn(['a', 'b'], { cell: 'tanh', hidden: 5, w_h: 0.7, label: 0 });
    // W_h^T W_h = 0.49 I
    const W = m.W_h.data;
    for (let i = 0; i < 5; i++) for (let j = 0; j < 5; j++) {
      let s = 0;
      for (let k = 0; k < 5; k++) s += W[k * 5 + i] * W[k * 5 + j];
      expect(s).toBeAllclose(i === j ? 0.49 : 0, { atol: 1e-12 });
    }
  });
});

describe('code is not a sentence', () => {
  it.each(['h = relu(w*h + x)', 'def loss(x):\n    return x', 'hs[t] = np.tanh(a)'])('%j', (code) => expect(codeLikeReason(code)).not.toBeNull());
  it.each(['llama llama red pajama', 'The movie was great!', "I don't like it."])('%j is prose', (s) => expect(codeLikeReason(s)).toBeNull());
});
