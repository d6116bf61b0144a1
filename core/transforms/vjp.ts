// Reverse mode: evaluate a graph forward, then pull cotangents back through the VJP rule table.
// Rules are written in primitives, so the backward pass can itself be traced and transformed again.
import { bind, bindInputs, read } from '../trace.js';
import { Var, type Graph, type Params } from '../ir.js';
import * as ops from '../ops.js';
import type { Tensor } from '../tensor.js';
import { activeVars, addMaybe, keptShape, unbroadcast } from './common.js';
import { fftAdjoints } from '../fft.js';

/** Cotangents of the inputs (null: zero / not differentiable), given the output cotangent. */
type VjpRule = (ct: Tensor, inputs: Tensor[], out: Tensor, p: Params) => Array<Tensor | null>;

const rules: Record<string, VjpRule> = {
  add: (ct) => [ct, ct],
  sub: (ct) => [ct, ops.neg(ct)],
  mul: (ct, [a, b]) => [ops.mul(ct, b), ops.mul(ct, a)],
  div: (ct, [, b], y) => [ops.div(ct, b), ops.neg(ops.div(ops.mul(ct, y), b))],
  max: (ct, [a, b]) => {
    const takeA = bind('ge', [a, b]);
    return [ops.where(takeA, ct, 0), ops.where(takeA, 0, ct)];
  },
  gt: () => [null, null],
  ge: () => [null, null],
  eq: () => [null, null],
  where: (ct, [c]) => [null, ops.where(c, ct, 0), ops.where(c, 0, ct)],
  stop_gradient: () => [null],
  neg: (ct) => [ops.neg(ct)],
  exp: (ct, _, y) => [ops.mul(ct, y)],
  log: (ct, [x]) => [ops.div(ct, x)],
  sin: (ct, [x]) => [ops.mul(ct, ops.cos(x))],
  cos: (ct, [x]) => [ops.neg(ops.mul(ct, ops.sin(x)))],
  tanh: (ct, _, y) => [ops.mul(ct, ops.sub(1, ops.square(y)))],
  sqrt: (ct, _, y) => [ops.div(ops.mul(ct, 0.5), y)],
  powc: (ct, [x], _, p) => {
    const e = p.exponent as number;
    return [ops.mul(ct, ops.mul(ops.pow(x, e - 1), e))];
  },
  cast: (ct, [x]) => [x.dtype === 'i32' ? null : ops.cast(ct, x.dtype)],
  broadcast: (ct, [x]) => [unbroadcast(ct, x.shape)],
  reshape: (ct, [x]) => [ops.reshape(ct, x.shape)],
  transpose: (ct, _, __, p) => [ops.transpose(ct, invert(p.perm as number[]))],
  reduce_sum: (ct, [x], _, p) => [ops.broadcastTo(ops.reshape(ct, keptShape(x.shape, p.axes as number[])), x.shape)],
  reduce_max: (ct, [x], y, p) => {
    const kept = keptShape(x.shape, p.axes as number[]);
    const isMax = bind('eq', [x, ops.broadcastTo(ops.reshape(y, kept), x.shape)]);
    return [ops.where(isMax, ops.broadcastTo(ops.reshape(ct, kept), x.shape), 0)];
  },
  matmul: (ct, [a, b], _, p) => {
    // C = op(A) op(B): dA = ct op(B)^T (transposed back if A was), dB = op(A)^T ct (likewise)
    const da = p.transA ? bind('matmul', [b, ct], { transA: p.transB, transB: true }) : bind('matmul', [ct, b], { transA: false, transB: !p.transB });
    const db = p.transB ? bind('matmul', [ct, a], { transA: true, transB: p.transA }) : bind('matmul', [a, ct], { transA: !p.transA, transB: false });
    return [da, db];
  },
  concat: (ct, inputs, _, p) => {
    const axis = p.axis as number;
    let from = 0;
    return inputs.map((x) => {
      const part = ops.sliceAxis(ct, axis, from, from + x.shape[axis]);
      from += x.shape[axis];
      return part;
    });
  },
  slice: (ct, [x], _, p) => {
    const start = p.start as number[];
    const size = p.shape as number[];
    return [ops.pad(ct, start, x.shape.map((d, i) => d - start[i] - size[i]))];
  },
  pad: (ct, [x], _, p) => [ops.slice(ct, p.before as number[], x.shape)],
  gather: (ct, [x, idx], _, p) => [bind('scatter_add', [idx, ct], { axis: p.axis, size: x.shape[p.axis as number] }), null],
  scatter_add: (ct, [idx], _, p) => [null, bind('gather', [ct, idx], { axis: p.axis })],
  rfft: (ct, [x]) => [fftAdjoints.rfft(ct, x.shape[x.rank - 1])],
  irfft: (ct, _, __, p) => [fftAdjoints.irfft(ct, p.size as number)],
  fft: (ct) => [fftAdjoints.fft(ct)],
  ifft: (ct) => [fftAdjoints.ifft(ct)],
  random: () => [null],
};

function invert(perm: readonly number[]): number[] {
  const inv = new Array<number>(perm.length);
  perm.forEach((q, i) => (inv[q] = i));
  return inv;
}

export interface Linearized {
  outs: Tensor[];
  /** cotangents of the explicit inputs for the given output cotangents (null = zero) */
  pullback(cts: ReadonlyArray<Tensor | null>): Array<Tensor | null>;
}

/** Runs g forward on `args` and returns its outputs with the pullback. `wrt` selects differentiated inputs. */
export function vjpGraph(g: Graph, args: readonly Tensor[], wrt?: readonly boolean[]): Linearized {
  const env = bindInputs(g, args);
  for (const e of g.eqns) env.set(e.out, bind(e.prim, e.inputs.map((a) => read(env, a)), e.params));
  const active = activeVars(g, wrt);
  const outs = g.outputs.map((a) => read(env, a));

  const pullback = (cts: ReadonlyArray<Tensor | null>): Array<Tensor | null> => {
    const ctEnv = new Map<Var, Tensor>();
    const accumulate = (v: Var, ct: Tensor | null): void => {
      const sum = addMaybe(ctEnv.get(v), ct);
      if (sum) ctEnv.set(v, sum);
    };
    g.outputs.forEach((a, i) => {
      if (a instanceof Var && active.has(a)) accumulate(a, cts[i]);
    });
    for (let k = g.eqns.length - 1; k >= 0; k--) {
      const e = g.eqns[k];
      const ct = ctEnv.get(e.out);
      if (!ct || !active.has(e.out)) continue;
      ctEnv.delete(e.out); // free as we go
      const rule = rules[e.prim];
      if (!rule) throw new Error(`vjp: no rule for primitive '${e.prim}'`);
      const ins = e.inputs.map((a) => read(env, a));
      rule(ct, ins, read(env, e.out), e.params).forEach((c, i) => {
        const a = e.inputs[i];
        if (a instanceof Var && active.has(a)) accumulate(a, c);
      });
    }
    return g.inputs.map((v) => ctEnv.get(v) ?? null);
  };
  return { outs, pullback };
}

export const hasVjpRule = (prim: string): boolean => prim in rules;
