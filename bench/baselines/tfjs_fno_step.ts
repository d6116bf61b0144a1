// TensorFlow.js peer of bench/fno.ts's FNO-1D training step (PyTorch's is fno_step.py, the same architecture): lift
// (a(x), x) to 64 channels, 4 Fourier layers v <- gelu(K v + W v) (none after the last), K keeping the 16 lowest
// modes with complex weights, W pointwise, projection 64 -> 128 -> 1 with GELU (tanh form) between; MSE, Adam,
// batch 20, f32. TF.js's wasm backend has no FFT kernel, so the truncated transforms are DFT matrices (real
// [n, m] cos/sin GEMMs, the way our own GEMM path computes them) and the mode mixing one batched matMul per layer.
// Usage: npx tsx bench/baselines/tfjs_fno_step.ts <backend wasm|cpu> <threads> [steps] [n]
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount, setThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { adamStep, startTfjs, timeSteps } from './tfjs_runtime.js';

const backend = process.argv[2] ?? 'wasm';
const threads = Number(process.argv[3] ?? 1);
const steps = Number(process.argv[4] ?? 30);
const n = Number(process.argv[5] ?? 256);
const runtime = await startTfjs(backend, threads, setThreadsCount, getThreadsCount);
const [B, WIDTH, MODES, LAYERS, PROJ] = [20, 64, 16, 4, 128];

// forward: X_k = sum_j x_j e^{-2 pi i jk/n}, k < m; inverse (irfft of m nonzero modes): x_j = (1/n) sum_k c_k
// (Re X_k cos - Im X_k sin)(2 pi jk/n), c_0 = 1 and c_k = 2 otherwise (n > 2m, so no Nyquist term)
const angle = (j: number, k: number) => (2 * Math.PI * j * k) / n;
const table = (rows: number, cols: number, f: (r: number, c: number) => number) =>
  tf.tensor2d(
    Float32Array.from({ length: rows * cols }, (_, i) => f(Math.floor(i / cols), i % cols)),
    [rows, cols],
  );
const cosF = table(n, MODES, (j, k) => Math.cos(angle(j, k)));
const sinF = table(n, MODES, (j, k) => -Math.sin(angle(j, k)));
const cosI = table(MODES, n, (k, j) => ((k === 0 ? 1 : 2) / n) * Math.cos(angle(j, k)));
const sinI = table(MODES, n, (k, j) => (-(k === 0 ? 1 : 2) / n) * Math.sin(angle(j, k)));

let seed = 0;
const uniform = (shape: number[], scale: number) => tf.variable(tf.randomUniform(shape, -scale, scale, 'float32', seed++));
const linear = (i: number, o: number) => ({ w: uniform([i, o], 1 / Math.sqrt(i)), b: uniform([o], 1 / Math.sqrt(i)) });
const lift = linear(2, WIDTH);
const spectral = Array.from({ length: LAYERS }, () => ({
  re: uniform([MODES, WIDTH, WIDTH], 1 / WIDTH),
  im: uniform([MODES, WIDTH, WIDTH], 1 / WIDTH),
}));
const pointwise = Array.from({ length: LAYERS }, () => linear(WIDTH, WIDTH));
const proj1 = linear(WIDTH, PROJ);
const proj2 = linear(PROJ, 1);

const a = tf.randomNormal([B, n], 0, 1, 'float32', 101);
const y = tf.randomNormal([B, n], 0, 1, 'float32', 102);
const grid = tf.tile(tf.linspace(0, 1 - 1 / n, n).reshape([1, n]), [B, 1]);
const gelu = (x: tf.Tensor) =>
  tf.mul(tf.mul(0.5, x), tf.add(1, tf.tanh(tf.mul(Math.sqrt(2 / Math.PI), tf.add(x, tf.mul(0.044715, tf.pow(x, 3)))))));
const dense = (x: tf.Tensor, l: { w: tf.Variable; b: tf.Variable }) => tf.add(tf.matMul(x, l.w), l.b);

/** One spectral convolution of v [B, n, C]: modes-first complex mixing as a batched real matMul. */
function spectralConv(v: tf.Tensor, w: { re: tf.Variable; im: tf.Variable }): tf.Tensor {
  const vt = tf.transpose(v, [0, 2, 1]).reshape([B * WIDTH, n]); // rows (b, c)
  const toModes = (t: tf.Tensor) => tf.transpose(t.reshape([B, WIDTH, MODES]), [2, 0, 1]); // [m, B, C]
  const xr = toModes(tf.matMul(vt, cosF));
  const xi = toModes(tf.matMul(vt, sinF));
  const yr = tf.sub(tf.matMul(xr, w.re), tf.matMul(xi, w.im)); // [m, B, C]
  const yi = tf.add(tf.matMul(xr, w.im), tf.matMul(xi, w.re));
  const back = (t: tf.Tensor) => tf.transpose(t, [1, 2, 0]).reshape([B * WIDTH, MODES]);
  const out = tf.add(tf.matMul(back(yr), cosI), tf.matMul(back(yi), sinI)); // [(b, c), n]
  return tf.transpose(out.reshape([B, WIDTH, n]), [0, 2, 1]);
}

function forward(): tf.Tensor {
  let v = dense(tf.stack([a, grid], -1).reshape([B * n, 2]), lift).reshape([B, n, WIDTH]);
  for (let l = 0; l < LAYERS; l++) {
    const z = tf.add(spectralConv(v, spectral[l]), dense(v.reshape([B * n, WIDTH]), pointwise[l]).reshape([B, n, WIDTH]));
    v = l + 1 < LAYERS ? gelu(z) : z;
  }
  return dense(gelu(dense(v.reshape([B * n, WIDTH]), proj1)), proj2).reshape([B, n]);
}

const step = adamStep(() => tf.mean(tf.square(tf.sub(forward(), y))) as tf.Scalar);

// The truncated DFT pair must be numpy's rfft/irfft: a signal made of the kept modes comes back unchanged
tf.tidy(() => {
  const x = tf.add(
    tf.sin(tf.mul(grid.slice([0, 0], [1, n]), 2 * Math.PI * 3)),
    tf.cos(tf.mul(grid.slice([0, 0], [1, n]), 2 * Math.PI * 5)),
  );
  const back = tf.add(tf.matMul(tf.matMul(x, cosF), cosI), tf.matMul(tf.matMul(x, sinF), sinI));
  const err = tf.max(tf.abs(tf.sub(back, x))).dataSync()[0];
  if (!(err < 1e-4)) throw new Error(`the truncated DFT pair does not invert on kept modes: max error ${err}`);
});

console.log(JSON.stringify({ ...timeSteps(step, steps), ...runtime, n, tensors: tf.memory().numTensors }));
