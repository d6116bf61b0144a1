/**
 * MLS-MPM state as core tensors, component-major so every per-particle quantity is a contiguous [N] row:
 * x, v: [d, N]; C, F: [d*d, N] (row-major entries); Jp: [N] (snow only). packState / unpackState give the
 * one-tensor form that fx.checkpoint and the host-driven stepper need; the particle-major conversions map to
 * the hand-written simulator's Float64Array layout [x (N d), v (N d), C (N d^2), F (N d^2), Jp (N)].
 */
import * as fx from '../../core/index.js';
import type { Tensor, DType } from '../../core/index.js';
import { stackRows } from './smallMat.js';

// a type alias, not an interface: object types without an index signature are pytrees only as aliases
export type MpmState = {
  x: Tensor;
  v: Tensor;
  C: Tensor;
  F: Tensor;
  /** plastic volume ratio (snow) */
  Jp?: Tensor;
};

export interface StateShape {
  dim: number;
  n: number;
  snow: boolean;
}

/** Rows per field, in state order. */
const fieldRows = (s: StateShape): number[] => [s.dim, s.dim, s.dim * s.dim, s.dim * s.dim, ...(s.snow ? [1] : [])];

/** Rows of the state (each [N]): 2 d + 2 d^2, plus Jp for snow. */
export const stateRows = (s: StateShape): number => fieldRows(s).reduce((a, r) => a + r, 0);

export const stateSize = (s: StateShape): number => stateRows(s) * s.n;

const leavesOf = (st: MpmState): Tensor[] => [st.x, st.v, st.C, st.F, ...(st.Jp ? [st.Jp] : [])];

function fromLeaves(ls: Tensor[], s: StateShape): MpmState {
  const st: MpmState = { x: ls[0], v: ls[1], C: ls[2], F: ls[3] };
  if (s.snow) st.Jp = fx.reshape(ls[4], [s.n]);
  return st;
}

/** The state as one flat tensor (component-major order). */
export const packState = (st: MpmState): Tensor => fx.concat(leavesOf(st).map((t) => fx.reshape(t, [-1])));

/** The state from its rows, each an [N] tensor, in packState's order (no slicing: the step reads the rows themselves). */
export function stateFromRows(rs: readonly Tensor[], s: StateShape): MpmState {
  let at = 0;
  const ls = fieldRows(s).map((r) => {
    const t = stackRows(rs.slice(at, at + r));
    at += r;
    return t;
  });
  return fromLeaves(ls, s);
}

export function unpackState(flat: Tensor, s: StateShape): MpmState {
  let at = 0;
  const ls = fieldRows(s).map((r) => {
    const t = fx.reshape(fx.slice(flat, [at], [r * s.n]), [r, s.n]);
    at += r * s.n;
    return t;
  });
  return fromLeaves(ls, s);
}

/** From the hand-written simulator's layout (sim/mpm: particle-major fields). */
export function fromParticleMajor(flat: Float64Array, s: StateShape, dtype: DType = 'f64'): MpmState {
  let at = 0;
  const ls = fieldRows(s).map((r) => {
    const part = fx.tensor(flat.slice(at, at + r * s.n), [s.n, r], dtype);
    at += r * s.n;
    return fx.transpose(part);
  });
  return fromLeaves(ls, s);
}

/** To the hand-written simulator's layout. */
export function toParticleMajor(st: MpmState): Float64Array {
  const ls = leavesOf(st).map((t) => (t.rank === 1 ? t : fx.transpose(t)).dataSync());
  const out = new Float64Array(ls.reduce((a, t) => a + t.length, 0));
  let at = 0;
  for (const t of ls) {
    out.set(t, at);
    at += t.length;
  }
  return out;
}
