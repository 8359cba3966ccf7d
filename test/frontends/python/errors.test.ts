/**
 * Outside the subset the interpreter stops with a message that names the construct and its line
 * (never a wrong answer); resource limits and endless loops stop with a clear message; free
 * variables of a selection take their values from earlier lines, annotations or a seeded draw.
 */
import { describe, expect, it } from 'vitest';
import { tracePython } from '../../../src/frontends/python/trace';
import { PythonError } from '../../../src/frontends/python/pyError';

const fails = (code: string, opts = {}): PythonError => {
  try {
    tracePython(code, opts);
  } catch (e) {
    if (e instanceof PythonError) return e;
    throw e;
  }
  throw new Error('expected a PythonError');
};

describe('unsupported constructs', () => {
  it.each([
    ['w = 1.0\nf = lambda x: x\nloss = w', 2, /`lambda` expression is not supported/],
    ['import os\nloss = 1.0', 1, /importing os is not supported \(only numpy and math\)/],
    ['w = 1.0\ntry:\n    loss = w\nexcept:\n    pass', 2, /`try` statement is not supported/],
    ['class A:\n    pass', 1, /`class` definition is not supported/],
    ['import numpy as np\nx = np.zeros(3)\ny = x[[0, 1]]', 3, /advanced indexing\) is not supported/],
    ['w = 1.0\nwith open("f") as f:\n    pass', 2, /`with` statement is not supported/],
    ['import numpy as np\nx = np.zeros(3)\nx.foo = 1', 3, /assigning to an attribute\) is not supported/],
    ['import numpy as np\nloss = np.linalg.norm(np.ones(2))', 2, /numpy\.linalg is not supported/],
    ['w = 1.0\nloss = w +', 2, /invalid Python syntax/],
    // a name the subset does not know is not a seeded number to call
    ['x = 2.0\ny = eval("x*2")\nloss = y', 2, /`eval\(\)` is not supported: it is neither in the interpreter's numpy subset nor defined in this file/],
    ['x = 2.0\nf = open("data.txt")\nloss = x', 2, /`open\(\)` is not supported/],
    // [w] * n builds a Python object per item: capped like a loop, before any memory is spent
    ['w = 0.5\nxs = [w] * 100000000\nloss = w', 2, /a list of 100,000,000 items is more than the 1,000,000 a trace allows/],
  ])('%s', (code, line, message) => {
    const e = fails(code);
    expect(e.message).toMatch(message);
    expect(e.line + 1).toBe(line);
    expect(e.message.startsWith(`line ${line}: `)).toBe(true);
  });

  it('an error Python would raise too names its line: NameError, shapes that do not broadcast', () => {
    expect(fails('import numpy as np\nA = np.ones((2, 3))\nB = np.ones((3, 2))\nloss = np.sum(A + B)').message).toMatch(/^line 4: add: shapes \[2, 3\] and \[3, 2\] cannot be broadcast/);
  });
});

describe('limits', () => {
  it('an endless while loop stops at the iteration cap with a message naming the loop', () => {
    const e = fails('w = 1.0\nn = 0\nwhile True:\n    n += 1\nloss = w', { limits: { maxIterations: 1000 } });
    expect(e.kind).toBe('limit');
    expect(e.message).toBe('line 3: the `while` loop ran past the limit of 1,000 iterations: it may never end');
  });

  it('the engine-op limit stops a trace that grows too large', () => {
    const e = fails('w = 1.0\nh = w\nfor t in range(5000):\n    h = h * w\nloss = h', { limits: { maxOps: 1000 } });
    expect(e.kind).toBe('limit');
    expect(e.message).toMatch(/engine operations \(the limit is 1,000\)/);
  });

  it('a long loop over tiny arrays stops at the memory limit, counting each node and event, before the iteration cap', () => {
    // each iteration adds a few nodes of at most 2 numbers and one statement event: some hundreds of
    // bytes, so a 1 MB limit is reached after a few thousand iterations, far below the 100,000 cap
    const e = fails('import numpy as np\nx = np.zeros(2)\nwhile True:\n    x = x + 1.0\n', { limits: { maxBytes: 2 ** 20, maxIterations: 100_000 } });
    expect(e.kind).toBe('limit');
    expect(e.message).toBe('line 4: the trace needs more than 1 MB: use smaller arrays or fewer steps');
  });

  it('an array larger than the memory limit is refused before it is allocated', () => {
    expect(fails('import numpy as np\nW = np.zeros((100000, 100000))').message).toMatch(/exceeds the 256 MB limit/);
  });
});

describe('free variables of a selection', () => {
  const file = [
    'import numpy as np',                 // 1
    'W = np.array([[1.0, 2.0], [3.0, 4.0]])', // 2
    'b = 0.5',                            // 3
    '# gradient-lens: c = 2.0',           // 4
    'x = np.array([1.0, -1.0])',          // 5
    'z = W @ x + b',                      // 6
    'loss = np.sum(z * z) * c + d',       // 7
  ].join('\n');

  it('take values from earlier assignments, annotations, or a seeded draw, and are all listed', () => {
    const tr = tracePython(file, { lines: { from: 6, to: 7 } });
    const by = Object.fromEntries(tr.assumed.map((a) => [a.name, a]));
    expect(by.W).toMatchObject({ origin: 'assignment', line: 1 });
    expect(by.b).toMatchObject({ origin: 'assignment', line: 2, value: 0.5 });
    expect(by.c).toMatchObject({ origin: 'annotation', line: 3, value: 2 });
    expect(by.d.origin).toBe('random');
    // z = W x + b = [-0.5, -0.5]; loss = c |z|^2 + d; dL/db = 2 c sum(z) = -4; dL/dW = 2 c z x^T
    const g = Object.fromEntries(tr.params.map((p) => [p.name, p.grad]));
    expect(g.b).toBe(-4);
    expect(g.W).toEqual([[-2, 2], [-2, 2]]);
    expect(g.c).toBe(0.5);
    expect(g.d).toBe(1);
    expect(tracePython(file, { lines: { from: 6, to: 7 } }).assumed.find((a) => a.name === 'd')!.value).toBe(by.d.value);
  });

  it('a selection that cuts a statement is refused', () => {
    const e = fails('w = 1.0\nfor t in range(2):\n    w = w * 2\nloss = w', { lines: { from: 2, to: 2 } });
    expect(e.message).toMatch(/the selection cuts the statement on line 2/);
  });
});
