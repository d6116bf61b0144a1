// Fully connected networks with seeded initialisation (Glorot by default).
import { type Tensor, zeros } from '../core/tensor.js';
import * as ops from '../core/ops.js';
import { initWeights, layerKey, type InitKind } from './init.js';
import type { DType } from '../core/dtype.js';

export type Activation = 'tanh' | 'sin' | 'gelu' | 'relu' | 'sigmoid' | 'swish' | 'linear';

export const activations: Record<Activation, (x: Tensor) => Tensor> = {
  tanh: ops.tanh,
  sin: ops.sin,
  gelu: ops.gelu,
  relu: ops.relu,
  sigmoid: ops.sigmoid,
  swish: (x) => ops.mul(x, ops.sigmoid(x)),
  linear: (x) => x,
};

// a type alias (not an interface) so parameter lists are assignable to PyTree
export type DenseParams = {
  W: Tensor; // [fanIn, fanOut]
  b: Tensor; // [fanOut]
};
export type MlpParams = DenseParams[];

export interface MlpOptions {
  /** widths including input and output, e.g. [2, 64, 64, 1] */
  layers: readonly number[];
  activation?: Activation;
  seed?: number;
  dtype?: DType;
  init?: InitKind;
}

export interface Mlp {
  params: MlpParams;
  apply(params: MlpParams, x: Tensor): Tensor;
}

/** Glorot (Xavier) weights for one layer, drawn from the counter-based generator with its own key. */
export function glorot(fanIn: number, fanOut: number, key: number, dtype: DType, kind: MlpOptions['init']): Tensor {
  return initWeights(kind ?? 'glorot-normal', fanIn, fanOut, key, dtype);
}

export function mlp(opts: MlpOptions): Mlp {
  const { layers, activation = 'tanh', seed = 0, dtype = 'f32', init = 'glorot-normal' } = opts;
  if (layers.length < 2 || layers.some((w) => !Number.isInteger(w) || w < 1)) {
    throw new Error(`mlp: layers must list at least two positive integer widths, got [${layers.join(',')}]`);
  }
  const act = activations[activation];
  if (!act) throw new Error(`mlp: activation '${activation}' is not one of ${Object.keys(activations).join(', ')}`);
  const params: MlpParams = [];
  for (let l = 0; l + 1 < layers.length; l++) {
    params.push({
      W: initWeights(init, layers[l], layers[l + 1], layerKey(seed, l), dtype),
      b: zeros([layers[l + 1]], dtype),
    });
  }
  const apply = (ps: MlpParams, x: Tensor): Tensor => {
    let h = x;
    ps.forEach((p, l) => {
      h = ops.add(ops.matmul(h, p.W), p.b);
      if (l < ps.length - 1) h = act(h);
    });
    return h;
  };
  return { params, apply };
}
