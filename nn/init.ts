// Seeded weight initialisation: Glorot (Xavier) and He (Kaiming), normal or uniform, each layer drawn
// from the counter-based generator under its own key.
import { Tensor } from '../core/tensor.js';
import { sampleInto } from '../core/random.js';
import type { DType } from '../core/dtype.js';

export type InitKind = 'glorot-normal' | 'glorot-uniform' | 'he-normal' | 'he-uniform';
export const INIT_KINDS: readonly InitKind[] = ['glorot-normal', 'glorot-uniform', 'he-normal', 'he-uniform'];

/** A [fanIn, fanOut] weight matrix: normal kinds scale N(0, 1) by std, uniform ones map U(0, 1) to [-a, a]. */
export function initWeights(kind: InitKind, fanIn: number, fanOut: number, key: number, dtype: DType): Tensor {
  const n = fanIn * fanOut;
  // Glorot keeps the variance of activations and gradients (2 / (fanIn + fanOut)); He that of ReLU nets (2 / fanIn)
  const fan = kind === 'glorot-normal' || kind === 'glorot-uniform' ? fanIn + fanOut : fanIn;
  switch (kind) {
    case 'glorot-uniform':
    case 'he-uniform': {
      const a = Math.sqrt(6 / fan);
      const u = sampleInto('uniform', key, n, dtype);
      for (let i = 0; i < n; i++) u[i] = (2 * u[i] - 1) * a;
      return new Tensor([fanIn, fanOut], dtype, u);
    }
    case 'glorot-normal':
    case 'he-normal': {
      const std = Math.sqrt(2 / fan);
      const g = sampleInto('normal', key, n, dtype);
      for (let i = 0; i < n; i++) g[i] *= std;
      return new Tensor([fanIn, fanOut], dtype, g);
    }
    default: {
      const never: never = kind;
      throw new Error(`init: expected one of ${INIT_KINDS.join(', ')}, got '${String(never)}'`);
    }
  }
}

/**
 * Key of weight matrix j of a network with seed `seed`. Stream 0 is nn.mlp's own sequence (so an mlp built
 * through buildNetwork draws the very same weights); other streams (gates, factorizations, Fourier features)
 * are separate, decorrelated sequences.
 */
export function layerKey(seed: number, j: number, stream = 0): number {
  const base = (seed * 7919 + j * 104729) | 0;
  return stream === 0 ? base : (base ^ Math.imul(stream, 0x9e3779b1)) | 0;
}
