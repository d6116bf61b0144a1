// The inseparable two-body problems of the STDE paper (Shi et al. 2024, sec. 5.1) in the unit ball of R^d:
//   u*(x) = (1 - |x|^2) sum_{i<d} c_i sin(x_i + cos(x_{i+1}) + x_{i+1} cos(x_i)),  c_i ~ N(0, 1) seeded,
// with Poisson (lap u = f), Allen-Cahn (lap u + u - u^3 = f) or Sine-Gordon (lap u + sin u = f) and the
// source f from the closed-form Laplacian of u*. Ansatz (1 - |x|^2) MLP(x), so u = 0 on the sphere.
// Usage: npx tsx examples/stde/twobody.ts [--d 100] [--steps 1000] [--op poisson|allen-cahn|sine-gordon]
//   [--method stde-sparse|stde-dense|exact|hessian] [--loss biased|unbiased] [--samples 16] [--batch 100]
//   [--seed 0] [--lr 1e-3] [--test-points N] [--eval-every K] [--target 1e-2] [--log-every K] [--f64] [--no-jit]
//   [--lsq-every K] [--lsq-batches 4] [--lsq-ridge 1e-6] [--lsq-warmup 100] [--lsq-iterations 1|5] [--no-lsq]
// At d >= 1e5 the default test set is 200 points (u* costs O(d) per point); --eval-every K reports the held-out
// error every K steps (the time includes it; with the least-squares layer also at step 0, after its solve) and
// --target stops once it is reached.
// Least-squares output layer (on by default, every d; --no-lsq for plain Adam): the solution's scale grows with d
// (in the 1e6-D unit ball every coordinate is ~1e-3, so u*/(1 - |x|^2) ~ sin(1) sum_i c_i = -531 at d = 1e6, seed 0;
// 15 at 1e3, -88 at 1e4, -75 at 1e5), and Adam moves each output weight ~lr per step, so plain Adam needs
// >= |theta*| / lr steps (13 h at 1e6-D here). The residual is linear in the output layer theta = [W_L; b_L] given the
// hidden features, r = lap(phi) theta - f with phi = (1 - |x|^2) [h, 1], so before the first Adam step the trainer runs
// --lsq-batches passes at the initial parameters (learning rate 0; the step's own points, sparse-STDE feature
// Laplacians and loss), solves the ridge-regularized least squares for theta (optim/outputLsq.ts; Allen-Cahn and
// Sine-Gordon: Gauss-Newton, --lsq-iterations 5 by default, fresh points each) and restarts Adam there with the
// learning rate warmed up linearly over --lsq-warmup steps (Adam's first updates are ~lr sign(g) on every weight: at
// 1e5-D, without the warm-up, they took the error from 6.0e-3 to 0.11 within 25 steps, back to 5.4e-3 only at step
// 100); --lsq-every K solves again every K Adam steps from the last steps' systems (no extra passes). Measured (seed 0,
// 400 residuals, load 9-30): relative L2 4.8e-3 at 1e4-D, 6.0e-3 at 1e5-D, 9.0e-4 at 1e6-D right after the solve
// (bench/results-stde-converge.txt). At 1e6-D, Adam at lr 1e-3 after the solve makes it worse (above 1e-2 from step 50,
// warm-up and all: the first layer's weights are ~1.4e-3 there); --lr 1e-4 keeps improving it (9.0e-4 -> 8.0e-4 in
// 40 steps, quiet machine), and --target 1e-2 --eval-every K stops at the solve.
import { pathToFileURL } from 'node:url';
import * as fx from '../../index.js';
import {
  affineCoordinateTaylor2,
  coordinateProbes,
  coordinateSample,
  denseProbes,
  independentSeeds,
  probeSum,
  residualLosses,
} from '../../core/stde.js';
import { Adam, FusedAdam, linearDecay } from '../../optim/index.js';
import { OutputLsq } from '../../optim/outputLsq.js';
import { leaves } from '../../core/pytree.js';
import { Tensor } from '../../core/tensor.js';
import { flattenTree, unflattenTree } from '../../nn/flat.js';
import { hashSeed, sampleInto, uniformAt, uniformsInto } from '../../core/random.js';
import type { Estimator } from '../../core/estimators.js';
import { wasmKernels } from '../../core/backend/wasm.js';

export type TwoBodyOp = 'poisson' | 'allen-cahn' | 'sine-gordon';
export const twoBodyOps: readonly TwoBodyOp[] = ['poisson', 'allen-cahn', 'sine-gordon'];
/** The core's estimators plus a forward-over-reverse Hessian trace, cheapest first (bench/stde.ts runs them in reverse). */
export const twoBodyMethods = ['stde-sparse', 'stde-dense', 'exact', 'hessian'] as const satisfies readonly (Estimator | 'hessian')[];
export type TwoBodyMethod = (typeof twoBodyMethods)[number];

/** The nonlinear term N(u) of each operator: residual = lap u + N(u) - f. */
const nonlinear: Record<
  TwoBodyOp,
  { host: (u: number) => number; traced: (u: fx.Tensor) => fx.Tensor | null; derivative: (u: fx.Tensor) => fx.Tensor | null }
> = {
  poisson: { host: () => 0, traced: () => null, derivative: () => null },
  'allen-cahn': { host: (u) => u - u ** 3, traced: (u) => fx.sub(u, fx.pow(u, 3)), derivative: (u) => fx.sub(1, fx.mul(fx.square(u), 3)) },
  'sine-gordon': { host: (u) => Math.sin(u), traced: (u) => fx.sin(u), derivative: (u) => fx.cos(u) },
};

export interface TwoBody {
  d: number;
  /** the d - 1 coefficients c_i */
  c: Float64Array;
  /** u* on the host, one point (length d) */
  u(x: ArrayLike<number>): number;
  /** closed-form lap u* at one point */
  laplacian(x: ArrayLike<number>): number;
  /** source term f = lap u* + N(u*) of an operator */
  source(op: TwoBodyOp, x: ArrayLike<number>): number;
  /** u* as a row-wise traced function [N, d] -> [N, 1] (the check on the closed form) */
  uTraced(x: fx.Tensor): fx.Tensor;
  /** the closed-form lap u* and source, traced [N, d] -> [N, 1] */
  laplacianTraced(x: fx.Tensor): fx.Tensor;
  sourceTraced(op: TwoBodyOp, x: fx.Tensor): fx.Tensor;
}

export function twoBody(d: number, seed = 0): TwoBody {
  if (!Number.isInteger(d) || d < 2) throw new Error(`twoBody: d must be an integer >= 2, got ${d}`);
  const c = sampleInto('normal', 7777 + seed, d - 1, 'f64') as Float64Array;
  // g = sum_i c_i sin psi_i with psi_i = a + cos b + b cos a (a = x_i, b = x_{i+1}); the sin and cos of each
  // coordinate are computed once and carried to the next term (the sums run over 1e6 coordinates per point).
  // lap((1 - |x|^2) g) = (1 - |x|^2) lap g - 4 x.grad g - 2 d g, and
  // lap sin psi = -sin psi (psi_a^2 + psi_b^2) + cos psi (psi_aa + psi_bb)
  const terms = (x: ArrayLike<number>, withLaplacian: boolean): { g: number; lapG: number; xGradG: number; r2: number } => {
    let g = 0;
    let lapG = 0;
    let xGradG = 0;
    let r2 = x[0] * x[0];
    let sa = withLaplacian ? Math.sin(x[0]) : 0;
    let ca = Math.cos(x[0]);
    for (let i = 0; i + 1 < d; i++) {
      const a = x[i];
      const b = x[i + 1];
      r2 += b * b;
      const sb = withLaplacian ? Math.sin(b) : 0;
      const cb = Math.cos(b);
      const psi = a + cb + b * ca;
      const s = Math.sin(psi);
      g += c[i] * s;
      if (withLaplacian) {
        const co = Math.cos(psi);
        const pa = 1 - b * sa;
        const pb = -sb + ca;
        lapG += c[i] * (-s * (pa * pa + pb * pb) + co * (-b * ca - cb));
        xGradG += c[i] * co * (a * pa + b * pb);
      }
      sa = sb;
      ca = cb;
    }
    return { g, lapG, xGradG, r2 };
  };
  const u = (x: ArrayLike<number>): number => {
    const t = terms(x, false);
    return (1 - t.r2) * t.g;
  };
  const laplacian = (x: ArrayLike<number>): number => {
    const t = terms(x, true);
    return (1 - t.r2) * t.lapG - 4 * t.xGradG - 2 * d * t.g;
  };
  const source = (op: TwoBodyOp, x: ArrayLike<number>): number => laplacian(x) + nonlinear[op].host(u(x));
  const cT = fx.tensor(c, [1, d - 1], 'f64');
  // the same closed forms traced on [N, d] rows (the training step's sources and the test error at high d)
  const parts = (x: fx.Tensor) => {
    const coef = fx.cast(cT, x.dtype);
    // the first d - 1 and the last d - 1 coordinates; cos and sin of x are taken once and sliced the same way
    const lo = (t: fx.Tensor): fx.Tensor => fx.sliceAxis(t, 1, 0, d - 1);
    const hi = (t: fx.Tensor): fx.Tensor => fx.sliceAxis(t, 1, 1, d);
    const [a, b] = [lo(x), hi(x)];
    const cosX = fx.cos(x);
    const [ca, cb] = [lo(cosX), hi(cosX)];
    const psi = fx.add(fx.add(a, cb), fx.mul(b, ca));
    const s = fx.sin(psi);
    const q = fx.sub(1, fx.sum(fx.square(x), 1, true));
    const sum = (t: fx.Tensor): fx.Tensor => fx.sum(fx.mul(t, coef), 1, true);
    return { a, b, ca, cb, psi, s, q, g: sum(s), sum, lo, hi };
  };
  const uTraced = (x: fx.Tensor): fx.Tensor => {
    const p = parts(x);
    return fx.mul(p.q, p.g);
  };
  const laplacianTraced = (x: fx.Tensor): fx.Tensor => {
    const { a, b, ca, cb, psi, s, q, g, sum, lo, hi } = parts(x);
    const co = fx.cos(psi);
    const sx = fx.sin(x);
    const pa = fx.sub(1, fx.mul(b, lo(sx)));
    const pb = fx.sub(ca, hi(sx));
    const lapG = sum(fx.sub(fx.mul(co, fx.neg(fx.add(fx.mul(b, ca), cb))), fx.mul(s, fx.add(fx.square(pa), fx.square(pb)))));
    const xGradG = sum(fx.mul(co, fx.add(fx.mul(a, pa), fx.mul(b, pb))));
    return fx.sub(fx.sub(fx.mul(q, lapG), fx.mul(xGradG, 4)), fx.mul(g, 2 * d));
  };
  const sourceTraced = (op: TwoBodyOp, x: fx.Tensor): fx.Tensor => {
    const n = nonlinear[op].traced(uTraced(x));
    return n ? fx.add(laplacianTraced(x), n) : laplacianTraced(x);
  };
  return { d, c, u, laplacian, source, uTraced, laplacianTraced, sourceTraced };
}

/**
 * Points in the unit ball, r ~ U(0, 1) times a normalized Gaussian direction (as in the paper), as a pure
 * function of (seed, n): a batch is generated per step from the seed and a test set is streamed, never stored
 * whole at 1e6-D. The host draws cheap 32-bit uniforms (ballUniforms); the Box-Muller transform, the
 * normalization and the source term run traced (ballFromUniforms), on the backend's kernels.
 */
export function ballUniforms(d: number, seed: number, n: number, out: Float32Array | Float64Array): { r: number } {
  const key = hashSeed(seed);
  uniformsInto(out.subarray(0, 2 * Math.ceil(d / 2)), (key ^ Math.imul(n + 1, 0x9e3779b1)) >>> 0);
  return { r: uniformAt(key ^ 0x5bd1e995, n) };
}

/** U [m, 2 ceil(d/2)] uniforms and r [m, 1] radii -> [m, d] points: g = (R cos T, R sin T), x = r g / |g|. */
export function ballFromUniforms(U: fx.Tensor, r: fx.Tensor, d: number): fx.Tensor {
  const h = Math.ceil(d / 2);
  const R = fx.sqrt(fx.mul(fx.log(fx.sliceAxis(U, 1, 0, h)), -2));
  const T = fx.mul(fx.sliceAxis(U, 1, h, 2 * h), 2 * Math.PI);
  const g = fx.sliceAxis(fx.concat([fx.mul(R, fx.cos(T)), fx.mul(R, fx.sin(T))], 1), 1, 0, d);
  return fx.mul(g, fx.div(r, fx.sqrt(fx.sum(fx.square(g), 1, true))));
}

/** N points of the stream `seed` ([N, d] row-major, on the host: tests and small d). */
export function ballPoints(N: number, d: number, seed: number): Float64Array {
  const h = Math.ceil(d / 2);
  const U = new Float64Array(N * 2 * h);
  const r = new Float64Array(N);
  for (let n = 0; n < N; n++) r[n] = ballUniforms(d, seed, n, U.subarray(n * 2 * h, (n + 1) * 2 * h)).r;
  return ballFromUniforms(fx.tensor(U, [N, 2 * h], 'f64'), fx.tensor(r, [N, 1], 'f64'), d).dataSync() as Float64Array;
}

/**
 * Streams the points of `seed` (n of them, from index `from`) through `use` in chunks of at most `budget`
 * coordinates (at least one point): use(U [m, 2 ceil(d/2)], r [m, 1]) runs under one jit per chunk size.
 */
export function streamBall<T>(
  d: number,
  seed: number,
  from: number,
  n: number,
  dtype: 'f32' | 'f64',
  use: (U: fx.Tensor, r: fx.Tensor) => T,
  budget = 2 ** 22,
): T[] {
  const h = Math.ceil(d / 2);
  // equal chunks where a divisor of n allows (every chunk size is one more trace and compile of `use`)
  const least = Math.min(n, Math.max(1, Math.ceil((n * d) / budget)));
  let parts = least;
  while (parts < n && n % parts !== 0 && parts < 2 * least) parts++;
  const chunk = Math.ceil(n / parts);
  const U = dtype === 'f32' ? new Float32Array(chunk * 2 * h) : new Float64Array(chunk * 2 * h);
  const r = new Float64Array(chunk);
  const out: T[] = [];
  for (let at = 0; at < n; at += chunk) {
    const m = Math.min(chunk, n - at);
    for (let k = 0; k < m; k++) r[k] = ballUniforms(d, seed, from + at + k, U.subarray(k * 2 * h, (k + 1) * 2 * h)).r;
    out.push(use(fx.tensor(U.subarray(0, m * 2 * h), [m, 2 * h], dtype), fx.tensor(r.subarray(0, m), [m, 1], dtype)));
  }
  return out;
}

export interface TrainOptions {
  d: number;
  steps: number;
  op?: TwoBodyOp;
  method?: TwoBodyMethod;
  /** residual points per step */
  batch?: number;
  /** |J| (sparse) or probes (dense) */
  samples?: number;
  width?: number;
  /** linear layers of the MLP */
  depth?: number;
  lr?: number;
  seed?: number;
  dtype?: 'f32' | 'f64';
  testPoints?: number;
  jit?: boolean;
  /**
   * sparse STDE tangents: 'rows' (default) gathers the sampled rows of the first weight matrix (memory
   * O(N (|J| + width))); 'tiled' forms the [|J| N, d] unit-vector tangents (the generic path, for comparison)
   */
  probes?: 'rows' | 'tiled';
  /** residual loss: mean r^2 (default) or the unbiased mean r_1 r_2 over two independent STDE draws */
  loss?: 'biased' | 'unbiased';
  /**
   * coordinates per chunk of the point sampler (default 2^21: its compiled graph's temporaries) and per test
   * prediction call (default 2^24: W1 is copied in per call); they bound memory, not results
   */
  chunks?: { sample?: number; predict?: number };
  /**
   * Least-squares output layer (optim/outputLsq.ts): the residual is linear in the output layer theta = [W_L; b_L]
   * for Poisson (Allen-Cahn, Sine-Gordon: linearized, a Gauss-Newton step), so theta is solved for instead of walked
   * to by Adam, whose ~lr-sized steps need |theta*| / lr steps (the two-body solution's scale grows with d: the
   * network must output ~ sin(1) sum_i c_i, -531 at d = 1e6). Before the first Adam step, `batches` passes at the
   * initial parameters (learning rate 0) accumulate the step's own STDE system (the same points, draws and loss,
   * biased or unbiased); theta is solved for with a relative `ridge` and Adam restarts there (moments zero). With
   * every = K > 0, theta is solved again after every K-th Adam step from that step's and the `batches` - 1 previous
   * steps' systems (Adam's moments kept). Absent: plain Adam (the CLI turns it on).
   */
  lsq?: { every?: number; batches?: number; ridge?: number; warmup?: number; iterations?: number };
  /** called after each least-squares solve */
  onSolve?: (r: LsqReport) => void;
  /** called every `logEvery` steps and after the last */
  log?: (step: number, loss: number, seconds: number) => void;
  logEvery?: number;
}

export interface LsqReport {
  /** Adam steps taken before the solve (0: the initial solve) */
  step: number;
  /** the accumulated loss (mean r^2, or r_1 r_2) before and after, and the residual rows it covers */
  before: number;
  after: number;
  rows: number;
  /** wall time of the solve's extra passes and the solve */
  seconds: number;
}

export interface TrainResult {
  /** relative L2 error of u on held-out points */
  l2re: number;
  finalLoss: number;
  seconds: number;
  stepsPerSecond: number;
}

// a type alias (not an interface) so the parameter list is structurally a PyTree for jit and unflattenTree
export type Params = Array<{ W: fx.Tensor; b: fx.Tensor }>;

/**
 * The ansatz as a linear model: u = phi theta with phi(x) = (1 - |x|^2) [h(x), 1], h the last hidden layer [N, k]
 * and theta = [W_L; b_L] ([k + 1, 1]) the output layer, so lap u = lap(phi) theta and the residual of a linear
 * operator is linear in theta (the least-squares output layer, OutputLsq, solves for it).
 */
function hiddenLayers(layers: Params, h: fx.Tensor): fx.Tensor {
  for (const p of layers) h = fx.tanh(fx.add(fx.matmul(h, p.W), p.b));
  return h;
}

/** (1 - |x|^2) [h, 1] from the hidden features h [N, k] of the points x [N, d]. */
function withBias(x: fx.Tensor, h: fx.Tensor): fx.Tensor {
  const q = fx.sub(1, fx.sum(fx.square(x), 1, true));
  return fx.concat([fx.mul(q, h), q], 1);
}

/** phi(x) of the hidden layers `hidden` (all but the output layer). */
export function ansatzFeatures(hidden: Params, x: fx.Tensor): fx.Tensor {
  return withBias(x, hiddenLayers(hidden, x));
}

/** The output layer as one column theta = [W_L; b_L] [k + 1, 1]. */
export function outputColumn(last: { W: fx.Tensor; b: fx.Tensor }): fx.Tensor {
  return fx.concat([last.W, fx.reshape(last.b, [1, 1])], 0);
}

/**
 * Sparse-STDE Laplacians of the ansatz features phi = (1 - |x|^2) [h(x), 1] along the coordinates J, never forming a
 * [P*N, d] tangent: with q = 1 - |x|^2 (q' = -2 x_j and q'' = -2 along e_j), the product rule gives
 * D^2 (q h)[e_j] = -2 h - 4 x_j D h[e_j] + q D^2 h[e_j], and the first layer is affine, so D^k h[e_j] comes from the
 * gathered rows W1_J (affineCoordinateTaylor2). Returns the estimates w sum_j D^2 phi[e_j] [N, k + 1] (the bias
 * column is exact: w (-2 |J|) = -2 d) and phi [N, k + 1].
 */
export function sparseAnsatzFeatures(hidden: Params, x: fx.Tensor, J: fx.Tensor, w: number): { lap: fx.Tensor; phi: fx.Tensor } {
  const [first, ...rest] = hidden;
  const [N] = x.shape;
  const P = J.shape[0];
  const t = affineCoordinateTaylor2((a) => hiddenLayers(rest, fx.tanh(a)), fx.add(fx.matmul(x, first.W), first.b), first.W, J);
  const k = t.value.shape[1];
  const xJ = fx.reshape(fx.transpose(fx.gather(x, J, 1)), [P * N, 1]); // block p = x_{J_p} of every point
  const cross = fx.sum(fx.reshape(fx.mul(xJ, t.first), [P, N, k]), 0);
  const q = fx.sub(1, fx.sum(fx.square(x), 1, true));
  const lapH = fx.add(fx.sub(fx.mul(t.value, -2 * P), fx.mul(cross, 4)), fx.mul(q, t.second));
  const lap = fx.concat([fx.mul(lapH, w), fx.full([N, 1], -2 * P * w, x.dtype)], 1);
  return { lap, phi: withBias(x, t.value) };
}

/**
 * Residual loss of one step; `dirs` carries the STDE draw as a jit argument, so every step gets a fresh one:
 * [draws, P] coordinates (i32) for row probes, [draws, P, ...] directions otherwise; one or two independent
 * draws. Biased: mean r_1^2; unbiased: mean r_1 r_2 (STDE paper). The residual is built from the ansatz features
 * (lap u = lap(phi) theta), except for the grad-of-grad Hessian trace, which takes scalar functions only. With
 * `system`, the aux output is the residual's linearization in the output layer for each draw: J = d r / d theta
 * = lap(phi) + N'(u) phi [draws * N, k + 1] and t = J theta - r [draws * N] (OutputLsq's input).
 */
function makeLoss(op: TwoBodyOp, method: TwoBodyMethod, weights: number[], kind: 'biased' | 'unbiased', rows: boolean, system: boolean) {
  return (params: Params, x: fx.Tensor, f: fx.Tensor, dirs: fx.Tensor): [fx.Tensor, fx.Tensor[]] => {
    const hidden = params.slice(0, -1);
    const theta = outputColumn(params[params.length - 1]);
    const phiAt = (z: fx.Tensor): fx.Tensor => ansatzFeatures(hidden, z);
    const draw = (k: number): fx.Tensor => fx.reshape(fx.sliceAxis(dirs, 0, k, k + 1), dirs.shape.slice(1));
    const residual = (k: number): { r: fx.Tensor; J: fx.Tensor | null } => {
      let lap: fx.Tensor;
      let phi: fx.Tensor | null = null;
      if (method === 'hessian') lap = fx.hessianTrace((z) => fx.matmul(phiAt(z), theta), x);
      else {
        let lapPhi: fx.Tensor;
        if (rows) ({ lap: lapPhi, phi } = sparseAnsatzFeatures(hidden, x, draw(k), weights[0]));
        else if (method === 'exact') lapPhi = fx.laplacian(phiAt, x);
        else lapPhi = probeSum(phiAt, x, { dirs: draw(k), weights }, 2);
        lap = fx.matmul(lapPhi, theta);
        phi ??= phiAt(x);
        if (system) return linearized(op, lapPhi, phi, theta, f);
      }
      const u = fx.matmul(phi ?? phiAt(x), theta);
      const n = nonlinear[op].traced(u);
      return { r: fx.sub(n ? fx.add(lap, n) : lap, f), J: null };
    };
    const stochastic = method === 'stde-sparse' || method === 'stde-dense';
    const r1 = residual(0);
    const r2 = stochastic && kind === 'unbiased' ? residual(1) : r1;
    const losses = residualLosses(r1.r, r2.r);
    const l = kind === 'unbiased' ? losses.unbiased : losses.biased;
    if (!system) return [l, []];
    const both = r2 === r1 ? [r1] : [r1, r2];
    const Js = both.map((b) => b.J as fx.Tensor);
    const ts = both.map((b, i) => fx.sub(fx.matmul(Js[i], theta), b.r));
    return [l, [fx.concat(Js, 0), fx.reshape(fx.concat(ts, 0), [-1])]];
  };
}

/** r = lap(phi) theta + N(phi theta) - f and its Jacobian in theta, lap(phi) + N'(u) phi. */
function linearized(op: TwoBodyOp, lapPhi: fx.Tensor, phi: fx.Tensor, theta: fx.Tensor, f: fx.Tensor): { r: fx.Tensor; J: fx.Tensor } {
  const u = fx.matmul(phi, theta);
  const n = nonlinear[op].traced(u);
  const lap = fx.matmul(lapPhi, theta);
  const r = fx.sub(n ? fx.add(lap, n) : lap, f);
  const dn = nonlinear[op].derivative(u);
  return { r, J: dn ? fx.add(lapPhi, fx.mul(dn, phi)) : lapPhi };
}

export interface TwoBodyTrainer {
  /** one Adam step on fresh points and fresh STDE directions; returns the loss */
  step(): number;
  /** relative L2 error of the current parameters on held-out points */
  evaluate(): number;
  /** the initial least-squares solve of the output layer when `lsq` is set and it has not run (the first step runs it) */
  solveInitial(): void;
  /** the current parameters (copies) */
  params(): Params;
}

/** The training loop's state: network, jitted value-and-grad, Adam with linear decay to 0 over `steps`. */
export function twoBodyTrainer(o: Omit<TrainOptions, 'log' | 'logEvery'>): TwoBodyTrainer {
  const { d, steps, op = 'poisson', method = 'stde-sparse', batch = 100, samples = 16, width = 128, depth = 4 } = o;
  const { lr = 1e-3, seed = 0, dtype = 'f32', testPoints = 2000, jit = true, loss: lossKind = 'biased', probes = 'rows' } = o;
  const { sample: sampleChunk = 2 ** 21, predict: predictChunk = 2 ** 24 } = o.chunks ?? {};
  if (lossKind !== 'biased' && lossKind !== 'unbiased')
    throw new Error(`trainTwoBody: loss must be 'biased' or 'unbiased', got '${String(lossKind)}'`);
  if (!twoBodyOps.includes(op)) throw new Error(`trainTwoBody: op must be one of ${twoBodyOps.join(', ')}, got '${op}'`);
  if (!twoBodyMethods.includes(method))
    throw new Error(`trainTwoBody: method must be one of ${twoBodyMethods.join(', ')}, got '${method}'`);
  if (probes !== 'rows' && probes !== 'tiled') throw new Error(`trainTwoBody: probes must be 'rows' or 'tiled', got '${String(probes)}'`);
  const lsq = o.lsq ? lsqSettings(o.lsq, method, op) : null;
  const problem = twoBody(d, seed);
  const net = fx.nn.mlp({ layers: [d, ...Array<number>(depth - 1).fill(width), 1], activation: 'tanh', seed, dtype });
  const P = Math.min(samples, d);
  const rows = method === 'stde-sparse' && probes === 'rows';
  const weights = Array<number>(P).fill(method === 'stde-sparse' ? d / P : 1 / P);
  const loss = makeLoss(op, method, weights, lossKind, rows, !!lsq);
  const noDirs = fx.zeros([1, 1, d], dtype);
  const draws = lossKind === 'unbiased' ? 2 : 1;
  const lossAndGrad: StepLossAndGrad = (params, x, f, dirs) =>
    fx.valueAndGrad((ps: Params, ...a: fx.Tensor[]): [fx.Tensor, fx.Tensor[]] => loss(ps, a[0], a[1], a[2]), 0, { hasAux: true })(
      params,
      x,
      f,
      dirs,
    ) as unknown as [[fx.Tensor, fx.Tensor[]], Params];
  const decay = linearDecay({ lr, totalSteps: steps });
  let frozen = false; // the least-squares passes at the initial parameters run the step with learning rate 0
  // after the solve Adam restarts; its first updates are ~lr sign(g) on every weight, which at high d moves the first
  // layer's features as much as they vary and undoes the solve, so the restart warms the learning rate up linearly
  const warm = (t: number): number => (lsq ? Math.min(1, (t + 1) / (lsq.warmup + 1)) : 1);
  const schedule = (t: number): number => (frozen ? 0 : decay(t) * warm(t));
  // W1's gradient is dense, x^T da from the primal a = x W1 + b (the points are dense) plus the rows J from the
  // tangents, so every entry of W1 changes every step and Adam stays dense (a lazy/sparse Adam would not be Adam
  // here). In f32 it runs inside the compiled step (FusedAdam: parameters and both moments in the wasm arena, updated
  // in place by fused elementwise loops, no host copies); f64 and uncompiled runs use the host Adam on flat vectors.
  const opt =
    jit && dtype === 'f32'
      ? fusedStepper(new FusedAdam(lossAndGrad, net.params, { lr: schedule }), net.params)
      : hostAdam(net.params, jit ? fx.jit(lossAndGrad) : lossAndGrad, schedule, dtype);
  // The points and sources are made from the seed in chunks of sampleChunk coordinates by their own small compiled
  // graph (Box-Muller and the closed-form source have many [m, d] temporaries), into one reused host buffer.
  const sample = fx.jit(
    (U: fx.Tensor, r: fx.Tensor) => {
      const x = ballFromUniforms(U, r, d);
      return [x, problem.sourceTraced(op, x)];
    },
    { reuseOutputs: true }, // copied out at once: no fresh output arrays (paged in anew) per chunk
  );
  const xs = dtype === 'f32' ? new Float32Array(batch * d) : new Float64Array(batch * d);
  const fs = dtype === 'f32' ? new Float32Array(batch) : new Float64Array(batch);
  let s = 0;
  const pass = (): [fx.Tensor, fx.Tensor[]] => {
    let at = 0;
    streamBall(
      d,
      1_000_003 * (seed + 1) + s,
      0,
      batch,
      dtype,
      (U, r) => {
        const [xc, fc] = sample(U, r) as fx.Tensor[];
        xs.set(xc.dataSync(), at * d);
        fs.set(fc.dataSync(), at);
        at += xc.shape[0];
      },
      sampleChunk,
    );
    s++;
    const seeds = independentSeeds(s).slice(0, draws);
    let dirs: fx.Tensor;
    if (rows) dirs = fx.tensor(Int32Array.from(seeds.flatMap((r) => coordinateSample(d, { samples: P, rng: r }))), [draws, P], 'i32');
    else if (method === 'exact' || method === 'hessian') dirs = noDirs;
    else {
      const draw = (r: number): fx.Tensor =>
        method === 'stde-sparse'
          ? coordinateProbes(d, { samples: P, rng: r }, dtype).dirs
          : denseProbes(d, batch, { samples: P, rng: r }, dtype).dirs;
      dirs = fx.stack(seeds.map(draw));
    }
    // wrapped, not copied: the compiled step copies its inputs into the arena
    const x = new Tensor([batch, d], dtype, xs);
    const f = new Tensor([batch, 1], dtype, fs);
    return opt.step(x, f, dirs);
  };
  const system = lsq ? new OutputLsq(width + 1) : null;
  const addSystem = (aux: fx.Tensor[]): void => {
    const [J, t] = aux.map((a) => a.dataSync());
    const m = t.length / draws;
    const k = width + 1;
    if (draws === 1) (system as OutputLsq).add(J, t);
    else (system as OutputLsq).add(J.subarray(0, m * k), t.subarray(0, m), J.subarray(m * k), t.subarray(m));
  };
  let adamSteps = 0;
  const solve = (t0: number): void => {
    const sol = (system as OutputLsq).solve(opt.output(), lsq?.ridge);
    opt.setOutput(sol.theta);
    (system as OutputLsq).clear();
    o.onSolve?.({ step: adamSteps, before: sol.before, after: sol.after, rows: sol.rows, seconds: (performance.now() - t0) / 1000 });
  };
  let initialSolved = !lsq;
  const solveInitial = (): void => {
    if (initialSolved || !lsq) return;
    initialSolved = true;
    const t0 = performance.now();
    frozen = true;
    for (let i = 0; i < lsq.iterations; i++) {
      for (let b = 0; b < lsq.batches; b++) addSystem(pass()[1]);
      solve(t0);
    }
    frozen = false;
    opt.reset();
  };
  const step = (): number => {
    solveInitial();
    const t0 = performance.now();
    const [value, aux] = pass();
    adamSteps++;
    if (lsq && lsq.every > 0) {
      const phase = adamSteps % lsq.every;
      if (phase === 0 || phase > lsq.every - lsq.batches) addSystem(aux);
      if (phase === 0) solve(t0);
    }
    return value.item();
  };
  const current = (): Params => opt.params();
  const testSeed = -1 - seed * 7919; // a stream disjoint from training
  const testSample = fx.jit(
    (U: fx.Tensor, r: fx.Tensor) => {
      const x = ballFromUniforms(U, r, d);
      return [x, problem.uTraced(x)];
    },
    { reuseOutputs: true },
  );
  const predict = fx.jit((ps: Params, x: fx.Tensor) => fx.mul(fx.sub(1, fx.sum(fx.square(x), 1, true)), net.apply(ps, x)));
  // Test points stream: sampled in sampleChunk chunks, gathered into prediction calls of up to predictChunk
  // coordinates (W1 is copied in per call), the last call padded with zero rows so that one compiled signature
  // (one copy of W1 in the arena) serves them all.
  const evaluate = (): number => {
    const ps = current();
    let xg: Float32Array | Float64Array | null = null;
    let rows = 0;
    let filled = 0;
    const exact: number[] = [];
    const sums = { num: 0, den: 0 };
    const predictFilled = (): void => {
      const x = xg as Float32Array | Float64Array;
      const p = (predict(ps, new Tensor([rows, d], dtype, x.fill(0, filled * d))) as fx.Tensor).dataSync();
      exact.forEach((e, k) => {
        sums.num += (p[k] - e) ** 2;
        sums.den += e ** 2;
      });
      exact.length = 0;
      filled = 0;
    };
    streamBall(
      d,
      testSeed,
      0,
      testPoints,
      dtype,
      (U, r) => {
        const [x, u] = testSample(U, r) as fx.Tensor[];
        const m = u.shape[0];
        if (!xg) {
          rows = m * Math.max(1, Math.min(Math.ceil(testPoints / m), Math.floor(predictChunk / (m * d))));
          xg = dtype === 'f32' ? new Float32Array(rows * d) : new Float64Array(rows * d);
        }
        xg.set(x.dataSync(), filled * d);
        exact.push(...u.dataSync());
        filled += m;
        if (filled + m > rows) predictFilled();
      },
      sampleChunk,
    );
    if (filled) predictFilled();
    return Math.sqrt(sums.num / sums.den);
  };
  return { step, evaluate, solveInitial, params: current };
}

type StepLossAndGrad = (params: Params, x: fx.Tensor, f: fx.Tensor, dirs: fx.Tensor) => [[fx.Tensor, fx.Tensor[]], Params];

/** What the trainer needs of its Adam: a step (loss and the aux system), the output layer, a restart. */
interface Stepper {
  step(x: fx.Tensor, f: fx.Tensor, dirs: fx.Tensor): [fx.Tensor, fx.Tensor[]];
  params(): Params;
  /** theta = [W_L; b_L] */
  output(): Float64Array;
  setOutput(theta: ArrayLike<number>): void;
  /** moments zero, step count 0 */
  reset(): void;
}

/** The output layer from theta = [W_L; b_L]. */
function outputLayer(like: { W: fx.Tensor; b: fx.Tensor }, theta: ArrayLike<number>): { W: fx.Tensor; b: fx.Tensor } {
  const k = like.W.shape[0];
  const at = (from: number, to: number, shape: readonly number[]): fx.Tensor =>
    fx.tensor(
      Array.from({ length: to - from }, (_, i) => theta[from + i]),
      [...shape],
      like.W.dtype,
    );
  return { W: at(0, k, like.W.shape), b: at(k, k + 1, like.b.shape) };
}

const outputOf = (W: fx.Tensor, b: fx.Tensor): Float64Array => Float64Array.from([...W.dataSync(), ...b.dataSync()]);

/** FusedAdam as a Stepper: the output layer is read and written as two small leaves (W1 stays in the arena). */
function fusedStepper(adam: FusedAdam<Params, fx.Tensor[], fx.Tensor[]>, init: Params): Stepper {
  const last = init[init.length - 1];
  const ls = leaves(init);
  const [iW, iB] = [ls.indexOf(last.W), ls.indexOf(last.b)];
  return {
    step: (x, f, dirs) => adam.update(x, f, dirs),
    params: () => adam.params(),
    output: () => outputOf(adam.paramLeaves(iW, iW + 1)[0], adam.paramLeaves(iB, iB + 1)[0]),
    setOutput(theta) {
      const { W, b } = outputLayer(last, theta);
      adam.setParamLeaves(iW, [W]);
      adam.setParamLeaves(iB, [b]);
    },
    reset: () => adam.reset(),
  };
}

/** The host Adam on flat vectors (f64 runs, uncompiled runs): gradient out of the step, update, parameters back in. */
function hostAdam(init: Params, lossAndGrad: StepLossAndGrad, lr: (step: number) => number, dtype: 'f32' | 'f64'): Stepper {
  let opt = new Adam({ lr });
  let theta = flattenTree(init, dtype);
  let params = init;
  return {
    step(x, f, dirs) {
      const [[value, aux], grads] = lossAndGrad(params, x, f, dirs);
      opt.step(theta, flattenTree(grads, dtype));
      params = unflattenTree(init, theta);
      return [value, aux];
    },
    params: () => params,
    output: () => outputOf(params[params.length - 1].W, params[params.length - 1].b),
    setOutput(t) {
      params = [...params.slice(0, -1), outputLayer(params[params.length - 1], t)];
      theta = flattenTree(params, dtype);
    },
    reset: () => {
      opt = new Adam({ lr });
    },
  };
}

/** Checked least-squares settings (defaults: initial solve only, 4 batches, ridge 1e-6, 100 warm-up steps, 1 or 5 iterations). */
function lsqSettings(
  o: NonNullable<TrainOptions['lsq']>,
  method: TwoBodyMethod,
  op: TwoBodyOp,
): { every: number; batches: number; ridge: number; warmup: number; iterations: number } {
  // a linear operator's least squares is exact in one solve; a nonlinear one's Gauss-Newton takes a few
  const { every = 0, batches = 4, ridge = 1e-6, warmup = 100, iterations = op === 'poisson' ? 1 : 5 } = o;
  if (!Number.isInteger(iterations) || iterations < 1)
    throw new Error(`trainTwoBody: lsq.iterations must be an integer >= 1, got ${iterations}`);
  if (!Number.isInteger(warmup) || warmup < 0) throw new Error(`trainTwoBody: lsq.warmup must be an integer >= 0, got ${warmup}`);
  if (!Number.isInteger(every) || every < 0) throw new Error(`trainTwoBody: lsq.every must be an integer >= 0, got ${every}`);
  if (!Number.isInteger(batches) || batches < 1) throw new Error(`trainTwoBody: lsq.batches must be an integer >= 1, got ${batches}`);
  if (every > 0 && batches > every) throw new Error(`trainTwoBody: lsq.batches (${batches}) must be at most lsq.every (${every})`);
  if (!(ridge > 0)) throw new Error(`trainTwoBody: lsq.ridge must be positive, got ${ridge}`);
  if (method === 'hessian') throw new Error("trainTwoBody: lsq needs the features' Laplacians, which method 'hessian' does not give");
  return { every, batches, ridge, warmup, iterations };
}

/** Trains the ansatz with Adam (linear decay to 0) and returns the held-out relative L2 error. */
export function trainTwoBody(o: TrainOptions): TrainResult {
  const trainer = twoBodyTrainer(o);
  const logEvery = o.logEvery ?? 100;
  let last = NaN;
  const t0 = performance.now();
  for (let s = 1; s <= o.steps; s++) {
    last = trainer.step();
    if (o.log && (s % logEvery === 0 || s === o.steps)) o.log(s, last, (performance.now() - t0) / 1000);
  }
  const seconds = (performance.now() - t0) / 1000;
  return { l2re: trainer.evaluate(), finalLoss: last, seconds, stepsPerSecond: o.steps / seconds };
}

/** Peak resident memory and the wasm instance's memory (it only grows), in MB. */
export function memoryMB(): { rss: number; wasm: number } {
  return { rss: process.resourceUsage().maxRSS / 1024, wasm: (wasmKernels()?.memory.buffer.byteLength ?? 0) / 2 ** 20 };
}

function cli(): void {
  const arg = (name: string, fallback: string): string => {
    const i = process.argv.indexOf(`--${name}`);
    return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
  };
  const num = (name: string, fallback: number): number => {
    const v = Number(arg(name, String(fallback)));
    if (!Number.isFinite(v) || v <= 0) {
      console.error(`--${name} must be a positive number, got '${arg(name, '')}'`);
      process.exit(2);
    }
    return v;
  };
  const op = arg('op', 'poisson') as TwoBodyOp;
  const method = arg('method', 'stde-sparse') as TwoBodyMethod;
  const d = num('d', 100);
  const steps = num('steps', 1000);
  const evalEvery = Number(arg('eval-every', '0'));
  const target = Number(arg('target', '0'));
  const dtype = process.argv.includes('--f64') ? 'f64' : 'f32';
  console.log(`two-body ${op}, d = ${d}, ${method}, ${steps} steps (${dtype}, backend ${fx.getBackend()})`);
  const options: Omit<TrainOptions, 'log' | 'logEvery'> = {
    d,
    steps,
    op,
    method,
    samples: num('samples', 16),
    batch: num('batch', 100),
    lr: num('lr', 1e-3),
    testPoints: num('test-points', d >= 1e5 ? 200 : 2000),
    seed: Number(arg('seed', '0')),
    dtype,
    jit: !process.argv.includes('--no-jit'),
    loss: arg('loss', 'biased') as 'biased' | 'unbiased',
    lsq: process.argv.includes('--no-lsq')
      ? undefined
      : {
          every: Number(arg('lsq-every', '0')),
          batches: Number(arg('lsq-batches', '4')),
          ridge: Number(arg('lsq-ridge', '1e-6')),
          warmup: Number(arg('lsq-warmup', '100')),
          iterations: Number(arg('lsq-iterations', op === 'poisson' ? '1' : '5')),
        },
    onSolve: (r) =>
      console.log(
        `least-squares output layer after ${r.step} Adam steps: loss ${r.before.toExponential(3)} -> ${r.after.toExponential(3)} ` +
          `on ${r.rows} residuals (${r.seconds.toFixed(1)} s)`,
      ),
  };
  let trainer: TwoBodyTrainer;
  try {
    trainer = twoBodyTrainer(options);
  } catch (e) {
    console.error((e as Error).message);
    process.exit(2);
  }
  const logEvery = num('log-every', 100);
  const t0 = performance.now();
  const seconds = () => (performance.now() - t0) / 1000;
  let l2 = NaN;
  let s = 1;
  if (options.lsq && evalEvery > 0) {
    trainer.solveInitial();
    const tEval = performance.now();
    l2 = trainer.evaluate();
    const mem = memoryMB();
    console.log(
      `step 0  ${seconds().toFixed(1)} s  peak RSS ${mem.rss.toFixed(0)} MB  wasm ${mem.wasm.toFixed(0)} MB  relative L2 ${l2.toExponential(3)} ` +
        `(evaluation ${((performance.now() - tEval) / 1000).toFixed(1)} s, included)`,
    );
    if (target > 0 && l2 <= target) {
      console.log(`reached relative L2 <= ${target} at step 0 (the least-squares output layer), ${seconds().toFixed(1)} s`);
      s = 0;
    }
  }
  for (; s > 0 && s <= steps; s++) {
    const loss = trainer.step();
    const mem = memoryMB();
    const at = `step ${s}  ${seconds().toFixed(1)} s  ${(s / seconds()).toFixed(3)} it/s  peak RSS ${mem.rss.toFixed(0)} MB  wasm ${mem.wasm.toFixed(0)} MB`;
    if (s % logEvery === 0 || s === steps) console.log(`${at}  loss ${loss.toExponential(3)}`);
    if (evalEvery > 0 && (s % evalEvery === 0 || s === steps)) {
      const tEval = performance.now();
      l2 = trainer.evaluate();
      console.log(`${at}  relative L2 ${l2.toExponential(3)} (evaluation ${((performance.now() - tEval) / 1000).toFixed(1)} s, included)`);
      if (target > 0 && l2 <= target) {
        console.log(`reached relative L2 <= ${target} at step ${s}, ${seconds().toFixed(1)} s`);
        break;
      }
    }
  }
  if (!(evalEvery > 0)) l2 = trainer.evaluate();
  const mem = memoryMB();
  console.log(
    `relative L2 error ${l2.toExponential(3)}, ${(Math.min(s, steps) / seconds()).toFixed(3)} it/s, ${seconds().toFixed(1)} s, ` +
      `peak RSS ${mem.rss.toFixed(0)} MB, wasm memory ${mem.wasm.toFixed(0)} MB`,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) cli();
