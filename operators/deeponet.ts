// Unstacked DeepONet (Lu et al. 2021): G(a)(y) = sum_k b_k(a(x_1..x_m)) t_k(y) + b0, with a branch MLP on
// the sensor values and a trunk MLP on query coordinates (activated output, as in DeepXDE).
import { Tensor } from '../core/tensor.js';
import * as ops from '../core/ops.js';
import { ShapeError } from '../core/errors.js';
import { fmt } from '../core/shape.js';
import { zeros } from '../core/tensor.js';
import { mlp, activations, type Activation, type MlpParams } from '../nn/mlp.js';
import type { DType } from '../core/dtype.js';
import type { OperatorModel } from './fno.js';

export interface DeepOnetOptions {
  /** branch widths, first = number of sensors m, last = latent size p */
  branch: number[];
  /** trunk widths, first = coordinate dimension d, last = p */
  trunk: number[];
  activation?: Activation;
  /** branch activation when it should differ (e.g. 'linear' for operators linear in the input) */
  branchActivation?: Activation;
  seed?: number;
  dtype?: DType;
}

export type DeepOnetParams = {
  branch: MlpParams;
  trunk: MlpParams;
  bias: Tensor;
};

export interface DeepOnet extends OperatorModel<DeepOnetParams> {
  /** branch input a [B, m], queries y [P, d] -> [B, P] */
  evaluate(params: DeepOnetParams, a: Tensor, y: Tensor): Tensor;
}

export function deeponet(o: DeepOnetOptions): DeepOnet {
  const { branch, trunk, activation = 'tanh', seed = 0, dtype = 'f32' } = o;
  const branchActivation = o.branchActivation ?? activation;
  if (branch.length < 2 || trunk.length < 2 || branch[branch.length - 1] !== trunk[trunk.length - 1]) {
    throw new RangeError(`deeponet: branch [${branch.join(',')}] and trunk [${trunk.join(',')}] must have at least two widths each and the same last width`);
  }
  const act = activations[activation];
  if (!act) throw new RangeError(`deeponet: activation '${activation}' is not one of ${Object.keys(activations).join(', ')}`);
  const b = mlp({ layers: branch, activation: branchActivation, seed: 2 * seed + 1, dtype, init: 'glorot-normal' });
  const t = mlp({ layers: trunk, activation, seed: 2 * seed + 2, dtype, init: 'glorot-normal' });
  const params: DeepOnetParams = { branch: b.params, trunk: t.params, bias: zeros([], dtype) };
  const m = branch[0];
  const d = trunk[0];

  const evaluate = (p: DeepOnetParams, a: Tensor, y: Tensor): Tensor => {
    if (a.rank !== 2 || a.shape[1] !== m || y.rank !== 2 || y.shape[1] !== d) {
      throw new ShapeError('deeponet', `expected sensor values a [B, ${m}] and queries y [P, ${d}], got ${fmt(a.shape)} and ${fmt(y.shape)}`);
    }
    const bk = b.apply(p.branch, a); // [B, p]
    const tk = act(t.apply(p.trunk, ops.cast(y, a.dtype))); // [P, p]
    return ops.add(ops.matmul(bk, tk, { transB: true }), p.bias);
  };
  // OperatorModel form: the input function sampled at the m sensors, queries = every grid point
  const apply = (p: DeepOnetParams, a: Tensor, coords: Tensor): Tensor => {
    const spatial = coords.shape.slice(0, -1);
    const out = evaluate(p, ops.reshape(a, [a.shape[0], -1]), ops.reshape(coords, [-1, coords.shape[coords.rank - 1]]));
    return ops.reshape(out, [a.shape[0], ...spatial]);
  };
  return { params, apply, evaluate, resolutionFree: false };
}
