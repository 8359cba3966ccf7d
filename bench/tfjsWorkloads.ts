// The tfjs column: the peer JS library (tfjs-core + CPU backend, float32 only) on the same
// workloads, with gradients from tf.valueAndGrads inside tf.tidy so nothing leaks between calls.
import * as tf from '@tensorflow/tfjs-core';
// tfjs-core's Node entry registers no gradients; the CPU backend registers its kernels when loaded
// (a bare import would be dropped by esbuild: the package says it has no side effects)
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { version_cpu } from '@tensorflow/tfjs-backend-cpu';
import type { CaseRunner, GradResult } from './compare';
import type { W1Input, W2Input, W3Input, WorkloadInput } from './inputs';

export async function initTfjs(): Promise<string> {
  tf.enableProdMode();
  await tf.setBackend('cpu');
  await tf.ready();
  return `tfjs-core ${tf.version_core}, tfjs-backend-cpu ${version_cpu}, backend ${tf.getBackend()}, float32`;
}

type Loss = (...args: tf.Tensor[]) => tf.Scalar;

const f32 = (x: Float64Array): Float32Array => Float32Array.from(x);

/** args are created once (outside the timed call) and kept; the grads are of every arg. */
function runner(names: readonly string[], args: tf.Tensor[], f: Loss): CaseRunner {
  const vg = tf.valueAndGrads(f);
  return {
    run(): void {
      tf.tidy(() => {
        const { value } = vg(args);
        value.dataSync();
      });
    },
    result(): GradResult {
      return tf.tidy(() => {
        const { value, grads } = vg(args);
        const out: Record<string, Float32Array> = {};
        names.forEach((k, i) => { out[k] = grads[i].dataSync() as Float32Array; });
        return { loss: value.dataSync()[0], grads: out };
      });
    },
    dispose: () => args.forEach((a) => a.dispose()),
  };
}

function w1(p: W1Input): CaseRunner {
  const xs = Array.from(p.x, (v) => tf.scalar(v));
  const args = [tf.scalar(p.wh), tf.scalar(p.wi), tf.scalar(p.wo), tf.scalar(p.h0)];
  const r = runner(['wh', 'wi', 'wo', 'h0'], args, (wh, wi, wo, h0) => {
    let h = h0;
    for (let t = 0; t < p.T; t++) h = tf.relu(tf.add(tf.mul(wh, h), tf.mul(wi, xs[t])));
    return tf.softplus(tf.neg(tf.mul(wo, h))) as tf.Scalar;
  });
  return { ...r, dispose: () => { r.dispose?.(); xs.forEach((x) => x.dispose()); } };
}

function w2(p: W2Input): CaseRunner {
  const { H, T } = p;
  const xs = Array.from({ length: T }, (_, t) => tf.tensor2d(f32(p.X.subarray(t * H, (t + 1) * H)), [H, 1]));
  const args = [tf.tensor2d(f32(p.Wh), [H, H]), tf.tensor2d(f32(p.Wi), [H, H]), tf.tensor2d(f32(p.wo), [1, H]), tf.tensor2d(f32(p.h0), [H, 1]), ...xs];
  return runner(['Wh', 'Wi', 'wo', 'h0', 'x1'], args, (Wh, Wi, wo, h0, ...x) => {
    let h = h0;
    for (let t = 0; t < T; t++) h = tf.tanh(tf.add(tf.matMul(Wh, h), tf.matMul(Wi, x[t])));
    return tf.softplus(tf.neg(tf.reshape(tf.matMul(wo, h), []))) as tf.Scalar;
  });
}

function w3(p: W3Input): CaseRunner {
  const { n, d } = p;
  const args = [
    tf.tensor2d(f32(p.X), [n, d]),
    ...p.layers.flatMap((l) => [tf.tensor2d(f32(l.Wq), [d, d]), tf.tensor2d(f32(l.Wk), [d, d]), tf.tensor2d(f32(l.Wv), [d, d])]),
    tf.tensor1d(f32(p.wo)),
  ];
  const c = 1 / Math.sqrt(d);
  return runner(['X', 'Wq1', 'Wk1', 'Wv1', 'Wq2', 'Wk2', 'Wv2', 'wo'], args, (X, ...rest) => {
    let x = X;
    for (let k = 0; k < 2; k++) {
      const [Wq, Wk, Wv] = rest.slice(3 * k, 3 * k + 3);
      const q = tf.matMul(x, Wq), kk = tf.matMul(x, Wk), v = tf.matMul(x, Wv);
      x = tf.matMul(tf.softmax(tf.mul(tf.matMul(q, kk, false, true), c)), v);
    }
    const last = tf.reshape(tf.slice(x, [n - 1, 0], [1, d]), [d]);
    return tf.softplus(tf.neg(tf.dot(rest[6], last))) as tf.Scalar;
  });
}

export function tfjsRunner(input: WorkloadInput): CaseRunner {
  switch (input.kind) {
    case 'W1': return w1(input);
    case 'W2': return w2(input);
    case 'W3': return w3(input);
  }
}

export function tfjsTensorCount(): number {
  return tf.memory().numTensors;
}
