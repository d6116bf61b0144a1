// Counter-based random draws: the values are a pure function of (key, index), on every backend.
import { ShapeError } from '../errors.js';
import type { DType } from '../dtype.js';
import { fmt, sizeOf, type Shape } from '../shape.js';
import { sampleInto, type Distribution } from '../random.js';
import type { PrimTable } from './types.js';
import { perExample } from './batching.js';

export interface RandomParams {
  random: { readonly dist: Distribution; readonly shape: Shape; readonly dtype: DType };
}

export const randomPrims: PrimTable<'random'> = {
  random: {
    name: 'random',
    // one independent draw per key; batched keys are rare (vmap over seeds), so a loop of draws is enough
    batch: perExample(),
    shape: ([key], p) => {
      if (key.shape.length !== 0) throw new ShapeError('random', `key must be a scalar, got ${fmt(key.shape)}`);
      return { shape: p.shape, dtype: p.dtype };
    },
    impl: ([key], _s, out, p) => sampleInto(p.dist, key[0], sizeOf(out.shape), out.dtype),
    diff: { kind: 'zero' },
  },
};
