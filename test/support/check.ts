// Numerical checks shared by the core tests: finite differences and relative errors, in f64.
// the core entry only, so the cases also bundle for the browser (test/viewer/gpuWebgl.test.ts)
import * as fx from '../../core/index.js';

export const t64 = (data: number[] | number[][], shape?: number[]): fx.Tensor => fx.tensor(data as number[], shape, 'f64');

/** Deterministic f64 tensor with entries in [lo, hi). */
export function rand64(shape: number[], seed: number, lo = -1, hi = 1): fx.Tensor {
  const u = fx.random.uniform(seed, shape, 'f64').dataSync();
  return fx.tensor(
    Float64Array.from(u, (v) => lo + (hi - lo) * v),
    shape,
    'f64',
  );
}

/** ||a - b|| / max(||b||, floor): norm-wise relative error. */
export function relErr(a: ArrayLike<number>, b: ArrayLike<number>, floor = 1e-12): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < b.length; i++) {
    num += (a[i] - b[i]) ** 2;
    den += b[i] ** 2;
  }
  return Math.sqrt(num) / Math.max(Math.sqrt(den), floor);
}

/** max |a - b| / max(max |b|, floor): the error relative to the field's scale (entries near zero do not blow it up). */
export function scaledErr(a: ArrayLike<number>, b: ArrayLike<number>, floor = 1e-300): number {
  let e = 0;
  let s = 0;
  for (let i = 0; i < b.length; i++) {
    e = Math.max(e, Math.abs(a[i] - b[i]));
    s = Math.max(s, Math.abs(b[i]));
  }
  return e / Math.max(s, floor);
}

/** x with entry i shifted by h (a fresh tensor). */
export function shifted(x: fx.Tensor, i: number, h: number): fx.Tensor {
  const b = Float64Array.from(x.dataSync());
  b[i] += h;
  return fx.tensor(b, [...x.shape], 'f64');
}

/** Central-difference gradient of a scalar function of several tensors, w.r.t. input `which`. */
export function fdGrad(f: (...xs: fx.Tensor[]) => number, xs: fx.Tensor[], which: number, h = 1e-6, entries?: number[]): number[] {
  const idx = entries ?? [...Array(xs[which].size).keys()];
  return idx.map((i) => {
    const plus = xs.map((x, k) => (k === which ? shifted(x, i, h) : x));
    const minus = xs.map((x, k) => (k === which ? shifted(x, i, -h) : x));
    return (f(...plus) - f(...minus)) / (2 * h);
  });
}

/** Central-difference directional derivative of a tensor function: (f(x+ht) - f(x-ht)) / 2h. */
export function fdDirectional(f: (...xs: fx.Tensor[]) => fx.Tensor, xs: fx.Tensor[], ts: fx.Tensor[], h = 1e-6): Float64Array {
  const step = (s: number) => xs.map((x, k) => fx.add(x, fx.mul(ts[k], s)));
  const a = f(...step(h)).dataSync();
  const b = f(...step(-h)).dataSync();
  return Float64Array.from(a, (v, i) => (v - b[i]) / (2 * h));
}

/** f() with `backend` as the current backend, the previous one restored afterwards. */
export function onBackend<T>(backend: fx.BackendName, f: () => T): T {
  const before = fx.getBackend() as fx.BackendName;
  fx.setBackend(backend);
  try {
    return f();
  } finally {
    fx.setBackend(before);
  }
}
