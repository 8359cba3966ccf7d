/** min-char-rnn's forward loop with nothing defined (sizes, weights, inputs, targets all free). */
export const MIN_CHAR_LOOP = [
  'loss = 0',
  'for t in range(T):',
  '    h = np.tanh(np.dot(Wxh, xs[t]) + np.dot(Whh, h) + bh)',
  '    y = np.dot(Why, h) + by',
  '    p = np.exp(y) / np.sum(np.exp(y))',
  '    loss += -np.log(p[targets[t], 0])',
];
