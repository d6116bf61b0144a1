// Spectral-layer primitives (FNO): the truncated real DFT of channels-last signals, laid out so that the
// complex channel mixing that follows is one batched GEMM per mode with no transposes, and the real block
// form of complex mixing weights. All four are linear; each pair are each other's transposes.
import { ShapeError } from '../errors.js';
import { allocate, type TypedArray } from '../dtype.js';
import type { Aval } from '../ir.js';
import { fmt, sizeOf, type Shape } from '../shape.js';
import * as k from '../kernels/spectral.js';
import type { BatchRule, NoParams, PrimTable } from './types.js';
import { moveAxis, perExample } from './batching.js';

export interface SpectralParams {
  /**
   * x [n, ...rest] -> [modes, 2, ...rest]: bins 0..modes-1 of the real DFT along the leading axis ((re, im)
   * planes per bin), each scaled by 1 or, `weighted`, by irfft's t_k / n. Its transpose is irdft_modes with the
   * same `weighted`. Along the leading axis the transform is one GEMM [2m, n] x [n, rest] (or FFTs across rest).
   */
  rdft_modes: { readonly modes: number; readonly weighted: boolean };
  /** X [m, 2, ...rest] -> [size, ...rest]: sum over bins of scale_k (re cos - im sin); weighted, irfft of the m lowest bins */
  irdft_modes: { readonly size: number; readonly weighted: boolean };
  /** w [Cin, Cout, K, 2] complex -> [K, 2Cin, 2Cout], the real block [[wr, wi], [-wi, wr]] per mode */
  complex_block: NoParams;
  /** the transpose of complex_block: [K, 2Cin, 2Cout] -> [Cin, Cout, K, 2] */
  complex_block_t: NoParams;
}

const float = (op: string, a: Aval): void => {
  if (a.dtype === 'i32') throw new ShapeError(op, 'expected a float tensor');
};

/** Each primitive's evaluation writes straight into its output buffer; impl allocates one for it. */
function withImpl<P>(place: (ins: readonly TypedArray[], shapes: readonly Shape[], out: Aval, p: P, dst: TypedArray) => void) {
  return {
    place,
    impl: (ins: TypedArray[], shapes: Shape[], out: Aval, p: P): TypedArray => {
      const res = allocate(out.dtype, sizeOf(out.shape));
      place(ins, shapes, out, p, res);
      return res;
    },
  };
}

/** vmap: the example axis goes behind the transformed one, and back in front of the result. */
const rdftBatch: BatchRule<SpectralParams['rdft_modes']> = (lax, [x], c) => moveAxis(lax, c.same([moveAxis(lax, x, 0, 1)]), 2, 0);
const irdftBatch: BatchRule<SpectralParams['irdft_modes']> = (lax, [x], c) => moveAxis(lax, c.same([moveAxis(lax, x, 0, 2)]), 1, 0);
const rest = (s: Shape, from: number): number => sizeOf(s.slice(from));

export const spectralPrims: PrimTable<keyof SpectralParams> = {
  rdft_modes: {
    name: 'rdft_modes',
    batch: rdftBatch, // one input, so it is always the batched one
    shape: ([a], { modes }) => {
      float('rdft_modes', a);
      const n = a.shape[0];
      if (a.shape.length < 1 || !Number.isInteger(modes) || modes < 1 || modes > (n >> 1) + 1) {
        throw new ShapeError('rdft_modes', `expected x [n, ...] and 1 <= modes <= n/2 + 1, got ${fmt(a.shape)} and modes ${modes}`);
      }
      return { shape: [modes, 2, ...a.shape.slice(1)], dtype: a.dtype };
    },
    ...withImpl<SpectralParams['rdft_modes']>(([x], [s], _out, { modes, weighted }, dst) =>
      k.rdftModes(x, s[0], rest(s, 1), modes, weighted, dst),
    ),
    diff: {
      kind: 'linear',
      in: 'all',
      transpose: (lax, ct, [x], { weighted }) => [lax.bind('irdft_modes', [ct], { size: x.shape[0], weighted })],
    },
  },
  irdft_modes: {
    name: 'irdft_modes',
    batch: irdftBatch,
    shape: ([a], { size }) => {
      float('irdft_modes', a);
      const m = a.shape[0];
      if (a.shape.length < 2 || a.shape[1] !== 2 || !Number.isInteger(size) || m > (size >> 1) + 1) {
        throw new ShapeError('irdft_modes', `expected X [m, 2, ...] with m <= size/2 + 1, got ${fmt(a.shape)} and size ${size}`);
      }
      return { shape: [size, ...a.shape.slice(2)], dtype: a.dtype };
    },
    ...withImpl<SpectralParams['irdft_modes']>(([x], [s], _out, { size, weighted }, dst) =>
      k.irdftModes(x, size, rest(s, 2), s[0], weighted, dst),
    ),
    diff: {
      kind: 'linear',
      in: 'all',
      transpose: (lax, ct, [x], { weighted }) => [lax.bind('rdft_modes', [ct], { modes: x.shape[0], weighted })],
    },
  },
  complex_block: {
    name: 'complex_block',
    batch: perExample(),
    shape: ([a]) => {
      float('complex_block', a);
      const [cin, cout, K, two] = a.shape;
      if (a.shape.length !== 4 || two !== 2) throw new ShapeError('complex_block', `expected w [Cin, Cout, K, 2], got ${fmt(a.shape)}`);
      return { shape: [K, 2 * cin, 2 * cout], dtype: a.dtype };
    },
    ...withImpl<SpectralParams['complex_block']>(([w], [[cin, cout, K]], _out, _p, dst) => k.complexBlock(w, cin, cout, K, dst)),
    diff: { kind: 'linear', in: 'all', transpose: (lax, ct) => [lax.bind('complex_block_t', [ct], {})] },
  },
  complex_block_t: {
    name: 'complex_block_t',
    batch: perExample(),
    shape: ([a]) => {
      float('complex_block_t', a);
      const [K, cin2, cout2] = a.shape;
      if (a.shape.length !== 3 || cin2 % 2 || cout2 % 2) {
        throw new ShapeError('complex_block_t', `expected g [K, 2Cin, 2Cout], got ${fmt(a.shape)}`);
      }
      return { shape: [cin2 / 2, cout2 / 2, K, 2], dtype: a.dtype };
    },
    ...withImpl<SpectralParams['complex_block_t']>(([g], [[K, cin2, cout2]], _out, _p, dst) =>
      k.complexBlockT(g, cin2 / 2, cout2 / 2, K, dst),
    ),
    diff: { kind: 'linear', in: 'all', transpose: (lax, ct) => [lax.bind('complex_block', [ct], {})] },
  },
};
