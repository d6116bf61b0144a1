// The demo's training problem, free of any DOM: 1D Poisson u''(x) = -pi^2 sin(pi x) on [0, 1] with
// u(0) = u(1) = 0 (exact u = sin(pi x)), a small tanh MLP, exact second derivative by Taylor mode,
// Adam on the flat parameter vector, or (createWebGpuPoissonDemo) the whole Adam step as WGSL compute shaders with
// the parameters and moments resident on the GPU. The page (main.ts) drives step() in chunks and plots.
import { Tensor } from '../../core/tensor.js';
import * as ops from '../../core/ops.js';
import { jit, valueAndGrad } from '../../core/api.js';
import { laplacian } from '../../core/derivatives.js';
import { mlp, type MlpParams } from '../../nn/mlp.js';
import { Adam } from '../../optim/adam.js';
import { parseLr } from '../../optim/schedules.js';
import { flattenTree, unflattenTree } from '../../nn/flat.js';
import { leaves, unflatten, type PyTree } from '../../core/pytree.js';
import { adamConstants, adamLeaf, adamStepScalars, type AdamScalars } from '../../optim/fusedAdam.js';
import { disposeResident, type WebGpuBackend } from '../../core/backend/webgpu/index.js';

export interface PoissonDemoOptions {
  /** Interior collocation points (a uniform grid, fixed). */
  points?: number;
  /** Hidden layer widths. */
  hidden?: readonly number[];
  lr?: number;
  seed?: number;
  /** Weight of the boundary term. */
  boundaryWeight?: number;
  /** Points where the prediction is plotted and the relative L2 error measured. */
  plotPoints?: number;
}

export interface Evaluation {
  x: number[];
  u: number[];
  exact: number[];
  l2re: number;
}

export interface PoissonDemo {
  /** One Adam step; returns the loss evaluated at the parameters before the update. */
  step(): number;
  /** Prediction on the plot grid and its relative L2 error against sin(pi x). */
  evaluate(): Evaluation;
}

/** The same, where values come back from a GPU asynchronously (webgpu). */
export interface AsyncPoissonDemo {
  step(): Promise<number>;
  evaluate(): Promise<Evaluation>;
}

const column = (values: readonly number[]): Tensor => new Tensor([values.length, 1], 'f32', Float32Array.from(values));

export function grid(n: number, from: number, to: number): number[] {
  if (!Number.isInteger(n) || n < 2) throw new Error(`grid: n must be an integer >= 2, got ${n}`);
  return Array.from({ length: n }, (_, i) => from + ((to - from) * i) / (n - 1));
}

/** The problem: network, loss, plot grid and the relative L2 error of a prediction on it. */
function setup(o: PoissonDemoOptions) {
  const { points = 64, hidden = [32, 32], lr = 5e-3, seed = 0, boundaryWeight = 1, plotPoints = 101 } = o;
  if (!Number.isInteger(points) || points < 2) throw new Error(`createPoissonDemo points: expected an integer >= 2, got ${points}`);
  parseLr(lr, 'createPoissonDemo lr');
  const net = mlp({ layers: [1, ...hidden, 1], activation: 'tanh', seed });
  // Interior points strictly inside (0, 1); the residual is divided by pi^2 so both loss terms start O(1).
  const xs = grid(points + 2, 0, 1).slice(1, -1);
  const x = column(xs);
  const source = column(xs.map((v) => Math.sin(Math.PI * v)));
  const xb = column([0, 1]);
  const invPi2 = 1 / (Math.PI * Math.PI);
  const loss = (p: MlpParams): Tensor => {
    const uxx = ops.reshape(
      laplacian((z) => net.apply(p, z), x),
      [points, 1],
    );
    const residual = ops.add(ops.mul(uxx, invPi2), source);
    const boundary = net.apply(p, xb);
    return ops.add(ops.mean(ops.square(residual)), ops.mul(ops.mean(ops.square(boundary)), boundaryWeight));
  };
  const px = grid(plotPoints, 0, 1);
  const exact = px.map((v) => Math.sin(Math.PI * v));
  const evaluation = (u: ArrayLike<number>): Evaluation => {
    let num = 0,
      den = 0;
    exact.forEach((e, i) => {
      num += (u[i] - e) ** 2;
      den += e ** 2;
    });
    return { x: px, u: Array.from(u), exact, l2re: Math.sqrt(num / den) };
  };
  return { net, loss, lr, pxT: column(px), evaluation };
}

export function createPoissonDemo(o: PoissonDemoOptions = {}): PoissonDemo {
  const { net, loss, lr, pxT, evaluation } = setup(o);
  const lossAndGrad = jit(valueAndGrad(loss));
  const predict = jit((p: MlpParams, z: Tensor) => net.apply(p, z));
  let params = net.params;
  const vec = flattenTree(params, 'f32');
  const gvec = new Float32Array(vec.length);
  const adam = new Adam({ lr });

  return {
    step() {
      const [value, grads] = lossAndGrad(params);
      const l = (value as Tensor).dataSync()[0];
      flattenTree(grads as MlpParams, 'f32', gvec);
      adam.step(vec, gvec);
      params = unflattenTree(params, vec);
      return l;
    },
    evaluate: () => evaluation(predict(params, pxT).dataSync()),
  };
}

type AdamState = { p: MlpParams; m: MlpParams; v: MlpParams };

/**
 * The demo on a webgpu backend: loss, gradient and the Adam update (the formulas of optim/fusedAdam.ts) in one
 * compiled step whose parameters and moments stay in GPU buffers; each step reads back only its loss.
 */
export function createWebGpuPoissonDemo(gpu: WebGpuBackend, o: PoissonDemoOptions = {}): AsyncPoissonDemo {
  const { net, loss, lr, pxT, evaluation } = setup(o);
  const settings = new Adam({ lr }).settings;
  const k = adamConstants(settings);
  const step = gpu.jit((s: AdamState, scalars: AdamScalars): [Tensor, AdamState] => {
    const [value, g] = valueAndGrad(loss)(s.p) as [Tensor, MlpParams];
    const [p, gs, m, v] = [s.p, g, s.m, s.v].map((t) => leaves(t as unknown as PyTree));
    const upd = p.map((pi, i) => adamLeaf(pi, gs[i], m[i], v[i], scalars, settings));
    const tree = (j: number): MlpParams =>
      unflatten(
        s.p as unknown as PyTree,
        upd.map((u) => u[j]),
      ) as unknown as MlpParams;
    return [value, { p: tree(0), m: tree(1), v: tree(2) }];
  });
  const predict = gpu.jit((p: MlpParams, z: Tensor) => net.apply(p, z));
  const zeros = unflatten(
    net.params as unknown as PyTree,
    leaves(net.params as unknown as PyTree).map((t) => new Tensor(t.shape, 'f32', new Float32Array(t.size))),
  ) as unknown as MlpParams;
  let state: Parameters<typeof step>[0] = { p: net.params, m: zeros, v: zeros };
  let t = 0;
  return {
    async step() {
      t++;
      const [value, next] = step(state, { k, h: adamStepScalars(settings, t) });
      disposeResident(state);
      state = next;
      const l = (await value.data())[0];
      value.dispose();
      return l;
    },
    async evaluate() {
      const u = predict(state.p, pxT);
      const e = evaluation(await u.data());
      u.dispose();
      return e;
    },
  };
}
