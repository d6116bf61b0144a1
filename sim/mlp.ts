/**
 * The one-hidden-layer tanh controller network every simulator's controller uses (DiffTaichi nn1/nn2):
 * out = tanh(W2 tanh(W1 u + b1) + b2). Parameters live in one flat vector: W1 (nHidden x nIn, row-major), b1,
 * W2 (nOut x nHidden), b2; Glorot-normal weights and zero biases, seeded.
 */
import * as fx from '../core/index.js';
import type { Tensor } from '../core/index.js';
import type { FloatDType } from '../core/dtype.js';
import { Mulberry32 } from '../core/random.js';

export interface MlpShape {
  nIn: number;
  nHidden: number;
  nOut: number;
}

export function mlpParamCount(s: MlpShape): number {
  return s.nHidden * s.nIn + s.nHidden + s.nOut * s.nHidden + s.nOut;
}

/** Glorot-normal weights (std sqrt(2 / (fanIn + fanOut))), zero biases, seeded. */
export function initMlp(s: MlpShape, seed: number): Float64Array {
  const rng = new Mulberry32(seed);
  const p = new Float64Array(mlpParamCount(s));
  const s1 = Math.sqrt(2 / (s.nIn + s.nHidden));
  const s2 = Math.sqrt(2 / (s.nHidden + s.nOut));
  const w1 = s.nHidden * s.nIn;
  for (let i = 0; i < w1; i++) p[i] = rng.normal() * s1;
  const w2 = w1 + s.nHidden;
  for (let i = 0; i < s.nOut * s.nHidden; i++) p[w2 + i] = rng.normal() * s2;
  return p;
}

/** The network on a batch of inputs u [B, nIn] -> [B, nOut], params flat as initMlp lays them out. */
export function applyMlp(s: MlpShape, params: Tensor, u: Tensor): Tensor {
  let at = 0;
  const take = (shape: number[]): Tensor => {
    const size = shape.reduce((a, b) => a * b, 1);
    const t = fx.reshape(fx.slice(params, [at], [size]), shape);
    at += size;
    return t;
  };
  const w1 = take([s.nHidden, s.nIn]);
  const b1 = take([s.nHidden]);
  const w2 = take([s.nOut, s.nHidden]);
  const b2 = take([s.nOut]);
  const h = fx.tanh(fx.add(fx.matmul(u, w1, { transB: true }), b1));
  return fx.tanh(fx.add(fx.matmul(h, w2, { transB: true }), b2));
}

/** The phase clock: sin(omega t dt + 2 pi k / nSin), k < nSin, for a step index t (a scalar of the offsets' dtype) -> [nSin]. */
export function phaseClock(t: Tensor, omega: number, dt: number, offsets: Tensor): Tensor {
  return fx.sin(fx.add(fx.mul(fx.mul(t, omega), dt), offsets));
}

/** The clock's phase offsets 2 pi k / nSin as a constant [nSin] of the program's dtype (f32 on the gpu backend). */
export function phaseOffsets(nSin: number, dtype: FloatDType): Tensor {
  return fx.tensor(
    Float64Array.from({ length: nSin }, (_, k) => (2 * Math.PI * k) / nSin),
    [nSin],
    dtype,
  );
}
