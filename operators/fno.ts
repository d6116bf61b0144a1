// Fourier neural operators (Li et al. 2021) in 1D and 2D, channels-first like the reference code:
// lift (a(x), x) pointwise to `width` channels, L Fourier layers v <- act(K v + W v), project with two
// pointwise linears. Every weight acts on functions, not grid points, so a trained FNO evaluates at any
// resolution whose spectrum holds its modes (zero-shot super-resolution).
import type { Tensor } from '../core/tensor.js';
import * as ops from '../core/ops.js';
import { ShapeError } from '../core/errors.js';
import { fmt } from '../core/shape.js';
import type { DType } from '../core/dtype.js';
import { checkPositiveInt, paramKey, pointwiseInit, uniformTensor, type PointwiseParams } from './init.js';
import { spectralConv1dPointsFirst, spectralConv2d } from './spectral.js';
import { gridCoords } from './data.js';

export interface FnoOptions {
  /** 1 or 2 spatial dimensions */
  dim: 1 | 2;
  /** Fourier modes kept per axis (FNO paper: 16 in 1D, 12 in 2D) */
  modes: number;
  /** channels of the Fourier layers (paper: 64 in 1D, 32 in 2D) */
  width: number;
  /** number of Fourier layers (paper: 4) */
  layers?: number;
  /** input function channels (default 1; grid coordinates are appended automatically) */
  inChannels?: number;
  outChannels?: number;
  /** hidden width of the projection (paper: 128) */
  projection?: number;
  /** zero padding appended along each spatial axis for non-periodic problems (paper Darcy: 9) */
  padding?: number;
  seed?: number;
  dtype?: DType;
}

export interface FourierLayerParams {
  /** complex spectral weights [Cin, Cout, modes, 2] in 1D; the kx >= 0 corner [Cin, Cout, m1, m2, 2] in 2D */
  spectral: Tensor;
  /** 2D only: the kx < 0 corner */
  spectral2?: Tensor;
  /** the pointwise W path */
  pointwise: PointwiseParams;
}

export interface FnoParams {
  lift: PointwiseParams;
  layers: FourierLayerParams[];
  proj1: PointwiseParams;
  proj2: PointwiseParams;
}

/** An operator network: input functions a [B, ...grid] (or [B, ...grid, cin]) on coords [...grid, dim]. */
export interface OperatorModel<P> {
  readonly params: P;
  apply(params: P, a: Tensor, coords: Tensor): Tensor;
  /** true if apply accepts grids of any size (FNO), false if the input is tied to fixed sensors (DeepONet) */
  readonly resolutionFree: boolean;
}

export interface Fno extends OperatorModel<FnoParams> {
  readonly options: Required<FnoOptions>;
  /** apply() on the periodic grid x_j = j/n of the input's own size */
  applyOnGrid(params: FnoParams, a: Tensor): Tensor;
}

/** Pointwise linear on channels-first data: x [B, Cin, ...S] -> [B, Cout, ...S]. */
export function pointwise(p: PointwiseParams, x: Tensor): Tensor {
  const [B, cin] = x.shape;
  const spatial = x.shape.slice(2);
  const cout = p.W.shape[0];
  const flat = ops.reshape(x, [B, cin, -1]);
  const y = ops.add(ops.matmul(p.W, flat), ops.reshape(p.b, [cout, 1]));
  return ops.reshape(y, [B, cout, ...spatial]);
}

/** Pointwise linear on channels-last data: x [..., Cin] -> [..., Cout], one GEMM over every point (and sample). */
export function pointwiseLast(p: PointwiseParams, x: Tensor): Tensor {
  const cin = x.shape[x.rank - 1];
  const y = ops.add(ops.matmul(ops.reshape(x, [-1, cin]), p.W, { transB: true }), p.b);
  return ops.reshape(y, [...x.shape.slice(0, -1), p.W.shape[0]]);
}

/** Spectral weights scale * U[0,1) for real and imaginary parts, scale = 1/(in*out), as in the reference. */
function spectralInit(shape: number[], seed: number, index: number, dtype: DType): Tensor {
  const scale = 1 / (shape[0] * shape[1]);
  return uniformTensor(shape, 0, scale, paramKey(seed, 1000 + index), dtype);
}

function resolveOptions(o: FnoOptions): Required<FnoOptions> {
  if (o.dim !== 1 && o.dim !== 2) throw new RangeError(`fno: dim must be 1 or 2, got ${String(o.dim)}`);
  const r: Required<FnoOptions> = {
    dim: o.dim,
    modes: o.modes,
    width: o.width,
    layers: o.layers ?? 4,
    inChannels: o.inChannels ?? 1,
    outChannels: o.outChannels ?? 1,
    projection: o.projection ?? 128,
    padding: o.padding ?? 0,
    seed: o.seed ?? 0,
    dtype: o.dtype ?? 'f32',
  };
  for (const k of ['modes', 'width', 'layers', 'inChannels', 'outChannels', 'projection'] as const) checkPositiveInt('fno', k, r[k]);
  if (!Number.isInteger(r.padding) || r.padding < 0) throw new RangeError(`fno: padding must be a non-negative integer, got ${r.padding}`);
  return r;
}

export function fno(options: FnoOptions): Fno {
  const o = resolveOptions(options);
  const { dim, modes, width, inChannels, outChannels, projection, seed, dtype } = o;
  const params: FnoParams = {
    lift: pointwiseInit(inChannels + dim, width, seed, 0, dtype),
    layers: Array.from({ length: o.layers }, (_, l) => {
      const shape = dim === 1 ? [width, width, modes, 2] : [width, width, modes, modes, 2];
      const layer: FourierLayerParams = {
        spectral: spectralInit(shape, seed, 2 * l, dtype),
        pointwise: pointwiseInit(width, width, seed, 1 + l, dtype),
      };
      if (dim === 2) layer.spectral2 = spectralInit(shape, seed, 2 * l + 1, dtype);
      return layer;
    }),
    proj1: pointwiseInit(width, projection, seed, 1 + o.layers, dtype),
    proj2: pointwiseInit(projection, outChannels, seed, 2 + o.layers, dtype),
  };

  const apply = (p: FnoParams, a: Tensor, coords: Tensor): Tensor => {
    const B = a.shape[0];
    const spatial = coords.shape.slice(0, -1);
    const single = a.rank === dim + 1;
    const channelsLast = single ? ops.reshape(a, [...a.shape, 1]) : a;
    if (
      coords.rank !== dim + 1 ||
      coords.shape[dim] !== dim ||
      channelsLast.rank !== dim + 2 ||
      channelsLast.shape.slice(1, -1).join() !== spatial.join() ||
      channelsLast.shape[dim + 1] !== inChannels
    ) {
      throw new ShapeError(
        'fno',
        `expected a [B, ${spatial.join(', ')}${inChannels > 1 ? `, ${inChannels}` : ''}] on coords [...grid, ${dim}], got a ${fmt(a.shape)} and coords ${fmt(coords.shape)}`,
      );
    }
    if (dim === 1) return apply1d(p, channelsLast, coords);
    const toFirst = [0, dim + 1, ...spatial.map((_, i) => i + 1)];
    const aFirst = ops.transpose(channelsLast, toFirst); // [B, cin, ...S]
    const grid = ops.broadcastTo(ops.reshape(ops.transpose(coords, [dim, ...spatial.map((_, i) => i)]), [1, dim, ...spatial]), [
      B,
      dim,
      ...spatial,
    ]);
    let v = pointwise(p.lift, ops.concat([aFirst, ops.cast(grid, a.dtype)], 1));
    const pad = o.padding;
    if (pad)
      v = ops.pad(
        v,
        v.shape.map(() => 0),
        v.shape.map((_, i) => (i >= 2 ? pad : 0)),
      );
    p.layers.forEach((layer, l) => {
      const k = spectralConv2d(v, layer.spectral, layer.spectral2 as Tensor);
      v = ops.add(k, pointwise(layer.pointwise, v));
      if (l < p.layers.length - 1) v = ops.gelu(v);
    });
    if (pad)
      v = ops.slice(
        v,
        v.shape.map(() => 0),
        v.shape.map((d, i) => (i >= 2 ? d - pad : d)),
      );
    const out = pointwise(p.proj2, ops.gelu(pointwise(p.proj1, v))); // [B, cout, ...S]
    if (outChannels === 1) return ops.reshape(out, [B, ...spatial]);
    return ops.transpose(out, [0, ...spatial.map((_, i) => i + 2), 1]);
  };

  // 1D runs grid points first, channels last ([n, B, C]): every pointwise linear is one GEMM over all n*B
  // points, and so are the spectral layers' DFTs (spectralConv1dPointsFirst)
  const apply1d = (p: FnoParams, a: Tensor, coords: Tensor): Tensor => {
    const [B, n] = a.shape;
    const grid = ops.broadcastTo(ops.reshape(ops.cast(coords, a.dtype), [n, 1, 1]), [n, B, 1]);
    let v = pointwiseLast(p.lift, ops.concat([ops.transpose(a, [1, 0, 2]), grid], 2)); // [n, B, width]
    const pad = o.padding;
    if (pad) v = ops.pad(v, [0, 0, 0], [pad, 0, 0]);
    p.layers.forEach((layer, l) => {
      v = ops.add(spectralConv1dPointsFirst(v, layer.spectral), pointwiseLast(layer.pointwise, v));
      if (l < p.layers.length - 1) v = ops.gelu(v);
    });
    if (pad) v = ops.slice(v, [0, 0, 0], [n, B, v.shape[2]]);
    const out = ops.transpose(pointwiseLast(p.proj2, ops.gelu(pointwiseLast(p.proj1, v))), [1, 0, 2]); // [B, n, cout]
    return outChannels === 1 ? ops.reshape(out, [B, n]) : out;
  };

  const applyOnGrid = (p: FnoParams, a: Tensor): Tensor => {
    const spatial = a.shape.slice(1, 1 + dim);
    const axis = Float64Array.from({ length: spatial[0] }, (_, j) => j / spatial[0]);
    if (dim === 2 && spatial[1] !== spatial[0]) throw new ShapeError('fno', `applyOnGrid needs a square grid, got ${fmt(a.shape)}`);
    return apply(p, a, gridCoords(spatial, axis, a.dtype));
  };

  return { params, apply, applyOnGrid, options: o, resolutionFree: true };
}
