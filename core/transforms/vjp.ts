// Reverse mode: evaluate a graph forward, then pull cotangents back through each primitive's rule
// (derived from its one definition of the derivative, core/prims/). Rules are written in primitives,
// so the backward pass can itself be traced and transformed again.
import { bindInputs, makeGraph, read, rebind } from '../trace.js';
import { Var, type Eqn, type Graph } from '../ir.js';
import * as ops from '../ops.js';
import { zeros, type Tensor } from '../tensor.js';
import { lax } from '../lax.js';
import { defOf } from '../prims/registry.js';
import type { CustomParams } from '../prims/custom.js';
import type { PrimParams } from '../prims/types.js';
import { activeVars, addMaybe } from './common.js';

type T = Tensor | null;

/** Input cotangents of one equation (null: zero or not differentiable). `saved`: what a custom fwd kept. */
function cotangents(e: Eqn, ct: Tensor, ins: Tensor[], out: Tensor, saved: Tensor[] | undefined): T[] {
  const diff = defOf(e.prim).diff;
  switch (diff.kind) {
    case 'linear':
      return diff.transpose(lax, ct, ins, e.params);
    case 'zero':
      return ins.map(() => null);
    case 'unary': {
      const [d1] = diff.derivatives(lax, ins[0], out, 1, e.params);
      return [d1 ? ops.mul(ct, d1) : null];
    }
    case 'binary':
      return diff.partials(lax, ins[0], ins[1]).map((d) => ops.mul(ct, d));
    case 'rules':
      return diff.vjp(lax, ct, ins, out, e.params);
    case 'custom':
      return customCotangents(e, ct, ins, saved);
  }
}

/** custom_vjp: the user's bwd on the residuals; custom_jvp: the transpose of its (linear) jvp rule. */
function customCotangents(e: Eqn, ct: Tensor, ins: Tensor[], saved: Tensor[] | undefined): T[] {
  if (e.prim === 'custom_vjp') {
    const p = e.params as CustomParams['custom_vjp'];
    const cts = p.bwd(saved ?? p.fwd(...ins)[1], ct);
    if (!Array.isArray(cts) || cts.length !== ins.length) {
      throw new Error(
        `customVjp '${p.name}': bwd must return one cotangent (or null) per input (${ins.length}), got ${Array.isArray(cts) ? cts.length : typeof cts}`,
      );
    }
    return cts;
  }
  // the jvp is linear in the tangents, so its vjp with respect to them (at zero) is its transpose
  const p = e.params as CustomParams['custom_jvp'];
  const zeros = ins.map((x) => ops.zerosLike(x));
  const tangentMap = makeGraph(
    (...ts) => p.jvp(ins, ts)[1],
    zeros.map((z) => ({ shape: z.shape, dtype: z.dtype })),
  );
  return vjpGraph(tangentMap, zeros).pullback([ct]);
}

export interface Linearized {
  outs: Tensor[];
  /** cotangents of the explicit inputs for the given output cotangents (null = zero) */
  pullback(cts: ReadonlyArray<T>): T[];
}

/** Runs g forward on `args` and returns its outputs with the pullback. `wrt` selects differentiated inputs. */
export function vjpGraph(g: Graph, args: readonly Tensor[], wrt?: readonly boolean[]): Linearized {
  const env = bindInputs(g, args);
  const active = activeVars(g, wrt);
  const residuals = new Map<Eqn, Tensor[]>();
  for (const e of g.eqns) {
    const ins = e.inputs.map((a) => read(env, a));
    if (e.prim === 'custom_vjp' && active.has(e.out)) {
      // the user's forward pass, keeping its residuals for the backward one
      const [y, saved] = (e.params as CustomParams['custom_vjp']).fwd(...ins);
      env.set(e.out, y);
      residuals.set(e, saved);
    } else env.set(e.out, rebind(e, ins));
  }
  const outs = g.outputs.map((a) => read(env, a));

  const onlySliced = slicedOnly(g);
  const pullback = (cts: ReadonlyArray<T>): T[] => {
    const ctEnv = new Map<Var, Tensor>();
    const accumulate = (v: Var, ct: T): void => {
      const sum = addMaybe(ctEnv.get(v), ct);
      if (sum) ctEnv.set(v, sum);
    };
    // cotangents of slices, held until their input's cotangent is read: row slices that tile it are joined by
    // one concat instead of a zero-padded full copy per slice summed (a state unpacked into rows, say). Only for
    // values read by slices alone: with other reads too, the sum keeps its order (and so its rounding)
    const pending = new Map<Var, PendingSlice[]>();
    const settle = (v: Var): Tensor | undefined => {
      const parts = pending.get(v);
      if (parts) {
        pending.delete(v);
        accumulate(v, joinSlices(v, parts));
      }
      return ctEnv.get(v);
    };
    g.outputs.forEach((a, i) => {
      if (a instanceof Var && active.has(a)) accumulate(a, cts[i]);
    });
    for (let k = g.eqns.length - 1; k >= 0; k--) {
      const e = g.eqns[k];
      const ct = settle(e.out);
      if (!ct || !active.has(e.out)) continue;
      ctEnv.delete(e.out); // free as we go
      const x = e.inputs[0];
      if (e.prim === 'slice' && x instanceof Var && onlySliced.has(x)) {
        if (active.has(x)) pending.set(x, [...(pending.get(x) ?? []), { start: (e.params as PrimParams['slice']).start, ct }]);
        continue;
      }
      const ins = e.inputs.map((a) => read(env, a));
      cotangents(e, ct, ins, read(env, e.out), residuals.get(e)).forEach((c, i) => {
        const a = e.inputs[i];
        if (a instanceof Var && active.has(a)) accumulate(a, c);
      });
    }
    return g.inputs.map((v) => settle(v) ?? null);
  };
  return { outs, pullback };
}

interface PendingSlice {
  start: readonly number[];
  ct: Tensor;
}

/**
 * The cotangent of v from those of its slices: a concat along axis 0 (zeros in the gaps) when the slices are whole
 * rows of v and do not overlap, else the sum of each slice's transpose (its zero-padded copy).
 */
function joinSlices(v: Var, parts: PendingSlice[]): Tensor {
  const rows = (p: PendingSlice): boolean => p.ct.shape.every((d, a) => a === 0 || (p.start[a] === 0 && d === v.shape[a]));
  const sorted = [...parts].sort((a, b) => a.start[0] - b.start[0]);
  const disjoint = sorted.every((p, i) => i === 0 || sorted[i - 1].start[0] + sorted[i - 1].ct.shape[0] <= p.start[0]);
  if (v.shape.length === 0 || !parts.every(rows) || !disjoint) {
    return parts
      .map((p) =>
        ops.pad(
          p.ct,
          p.start,
          v.shape.map((d, a) => d - p.start[a] - p.ct.shape[a]),
        ),
      )
      .reduce((a, b) => ops.add(a, b));
  }
  const pieces: Tensor[] = [];
  let at = 0;
  const gap = (to: number): void => {
    if (to > at) pieces.push(zeros([to - at, ...v.shape.slice(1)], v.dtype));
  };
  for (const p of sorted) {
    gap(p.start[0]);
    pieces.push(p.ct);
    at = p.start[0] + p.ct.shape[0];
  }
  gap(v.shape[0]);
  return pieces.length === 1 ? pieces[0] : ops.concat(pieces, 0);
}

/** Variables that only slice equations read (not outputs of the graph). */
function slicedOnly(g: Graph): Set<Var> {
  const sliced = new Set<Var>();
  const other = new Set<Var>(g.outputs.filter((a): a is Var => a instanceof Var));
  for (const e of g.eqns) {
    for (const a of e.inputs) if (a instanceof Var) (e.prim === 'slice' ? sliced : other).add(a);
  }
  for (const v of other) sliced.delete(v);
  return sliced;
}
