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
  /**
   * K > 0 feeds the trunk [y, cos(2 pi k y), sin(2 pi k y)] for k = 1..K per coordinate (a feature expansion
   * against the spectral bias of a tanh trunk on periodic targets); trunk[0] is then d (1 + 2K).
   */
  trunkFeatures?: number;
  seed?: number;
  dtype?: DType;
}

/** [P, d] -> [P, d (1 + 2K)]: the coordinates followed by their Fourier features. */
export function fourierFeatures(y: Tensor, K: number): Tensor {
  if (!K) return y;
  const k = new Tensor(
    [1, 1, K],
    y.dtype,
    y.dtype === 'f32'
      ? Float32Array.from({ length: K }, (_, i) => 2 * Math.PI * (i + 1))
      : Float64Array.from({ length: K }, (_, i) => 2 * Math.PI * (i + 1)),
  );
  const phase = ops.reshape(ops.mul(ops.reshape(y, [...y.shape, 1]), k), [y.shape[0], -1]); // [P, d K]
  return ops.concat([y, ops.cos(phase), ops.sin(phase)], 1);
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
    throw new RangeError(
      `deeponet: branch [${branch.join(',')}] and trunk [${trunk.join(',')}] must have at least two widths each and the same last width`,
    );
  }
  const act = activations[activation];
  if (!act) throw new RangeError(`deeponet: activation '${activation}' is not one of ${Object.keys(activations).join(', ')}`);
  const b = mlp({ layers: branch, activation: branchActivation, seed: 2 * seed + 1, dtype, init: 'glorot-normal' });
  const t = mlp({ layers: trunk, activation, seed: 2 * seed + 2, dtype, init: 'glorot-normal' });
  const params: DeepOnetParams = { branch: b.params, trunk: t.params, bias: zeros([], dtype) };
  const K = o.trunkFeatures ?? 0;
  if (!Number.isInteger(K) || K < 0) throw new RangeError(`deeponet: trunkFeatures must be a non-negative integer, got ${K}`);
  if (trunk[0] % (1 + 2 * K) !== 0)
    throw new RangeError(`deeponet: trunk input width ${trunk[0]} must be d (1 + 2 trunkFeatures) = d x ${1 + 2 * K}`);
  const m = branch[0];
  const d = trunk[0] / (1 + 2 * K);

  const evaluate = (p: DeepOnetParams, a: Tensor, y: Tensor): Tensor => {
    if (a.rank !== 2 || a.shape[1] !== m || y.rank !== 2 || y.shape[1] !== d) {
      throw new ShapeError(
        'deeponet',
        `expected sensor values a [B, ${m}] and queries y [P, ${d}], got ${fmt(a.shape)} and ${fmt(y.shape)}`,
      );
    }
    const bk = b.apply(p.branch, a); // [B, p]
    const tk = act(t.apply(p.trunk, fourierFeatures(ops.cast(y, a.dtype), K))); // [P, p]
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
