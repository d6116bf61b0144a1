// The demo's training problem, free of any DOM: 1D Poisson u''(x) = -pi^2 sin(pi x) on [0, 1] with
// u(0) = u(1) = 0 (exact u = sin(pi x)), a small tanh MLP, exact second derivative by Taylor mode,
// Adam on the flat parameter vector. The page (main.ts) drives step() in chunks and plots.
import { Tensor } from '../../core/tensor.js';
import * as ops from '../../core/ops.js';
import { jit, valueAndGrad } from '../../core/api.js';
import { laplacian } from '../../core/derivatives.js';
import { mlp, type MlpParams } from '../../nn/mlp.js';
import { Adam } from '../../optim/adam.js';
import { parseLr } from '../../optim/schedules.js';
import { flattenTree, unflattenTree } from '../../nn/flat.js';

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

export interface PoissonDemo {
  /** One Adam step; returns the loss evaluated at the parameters before the update. */
  step(): number;
  /** Prediction on the plot grid and its relative L2 error against sin(pi x). */
  evaluate(): { x: number[]; u: number[]; exact: number[]; l2re: number };
}

const column = (values: readonly number[]): Tensor => new Tensor([values.length, 1], 'f32', Float32Array.from(values));

export function grid(n: number, from: number, to: number): number[] {
  if (!Number.isInteger(n) || n < 2) throw new Error(`grid: n must be an integer >= 2, got ${n}`);
  return Array.from({ length: n }, (_, i) => from + ((to - from) * i) / (n - 1));
}

export function createPoissonDemo(o: PoissonDemoOptions = {}): PoissonDemo {
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
  const lossAndGrad = jit(valueAndGrad(loss));
  const predict = jit((p: MlpParams, z: Tensor) => net.apply(p, z));
  let params = net.params;
  const vec = flattenTree(params, 'f32');
  const gvec = new Float32Array(vec.length);
  const adam = new Adam({ lr });
  const px = grid(plotPoints, 0, 1);
  const pxT = column(px);
  const exact = px.map((v) => Math.sin(Math.PI * v));

  return {
    step() {
      const [value, grads] = lossAndGrad(params);
      const l = (value as Tensor).dataSync()[0];
      flattenTree(grads as MlpParams, 'f32', gvec);
      adam.step(vec, gvec);
      params = unflattenTree(params, vec);
      return l;
    },
    evaluate() {
      const u = Array.from(predict(params, pxT).dataSync());
      let num = 0,
        den = 0;
      u.forEach((v, i) => {
        num += (v - exact[i]) ** 2;
        den += exact[i] ** 2;
      });
      return { x: px, u, exact, l2re: Math.sqrt(num / den) };
    },
  };
}
