// Adam and AdamW fused into the compiled training step (fx.jitCarry): the moment and parameter updates run as
// elementwise loops over the parameter tensors in f32, and the parameters and both moments stay with the compiled
// graph between steps (no host round trip, no per-step buffers). The host Adam (adam.ts) is the reference: the same
// formulas, settings and state format, so checkpoints move between the two. The learning rate and bias corrections
// of each step come in as scalar inputs, so a schedule needs no recompile.
import { Tensor } from '../core/tensor.js';
import * as ops from '../core/ops.js';
import { leaves, unflatten, type PyTree } from '../core/pytree.js';
import { jitCarry, type CarriedStep } from '../core/jitCarry.js';
import { flattenTree, treeSize, unflattenTree } from '../nn/flat.js';
import { Adam, type AdamOptions, type AdamSettings } from './adam.js';
import { expectKind, readNumber, readVec } from './state.js';
import type { OptimState } from './types.js';

/** Loss (with aux values) and the parameters' gradient, as valueAndGrad(f, 0, { hasAux: true }) returns them. */
export type LossAndGrad<P, A extends unknown[], Aux> = (p: P, ...args: A) => [[Tensor, Aux], P];

type State = { p: PyTree; m: PyTree; v: PyTree };
/** The settings as scalar inputs: a literal would be traced into a full-size constant buffer per parameter shape. */
type Constants = { b1: Tensor; c1: Tensor; b2: Tensor; c2: Tensor; eps: Tensor; wd: Tensor };
/** Per-step scalars: lr / (1 - b1^t), 1 / sqrt(1 - b2^t) and AdamW's shrink factor 1 - lr wd. */
type StepScalars = { stepSize: Tensor; invSqrtBc2: Tensor; shrink: Tensor };
/** What adamLeaf reads besides the tensors: pass it as an input of the compiled step. */
export type AdamScalars = { k: Constants; h: StepScalars };
type Scalars = AdamScalars;

/** The settings' scalar inputs, fixed for a run. */
export function adamConstants(s: AdamSettings): AdamScalars['k'] {
  const [b1, b2] = s.betas;
  const c = (x: number): Tensor => ops.scalar(x, 'f32');
  return { b1: c(b1), c1: c(1 - b1), b2: c(b2), c2: c(1 - b2), eps: c(s.eps), wd: c(s.weightDecay) };
}

/** The scalar inputs of update number `t` (1, 2, ...). */
export function adamStepScalars(s: AdamSettings, t: number): AdamScalars['h'] {
  const lr = s.lr(t - 1);
  const [b1, b2] = s.betas;
  return {
    stepSize: ops.scalar(lr / (1 - b1 ** t)),
    invSqrtBc2: ops.scalar(1 / Math.sqrt(1 - b2 ** t)),
    shrink: ops.scalar(s.decoupled ? 1 - lr * s.weightDecay : 1),
  };
}

/**
 * One Adam update of one parameter tensor in primitives (the formulas of adam.ts), which the compiler fuses into
 * loops: [parameter, first moment, second moment] after it.
 */
export function adamLeaf(p: Tensor, g: Tensor, m: Tensor, v: Tensor, { k, h }: Scalars, s: AdamSettings): [Tensor, Tensor, Tensor] {
  // the L2 term is traced once per use so that the moments' loops compute it inline instead of storing it
  const grad = (): Tensor => (s.decoupled || !s.weightDecay ? g : ops.add(g, ops.mul(p, k.wd)));
  const m2 = ops.add(ops.mul(m, k.b1), ops.mul(grad(), k.c1));
  // grad() * grad(), not square(grad()): a value read twice by one loop is stored rather than computed inline
  const v2 = ops.add(ops.mul(v, k.b2), ops.mul(ops.mul(grad(), grad()), k.c2));
  const denom = ops.add(ops.mul(ops.sqrt(v2), h.invSqrtBc2), k.eps);
  const kept = s.decoupled ? ops.mul(p, h.shrink) : p;
  return [ops.sub(kept, ops.div(ops.mul(m2, h.stepSize), denom)), m2, v2];
}

/** P, the arguments A and Aux are trees of Tensors (interfaces with named fields are welcome: they are not checked as PyTree). */
export class FusedAdam<P, A extends unknown[], Aux> {
  private readonly s: AdamSettings;
  /** leaves of the parameter tree (the state's leaves are the parameters', then m's, then v's) */
  private readonly n: number;
  private readonly size: number;
  private t = 0;
  private readonly constants: Constants;
  private readonly step: CarriedStep<State, [Scalars, ...PyTree[]], [Tensor, PyTree]>;

  /** `params` (f32) start the state; the moments start at zero. `options` as the host Adam's, or its `settings`. */
  constructor(
    lossAndGrad: LossAndGrad<P, A, Aux>,
    private readonly like: P,
    options: AdamOptions = {},
  ) {
    this.s = new Adam(options).settings; // the host Adam's defaults and checks
    const ls = leaves(like as PyTree);
    const bad = ls.findIndex((t) => t.dtype !== 'f32');
    if (bad >= 0) throw new Error(`FusedAdam: parameters must be f32 (f64 runs use the host Adam); leaf ${bad} is ${ls[bad].dtype}`);
    this.n = ls.length;
    this.size = treeSize(like as PyTree);
    const zeros = unflatten(
      like as PyTree,
      ls.map((t) => new Tensor(t.shape, 'f32', new Float32Array(t.size))),
    );
    this.constants = adamConstants(this.s);
    this.step = jitCarry(
      (st: State, h: Scalars, ...args: PyTree[]): [State, [Tensor, PyTree]] => {
        const [[loss, aux], g] = lossAndGrad(st.p as P, ...(args as A));
        const [p, gs, m, v] = [st.p, g as PyTree, st.m, st.v].map((t) => leaves(t));
        const upd = p.map((pi, i) => adamLeaf(pi, gs[i], m[i], v[i], h, this.s));
        const tree = (k: number): PyTree =>
          unflatten(
            st.p,
            upd.map((u) => u[k]),
          );
        return [{ p: tree(0), m: tree(1), v: tree(2) }, [loss, aux as PyTree]];
      },
      { p: like as PyTree, m: zeros, v: zeros },
    );
  }

  get kind(): 'adam' | 'adamw' {
    return this.s.decoupled ? 'adamw' : 'adam';
  }

  /** Number of updates taken so far. */
  get steps(): number {
    return this.t;
  }

  /** Learning rate the next update will use. */
  currentLr(): number {
    return this.s.lr(this.t);
  }

  /** One update from the gradient at `args`; returns the loss and aux values at the parameters before the update. */
  update(...args: A): [Tensor, Aux] {
    const t = this.t + 1;
    const out = this.step.call({ k: this.constants, h: adamStepScalars(this.s, t) }, ...(args as PyTree[]));
    this.t = t;
    return out as [Tensor, Aux];
  }

  /** The current parameters (copies). */
  params(): P {
    return unflatten(this.like as PyTree, this.step.readLeaves(0, this.n)) as P;
  }

  /** Replaces the parameters (the moments are kept). */
  setParams(p: P): void {
    this.step.writeLeaves(0, leaves(p as PyTree));
  }

  /** Parameter leaves [from, to) in leaves() order (copies), e.g. a small output layer without reading the rest. */
  paramLeaves(from: number, to: number): Tensor[] {
    if (!(0 <= from && from <= to && to <= this.n)) throw new Error(`FusedAdam.paramLeaves: [${from}, ${to}) is outside 0..${this.n}`);
    return this.step.readLeaves(from, to);
  }

  /** Replaces parameter leaves from, from + 1, ... (the moments are kept). */
  setParamLeaves(from: number, ts: readonly Tensor[]): void {
    if (!(0 <= from && from + ts.length <= this.n))
      throw new Error(`FusedAdam.setParamLeaves: ${ts.length} leaves from ${from} do not fit ${this.n}`);
    this.step.writeLeaves(from, ts);
  }

  /** Restarts Adam at the current parameters: both moments zero, step count 0 (the schedule starts over). */
  reset(): void {
    // one host zero buffer per distinct size, shared by the leaves (and both moments) of that size
    const zeros = new Map<number, Float32Array>();
    const ls = leaves(this.like as PyTree);
    const zero = (t: Tensor): Tensor => {
      let z = zeros.get(t.size);
      if (!z) zeros.set(t.size, (z = new Float32Array(t.size)));
      return new Tensor(t.shape, 'f32', z);
    };
    for (let k = 0; k < 2; k++) ls.forEach((t, i) => this.step.writeLeaves((k + 1) * this.n + i, [zero(t)]));
    this.t = 0;
  }

  /** The host Adam's state format: { kind, t, m, v } with the moments as flat vectors in leaves() order. */
  state(): OptimState {
    const flat = (from: number): number[] => Array.from(flattenTree(this.step.readLeaves(from, from + this.n), 'f32'));
    return { kind: this.kind, t: this.t, m: flat(this.n), v: flat(2 * this.n) };
  }

  load(s: OptimState): void {
    expectKind(s, this.kind);
    const t = readNumber(s, 't');
    const moment = (key: string): Tensor[] => {
      const vec = readVec(s, key) ?? new Float32Array(this.size);
      if (vec.length !== this.size) throw new Error(`optimizer state.${key}: expected ${this.size} numbers, got ${vec.length}`);
      return leaves(unflattenTree(this.like as PyTree, vec));
    };
    this.step.writeLeaves(this.n, [...moment('m'), ...moment('v')]);
    this.t = t;
  }
}
