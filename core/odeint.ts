// Neural ODEs (Chen et al. 2018): odeint integrates dy/dt = f(y, t, params) and is differentiable in y0 and
// params. With `adjoint` (the default) the forward pass runs adaptive Dormand-Prince on the host and the
// backward pass integrates the adjoint system backwards in time, so memory is O(1) in solver steps; without
// it, fixed-step RK4 is written in differentiable ops and backpropagated through (memory grows with steps).
import { Tensor, tensor } from './tensor.js';
import * as ops from './ops.js';
import { jit, vjp } from './api.js';
import { hostCall, solutionVjp } from './implicit.js';
import { leaves, unflatten, type PyTree } from './pytree.js';
import { dopri5, type Dopri5Stats } from './ode/dopri5.js';
import { sizeOf } from './shape.js';
import type { DType } from './dtype.js';

export interface OdeintOptions {
  /** 'dopri5' (adaptive, host; the default) or 'rk4' (fixed steps in differentiable ops, needs adjoint: false) */
  method?: 'dopri5' | 'rk4';
  rtol?: number;
  atol?: number;
  /** rk4: steps per interval between consecutive ts */
  steps?: number;
  /** gradients by the adjoint method (default true); false backpropagates through rk4's steps */
  adjoint?: boolean;
  /** accumulates the host integrator's work (forward and adjoint passes) */
  stats?: Dopri5Stats;
}

export type Dynamics<P extends PyTree> = (y: Tensor, t: Tensor, params: P) => Tensor;

/** The states at `ts`, stacked on a leading axis: [ts.length, ...y0.shape] (JAX's odeint). */
export function odeint<P extends PyTree>(
  f: Dynamics<P>,
  y0: Tensor,
  ts: readonly number[],
  params: P,
  options: OdeintOptions = {},
): Tensor {
  if (ts.length < 1 || ts.some((t, i) => !Number.isFinite(t) || (i > 0 && !(t > ts[i - 1])))) {
    throw new Error(`odeint: ts must be finite and strictly increasing, got [${ts.slice(0, 6).join(', ')}${ts.length > 6 ? ', ...' : ''}]`);
  }
  const adjoint = options.adjoint ?? true;
  const method = options.method ?? (adjoint ? 'dopri5' : 'rk4');
  if (method === 'rk4' && adjoint) throw new Error("odeint: method 'rk4' backpropagates through its steps: pass adjoint: false");
  if (method === 'dopri5' && !adjoint)
    throw new Error("odeint: adaptive 'dopri5' is differentiated by the adjoint method only: use method 'rk4' for adjoint: false");
  return method === 'rk4' ? rk4(f, y0, ts, params, options.steps ?? 10) : adjointOdeint(f, y0, ts, params, options);
}

function rk4<P extends PyTree>(f: Dynamics<P>, y0: Tensor, ts: readonly number[], params: P, steps: number): Tensor {
  const at = (t: number) => ops.scalar(t, y0.dtype);
  const out = [y0];
  let y = y0;
  for (let i = 1; i < ts.length; i++) {
    const h = (ts[i] - ts[i - 1]) / steps;
    for (let s = 0; s < steps; s++) {
      const t = ts[i - 1] + s * h;
      const k1 = f(y, at(t), params);
      const k2 = f(ops.add(y, ops.mul(k1, h / 2)), at(t + h / 2), params);
      const k3 = f(ops.add(y, ops.mul(k2, h / 2)), at(t + h / 2), params);
      const k4 = f(ops.add(y, ops.mul(k3, h)), at(t + h), params);
      y = ops.add(y, ops.mul(ops.add(ops.add(k1, k4), ops.mul(ops.add(k2, k3), 2)), h / 6));
    }
    out.push(y);
  }
  return ops.stack(out, 0);
}

/** A tree's structure without its values: params of the same structure share compiled dynamics. */
const structureOf = (t: PyTree): string =>
  t instanceof Tensor
    ? 'T'
    : Array.isArray(t)
      ? `[${t.map(structureOf).join(',')}]`
      : `{${Object.keys(t)
          .map((k) => `${k}:${structureOf((t as Record<string, PyTree>)[k])}`)
          .join(',')}}`;

type Compiled = { rhs: (...xs: Tensor[]) => Tensor | Tensor[]; augmented: (...xs: Tensor[]) => Tensor | Tensor[] };
const compiledCache = new WeakMap<object, Map<string, Compiled>>();

/**
 * The dynamics and the augmented (adjoint) dynamics, jitted once per (f, params structure) so repeated odeint
 * calls (every training step) reuse the compiled programs instead of tracing and compiling them again.
 */
function compiledDynamics<P extends PyTree>(f: Dynamics<P>, params: P): Compiled {
  let byStructure = compiledCache.get(f);
  if (!byStructure) compiledCache.set(f, (byStructure = new Map()));
  const key = structureOf(params);
  let c = byStructure.get(key);
  if (!c) {
    const fAt = (y: Tensor, t: Tensor, ps: Tensor[]) => f(y, t, unflatten(params, ps));
    c = {
      rhs: jit((y: Tensor, t: Tensor, ...ps: Tensor[]) => fAt(y, t, ps)),
      augmented: jit((y: Tensor, a: Tensor, t: Tensor, ...ps: Tensor[]) => {
        const [dy, pull] = vjp((yy: Tensor, ...pp: Tensor[]) => fAt(yy, t, pp), y, ...ps);
        return [dy, ...pull(a).map(ops.neg)];
      }),
    };
    byStructure.set(key, c);
  }
  return c;
}

function adjointOdeint<P extends PyTree>(f: Dynamics<P>, y0: Tensor, ts: readonly number[], params: P, o: OdeintOptions): Tensor {
  const tol = { rtol: o.rtol ?? 1e-6, atol: o.atol ?? 1e-8 };
  const shape = y0.shape;
  const n = sizeOf(shape);
  const dtype: DType = y0.dtype;
  const pLeaves = leaves(params);
  const pShapes = pLeaves.map((p) => p.shape);
  const np = pLeaves.reduce((s, p) => s + p.size, 0);
  const T = ts.length;
  const { rhs, augmented } = compiledDynamics(f, params);
  const asTensor = (v: Float64Array, s: readonly number[]) => tensor(dtype === 'f64' ? v : Float32Array.from(v), [...s], dtype);
  const hostParams = (ins: ArrayLike<number>[]) => pShapes.map((s, i) => asTensor(Float64Array.from(ins[i]), s));

  const forward = (yStart: Tensor, ...ps: Tensor[]) =>
    hostCall(
      'odeint',
      ([y00, ...pv]) => {
        const p = hostParams(pv);
        const fy = (t: number, y: Float64Array) =>
          Float64Array.from((rhs(asTensor(y, shape), ops.scalar(t, dtype), ...p) as Tensor).dataSync());
        const out = new Float64Array(T * n);
        let y: Float64Array = Float64Array.from(y00);
        out.set(y, 0);
        for (let i = 1; i < T; i++) {
          y = dopri5(fy, y, ts[i - 1], ts[i], tol, o.stats);
          out.set(y, i * n);
        }
        return dtype === 'f64' ? out : Float32Array.from(out);
      },
      [yStart, ...ps],
      { shape: [T, ...shape], dtype },
    );

  // backward: integrate (y, a, g) from t_{T-1} down to t_0 with da/dt = -a df/dy, dg/dt = -a df/dparams,
  // adding each observation's cotangent to a at its time and restarting y from the stored forward state
  const backward = (ys: Tensor, ct: Tensor, ...ps: Tensor[]) =>
    hostCall(
      'odeint adjoint',
      ([yv, cv, ...pv]) => {
        const p = hostParams(pv);
        const aug = (t: number, z: Float64Array) => {
          const outs = augmented(
            asTensor(z.subarray(0, n), shape),
            asTensor(z.subarray(n, 2 * n), shape),
            ops.scalar(t, dtype),
            ...p,
          ) as Tensor[];
          const r = new Float64Array(2 * n + np);
          let at = 0;
          for (const v of outs) {
            r.set(v.dataSync(), at);
            at += v.size;
          }
          return r;
        };
        const z = new Float64Array(2 * n + np);
        for (let i = T - 1; i >= 0; i--) {
          z.set(yv.slice(i * n, (i + 1) * n), 0);
          for (let j = 0; j < n; j++) z[n + j] += cv[i * n + j];
          if (i > 0) z.set(dopri5(aug, z, ts[i], ts[i - 1], tol, o.stats));
        }
        const res = z.subarray(n); // [a(t0), g]
        return dtype === 'f64' ? Float64Array.from(res) : Float32Array.from(res);
      },
      [ys, ct, ...ps],
      { shape: [n + np], dtype },
    );

  const solve = solutionVjp(forward, (ys, ps, ct) => {
    const flat = backward(ys, ct, ...ps);
    let at = n;
    return [
      ops.reshape(ops.sliceAxis(flat, 0, 0, n), [...shape]),
      ...pShapes.map((s) => ops.reshape(ops.sliceAxis(flat, 0, at, (at += sizeOf(s))), [...s])),
    ];
  });
  return solve(y0, ...pLeaves);
}
