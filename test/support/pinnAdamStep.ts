// One PINN training step written entirely in tensor ops, so a compiled backend keeps it on its device:
// value-and-grad of a 2D Poisson residual (exact Laplacian by Taylor jets) and an Adam update of the
// parameters and moments. Shared by the webgpu parity page, its Node-side wasm reference and bench/webgpu.ts.
// Core-only imports: it bundles for a browser tab.
import * as fx from '../../core/index.js';
import { mlp, type MlpParams } from '../../nn/mlp.js';

// a type alias, not an interface: it must be assignable to PyTree's index signature
export type AdamState = { params: MlpParams; m: MlpParams; v: MlpParams };

const B1 = 0.9;
const B2 = 0.999;
const LR = 1e-3;
const EPS = 1e-8;

export interface PinnProblem {
  state: AdamState;
  /** collocation points in [0, 1]^2 */
  x: fx.Tensor;
  /** the mean squared residual of lap(u) + 1 = 0 at x */
  loss: (p: MlpParams, x: fx.Tensor) => fx.Tensor;
  /** (state, x, lrT) -> [loss, next state]; lrT is the bias-corrected step size of this step (lrHat) */
  step: (s: AdamState, x: fx.Tensor, lrT: fx.Tensor) => [fx.Tensor, AdamState];
}

/** Adam's bias-corrected step size for step t = 1, 2, ... as a scalar f32 tensor input. */
export const lrHat = (t: number): fx.Tensor => fx.tensor([(LR * Math.sqrt(1 - B2 ** t)) / (1 - B1 ** t)], []);

export function pinnProblem(points: number, layers: number[]): PinnProblem {
  const net = mlp({ layers, seed: 4 });
  const zeros = fx.mapTree((p) => fx.zeros(p.shape), net.params);
  const loss = (p: MlpParams, x: fx.Tensor) =>
    fx.mean(
      fx.square(
        fx.add(
          fx.laplacian((z) => net.apply(p, z), x),
          1,
        ),
      ),
    );
  const step = (s: AdamState, x: fx.Tensor, lrT: fx.Tensor): [fx.Tensor, AdamState] => {
    const [value, grads] = fx.valueAndGrad((p: MlpParams) => loss(p, x))(s.params) as [fx.Tensor, MlpParams];
    const m = fx.mapTree((mi, g) => fx.add(fx.mul(mi, B1), fx.mul(g, 1 - B1)), s.m, grads);
    const v = fx.mapTree((vi, g) => fx.add(fx.mul(vi, B2), fx.mul(fx.square(g), 1 - B2)), s.v, grads);
    const params = fx.mapTree((p, mi, vi) => fx.sub(p, fx.div(fx.mul(mi, lrT), fx.add(fx.sqrt(vi), EPS))), s.params, m, v);
    return [value, { params, m, v }];
  };
  return { state: { params: net.params, m: zeros, v: zeros }, x: fx.random.uniform(3, [points, 2]), loss, step };
}
