// A neural ODE (Chen et al. 2018) learning a vector field from trajectories, the setting of torchdiffeq's
// examples/ode_demo.py: the spiral dy/dt = (y^3) A (row vector y, elementwise cube), A = [[-0.1, 2], [-2, -0.1]],
// y0 = [2, 0], observed at 1000 points of t in [0, 25]. The model is dy/dt = MLP(y^3), 2-50-2 tanh with N(0, 0.1^2)
// weights, trained through fx.odeint's adjoint method on batches of 20 segments of 10 observations each with the
// demo's L1 loss. Variants: Adam (lr 0.01, cosine decay to 1e-4) instead of RMSprop (lr 1e-3), f64, and 1000 steps
// instead of 2000. The fit error is the relative L2 error of the whole trajectory predicted from y0 (not of the
// training segments), before and after training: the spiral turns about 30 radians over [0, 25], so a 1% error in
// the learned rotation rate already costs about 0.3 of it. The memory comparison is the compiled working memory of
// one batch gradient by the adjoint method against RK4 unrolled and backpropagated (bench/arena.ts).
// Run: nice -n 15 npx tsx examples/ode/neuralOde.ts [--steps N]   (about a minute)
import { pathToFileURL } from 'node:url';
import * as fx from '../../index.js';
import { Adam, cosineDecay } from '../../optim/index.js';
import { flattenTree, unflattenTree } from '../../nn/index.js';
import { gradArenaBytes } from '../../bench/arena.js';
import { mdTable } from '../../bench/markdown.js';

const A = fx.tensor([-0.1, 2.0, -2.0, -0.1], [2, 2], 'f64');
/** The true dynamics on a batch of row states [B, 2]. */
export const spiral = (y: fx.Tensor): fx.Tensor => fx.matmul(fx.pow(y, 3), A);

export interface SpiralData {
  ts: number[];
  /** the true states at ts, [ts.length, 2] row-major */
  ys: Float64Array;
  y0: fx.Tensor;
}

/** The true trajectory from y0 = [2, 0] at `points` equally spaced times of [0, tEnd], solved to rtol 1e-10. */
export function spiralData(points = 1000, tEnd = 25): SpiralData {
  const ts = Array.from({ length: points }, (_, i) => (tEnd * i) / (points - 1));
  const y0 = fx.tensor([2, 0], [1, 2], 'f64');
  const ys = fx.odeint((y) => spiral(y), y0, ts, {}, { rtol: 1e-10, atol: 1e-12 });
  return { ts, ys: Float64Array.from(ys.dataSync()), y0 };
}

/** dy/dt = MLP(y^3): the cube as torchdiffeq's demo feeds it, so the network only has to learn a linear-ish map. */
export function spiralModel(width = 50, seed = 0) {
  const net = fx.nn.mlp({ layers: [2, width, 2], activation: 'tanh', seed, dtype: 'f64' });
  // the demo's initialisation, N(0, 0.1^2) weights and zero biases: Glorot's larger weights saturate tanh at |y^3| = 8
  const params = net.params.map(({ W, b }, l) => ({ W: fx.mul(fx.random.normal(fx.nn.layerKey(seed, l), W.shape, 'f64'), 0.1), b }));
  const f = (y: fx.Tensor, _t: fx.Tensor, p: fx.nn.MlpParams) => net.apply(p, fx.pow(y, 3));
  return { params, f };
}

export interface NeuralOdeOptions {
  steps?: number;
  /** segments per batch */
  batchSize?: number;
  /** observations per segment */
  batchTime?: number;
  lr?: number;
  seed?: number;
  width?: number;
  rtol?: number;
  atol?: number;
  /** called every `logEvery` steps with the batch loss and the current parameters */
  log?: (step: number, loss: number, params: fx.nn.MlpParams) => void;
  logEvery?: number;
}

/** A batch of `batchSize` segments: their first states [B, 2] and their observations [batchTime, B, 2]. */
export function segmentBatch(data: SpiralData, starts: readonly number[], batchTime: number): { y0: fx.Tensor; target: fx.Tensor } {
  const at = (i: number) => [data.ys[2 * i], data.ys[2 * i + 1]];
  const B = starts.length;
  return {
    y0: fx.tensor(starts.flatMap(at), [B, 2], 'f64'),
    target: fx.tensor(Array.from({ length: batchTime }, (_, k) => starts.flatMap((s) => at(s + k))).flat(), [batchTime, B, 2], 'f64'),
  };
}

/** The L1 misfit of the model's segments from their observed starts (torchdiffeq's demo loss). */
export function segmentLoss(
  f: ReturnType<typeof spiralModel>['f'],
  ts: readonly number[],
  batch: { y0: fx.Tensor; target: fx.Tensor },
  options: fx.OdeintOptions,
) {
  return (p: fx.nn.MlpParams) => fx.mean(fx.abs(fx.sub(fx.odeint(f, batch.y0, ts, p, options), batch.target)));
}

/** Relative L2 error of the model's whole trajectory from y0 against the true one. */
export function trajectoryError(data: SpiralData, f: ReturnType<typeof spiralModel>['f'], p: fx.nn.MlpParams): number {
  const pred = fx.odeint(f, data.y0, data.ts, p, { rtol: 1e-7, atol: 1e-9 }).dataSync();
  let num = 0;
  let den = 0;
  for (let i = 0; i < data.ys.length; i++) {
    num += (pred[i] - data.ys[i]) ** 2;
    den += data.ys[i] ** 2;
  }
  return Math.sqrt(num / den);
}

export interface NeuralOdeResult {
  before: number;
  after: number;
  params: fx.nn.MlpParams;
  seconds: number;
  /** host integrator work of the training (forward and adjoint passes) */
  stats: fx.Dopri5Stats;
}

/** Adam on the segment loss, gradients by the adjoint method; fit error of the whole trajectory before and after. */
export function trainNeuralOde(data: SpiralData, o: NeuralOdeOptions = {}): NeuralOdeResult {
  const { steps = 1000, batchSize = 20, batchTime = 10, lr = 0.01, seed = 0, width = 50, rtol = 1e-6, atol = 1e-8 } = o;
  if (batchTime >= data.ts.length) throw new Error(`trainNeuralOde: batchTime ${batchTime} needs more than ${data.ts.length} observations`);
  const model = spiralModel(width, seed);
  const before = trajectoryError(data, model.f, model.params);
  const segTs = data.ts.slice(0, batchTime); // uniform observations: every segment shares these times
  const stats: fx.Dopri5Stats = { steps: 0, rejected: 0, evaluations: 0 };
  const rng = new fx.Rng(seed + 1);
  const theta = flattenTree(model.params, 'f64');
  const adam = new Adam({ lr: cosineDecay({ lr, totalSteps: steps, minLr: lr / 100 }) });
  const t0 = performance.now();
  for (let it = 1; it <= steps; it++) {
    const batch = segmentBatch(data, rng.choose(data.ts.length - batchTime, batchSize), batchTime);
    const loss = segmentLoss(model.f, segTs, batch, { rtol, atol, stats });
    const [value, grad] = fx.valueAndGrad(loss)(unflattenTree(model.params, theta)) as [fx.Tensor, fx.nn.MlpParams];
    adam.step(theta, flattenTree(grad, 'f64'));
    if (o.log && it % (o.logEvery ?? 50) === 0) o.log(it, value.item(), unflattenTree(model.params, theta));
  }
  const seconds = (performance.now() - t0) / 1e3;
  const params = unflattenTree(model.params, theta);
  return { before, after: trajectoryError(data, model.f, params), params, seconds, stats };
}

export interface GradientMemoryRow {
  label: string;
  arenaKiB: number;
  /** relative difference of the parameter gradient from the finest unrolled one */
  relDiff: number;
}

/**
 * Working memory of one batch gradient wrt the MLP parameters: the adjoint method (plus the program it runs for each
 * evaluation of the adjoint dynamics, a vjp of f, also independent of the number of steps) against RK4 unrolled.
 */
export function gradientMemory(
  data: SpiralData,
  params: fx.nn.MlpParams,
  batchTime = 10,
  rkSteps: readonly number[] = [2, 8],
): GradientMemoryRow[] {
  const model = { ...spiralModel(), params };
  const segTs = data.ts.slice(0, batchTime);
  const batch = segmentBatch(data, new fx.Rng(7).choose(data.ts.length - batchTime, 20), batchTime);
  const leavesLoss = (options: fx.OdeintOptions) => {
    const loss = segmentLoss(model.f, segTs, batch, options);
    return (...ls: fx.Tensor[]) => loss(fx.unflatten(model.params, ls));
  };
  const ps = fx.leaves(model.params);
  const gradOf = (options: fx.OdeintOptions) =>
    flattenTree(
      fx.grad(
        leavesLoss(options),
        ps.map((_, i) => i),
      )(...ps) as fx.Tensor[],
      'f64',
    );
  const adjointOpts = { rtol: 1e-9, atol: 1e-11 };
  const rk = rkSteps.map((s) => ({ s, opts: { adjoint: false, steps: s } }));
  const ref = gradOf(rk[rk.length - 1].opts);
  const diff = (g: Float64Array) => Math.hypot(...g.map((v, i) => v - ref[i])) / Math.hypot(...ref);
  // one evaluation of the adjoint dynamics: a^T df/d(y, params) at a state batch
  const cot = fx.random.normal(3, batch.y0.shape, 'f64');
  const vjpKiB =
    gradArenaBytes((y, ...ls) => fx.sum(fx.mul(cot, model.f(y, fx.scalar(0, 'f64'), fx.unflatten(model.params, ls)))), [batch.y0, ...ps]) /
    1024;
  return [
    {
      label: 'adjoint (dopri5, rtol 1e-9)',
      arenaKiB: gradArenaBytes(leavesLoss(adjointOpts), ps) / 1024,
      relDiff: diff(gradOf(adjointOpts)),
    },
    { label: '  + its per-evaluation vjp program', arenaKiB: vjpKiB, relDiff: Number.NaN },
    ...rk.map(({ s, opts }) => ({
      label: `RK4 unrolled, ${s} steps per interval`,
      arenaKiB: gradArenaBytes(leavesLoss(opts), ps) / 1024,
      relDiff: diff(gradOf(opts)),
    })),
  ];
}

function cli(): void {
  const i = process.argv.indexOf('--steps');
  const steps = i >= 0 ? Number(process.argv[i + 1]) : 1000;
  if (!Number.isInteger(steps) || steps < 1) throw new Error(`--steps must be a positive integer, got ${process.argv[i + 1]}`);
  const data = spiralData();
  const r = trainNeuralOde(data, { steps, log: (it, l) => console.log(`step ${it}: batch L1 loss ${l.toExponential(3)}`) });
  console.log(`\nspiral neural ODE, 2-50-2 tanh on y^3, ${steps} Adam steps of 20 segments x 10 observations, f64, seed 0`);
  console.log(
    mdTable(
      ['', 'relative L2 error of the trajectory on [0, 25]'],
      [
        ['before training', r.before.toFixed(4)],
        ['after training', r.after.toFixed(4)],
      ],
    ),
  );
  console.log(
    `${r.seconds.toFixed(1)} s of training; host integrator: ${r.stats.steps} accepted steps, ${r.stats.rejected} rejected, ${r.stats.evaluations} evaluations\n`,
  );
  const mem = gradientMemory(data, r.params);
  console.log('one batch gradient wrt the 252 MLP parameters (at the trained ones): compiled working memory (wasm arena)');
  console.log(
    mdTable(
      ['method', 'working memory (KiB)', 'gradient difference from RK4 x8'],
      mem.map((m) => [m.label, m.arenaKiB.toFixed(1), Number.isNaN(m.relDiff) ? '' : m.relDiff.toExponential(2)]),
    ),
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) cli();
