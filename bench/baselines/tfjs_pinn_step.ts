// TensorFlow.js peer of bench/core.ts's PINN step (the JS peer; PyTorch's is pinn_step.py): 2D Poisson,
// u = sin(pi x) sin(pi y), 4096 collocation points, 2-64-64-64-1 tanh MLP (Glorot normal, zero biases), exact
// Laplacian by nested reverse-mode gradients (TF.js has no forward/Taylor mode), Adam lr 1e-3.
// Usage: npx tsx bench/baselines/tfjs_pinn_step.ts <backend wasm|cpu> <threads> [steps] [points] [layers, e.g. 2,64,64,64,1]
// Prints one JSON line: the median step time and the configuration that really ran (backend, SIMD, threads).
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount, setThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { adamStep, startTfjs, timeSteps } from './tfjs_runtime.js';

const backend = process.argv[2] ?? 'wasm';
const threads = Number(process.argv[3] ?? 1);
const steps = Number(process.argv[4] ?? 30);
const runtime = await startTfjs(backend, threads, setThreadsCount, getThreadsCount);

const N = Number(process.argv[5] ?? 4096);
const layers = (process.argv[6] ?? '2,64,64,64,1').split(',').map(Number);
const weights = layers
  .slice(1)
  .map((out, l) => tf.variable(tf.randomNormal([layers[l], out], 0, Math.sqrt(2 / (layers[l] + out)), 'float32', l)));
const biases = layers.slice(1).map((out) => tf.variable(tf.zeros([out])));
const x = tf.randomUniform([N, 2], 0, 1, 'float32', 7);
const [x0, x1] = tf.split(x, 2, 1);
const f = tf.mul(tf.mul(tf.sin(tf.mul(x0, Math.PI)), tf.sin(tf.mul(x1, Math.PI))), 2 * Math.PI ** 2);

// TF.js cannot differentiate its own gradients through matMul + tanh (tf.grad(tf.grad(f)) throws "Cannot compute
// gradient"), so the Laplacian is propagated forward through the layers by hand, the second-order Taylor jet of
// each coordinate direction (the two directions stacked as rows): z = h W + b, z_i = h_i W, z_ii = h_ii W;
// tanh: h = t(z), h_i = t' z_i, h_ii = t' z_ii + t'' z_i^2 with t' = 1 - t^2, t'' = -2 t t'. Reverse mode
// (tf.variableGrads) then differentiates that first-order program, as our collapsed Taylor step does.
const laplacian = (z: tf.Tensor2D): tf.Tensor => {
  let h: tf.Tensor = z;
  let d1: tf.Tensor = tf.concat([tf.tile(tf.tensor2d([[1, 0]]), [N, 1]), tf.tile(tf.tensor2d([[0, 1]]), [N, 1])]);
  let d2: tf.Tensor = tf.zeros([2 * N, 2]);
  for (let l = 0; l < weights.length; l++) {
    const a = tf.add(tf.matMul(h, weights[l]), biases[l]);
    const a1 = tf.matMul(d1, weights[l]);
    const a2 = tf.matMul(d2, weights[l]);
    if (l + 1 === weights.length) return tf.add(tf.slice(a2, [0, 0], [N, 1]), tf.slice(a2, [N, 0], [N, 1]));
    const t = tf.tanh(a);
    const dt = tf.sub(1, tf.square(t));
    const dt2 = tf.tile(dt, [2, 1]);
    const ddt2 = tf.tile(tf.mul(-2, tf.mul(t, dt)), [2, 1]);
    h = t;
    d1 = tf.mul(dt2, a1);
    d2 = tf.add(tf.mul(dt2, a2), tf.mul(ddt2, tf.square(a1)));
  }
  throw new Error('unreachable');
};

const step = adamStep(() => tf.mean(tf.square(tf.add(laplacian(x as tf.Tensor2D), f))) as tf.Scalar);

// The hand-propagated Laplacian must be the network's: compare with central differences (f32, h = 1e-2)
const u = (z: tf.Tensor): tf.Tensor => {
  let h = z;
  for (let l = 0; l < weights.length; l++) {
    h = tf.add(tf.matMul(h, weights[l]), biases[l]);
    if (l + 1 < weights.length) h = tf.tanh(h);
  }
  return h;
};
tf.tidy(() => {
  const hx = 5e-2; // f32: smaller steps drown in rounding (1e-2 gives 3e-2 relative), larger in truncation
  const shift = (i: number, s: number) => tf.add(x, tf.mul(tf.oneHot([i], 2).reshape([1, 2]), s * hx));
  const fd = [0, 1].map((i) => tf.div(tf.add(tf.sub(u(shift(i, 1)), tf.mul(2, u(x))), u(shift(i, -1))), hx * hx));
  const err =
    tf.norm(tf.sub(laplacian(x as tf.Tensor2D), tf.add(fd[0], fd[1]))).dataSync()[0] / tf.norm(tf.add(fd[0], fd[1])).dataSync()[0];
  if (!(err < 1e-2)) throw new Error(`the Laplacian disagrees with central differences: relative error ${err}`);
});

console.log(JSON.stringify({ ...timeSteps(step, steps), ...runtime, tensors: tf.memory().numTensors }));
