// The PINN trainer: samples points per loss term (a pure function of (seed, epoch, term)), builds
// jitted loss+grad functions over the parameter tree, hands flat vectors to optim/, and evaluates
// against exact solutions or reference data. Implements the runner's Trainer contract.
import { type Tensor, tensor } from '../core/tensor.js';
import * as ops from '../core/ops.js';
import { forwardGrad, jit, valueAndGrad } from '../core/api.js';
import type { DType } from '../core/dtype.js';
import type { PyTree } from '../core/pytree.js';
import type { Network } from '../nn/index.js';
import { trainerNetwork, type NetOptions } from './network.js';
import type { SamplerKind } from '../meshes/sampling/samplers.js';
import type { Geometry } from '../meshes/geometry/geometry.js';
import { hashSeed } from '../core/random.js';
import { coordinateProbes, denseProbes } from '../core/stde.js';
import { ESTIMATORS, type Estimator } from '../core/estimators.js';
import { makeOptimizer, optimizerInputs, type OptimizerName } from '../optim/factory.js';
import type { ClosureOptimizer, MultiLossOptimizer, Optimizer, OptimState } from '../optim/types.js';
import { NtkWeighting } from '../optim/ntk.js';
import { Adam } from '../optim/adam.js';
import { FusedAdam } from '../optim/fusedAdam.js';
import { MConFIG } from '../optim/mconfig.js';
import { pdeConditionGroups } from '../optim/multiAdam.js';
import { EvalContext, planFor, spatial, type DerivativePlan, type FieldContext } from './context.js';
import { compileProblem, type CompiledProblem, type ProblemSpec, type Term, type TermPoints } from './problem.js';
import { flattenTree, matrixRanges, unflattenTree, type FlatVec } from '../nn/flat.js';
import { withPointInputs } from './coefficients.js';
import { valuesAndGrads } from './multigrad.js';
import { unknownErrors } from './unknowns.js';
import { AdaptivePoints, type AdaptiveOptions } from './adaptive.js';
import { CausalBatches, causalLoss, integralLoss, putStat, splitStats, type CausalInputs, type CausalOptions } from './causal.js';
import { TimeWindows, type TimeMarchingOptions } from './timeWindows.js';
import { anchorRows, appendRows } from './anchors.js';
import { RATIO_LIMIT, UNDER_RESOLVED, rmsRatio, strideRows } from './resolution.js';

import type { StepMetrics, EvalMetrics, Trainer } from '../optim/trainer.js';
export type { StepMetrics, EvalMetrics, Trainer };

export type { NetOptions };

export type OptimizerSpec = OptimizerName | ({ name: OptimizerName } & Record<string, unknown>);

export interface TrainerOptions {
  net?: NetOptions;
  dtype?: DType;
  seed?: number;
  sampler?: SamplerKind;
  /** points per term kind (a condition's own `points` wins) */
  points?: { domain?: number; boundary?: number; initial?: number };
  /** redraw points every k steps (0 = fixed points) */
  resampleEvery?: number;
  /**
   * train on forward gradients (Baydin et al. 2022): (grad . v) v from one jvp per step, v ~ N(0, I) drawn from
   * the step number; only with an optimizer that takes one gradient (adam, adamw, sgd)
   */
  forwardGradient?: boolean;
  /** residual-based adaptive refinement of the PDE points (greedy RAR; the same as adaptive: { method: 'rar-g', ... }) */
  rar?: { every: number; candidates: number; add: number };
  /** residual-based adaptive sampling of the PDE points: rar-g, rar-d or rad (see adaptive.ts) */
  adaptive?: AdaptiveOptions;
  /**
   * keep the adaptive point set (copied with adoptPoints or loaded from a state) but never refine it: a second
   * optimizer phase on the first phase's points (quasi-Newton curvature pairs need one fixed objective)
   */
  adaptiveFrozen?: boolean;
  /** causal weighting of the PDE loss over time chunks, with an epsilon schedule (see causal.ts) */
  causal?: CausalOptions;
  /** curriculum time-marching over growing time windows (see timeWindows.ts) */
  timeMarching?: TimeMarchingOptions;
  /** fixed extra PDE points used at every step (row-major n x dim, or one array per point) */
  anchors?: Float64Array | ReadonlyArray<readonly number[]>;
  /**
   * With fixed points (resampleEvery 0), evaluate() compares the PDE residual on this many fresh random
   * points with the training points' and warns past 10x (default 256; 0 = off).
   */
  residualCheck?: number;
  /** fixed weight per loss term name (default 1) */
  weights?: Readonly<Record<string, number>>;
  /** optimizer by name with options, e.g. { name: 'adam', lr: 1e-3 } or { name: 'lra', lr: 1e-3, alpha: 0.1 } */
  optimizer?: OptimizerSpec;
  /** NTK weighting: refresh the traces every `every` steps from `points` points per term */
  ntk?: { every?: number; points?: number };
  /**
   * How lap() is computed while training: 'exact' (collapsed Taylor mode, default) or an STDE estimate from
   * `samples` fresh random probes per step: 'stde-sparse' (|J| coordinate directions without replacement,
   * weight d/|J|) or 'stde-dense' (Rademacher directions, weight 1/S). Evaluation stays exact.
   */
  derivatives?: { estimator?: Estimator; samples?: number };
  /** evaluation points sampled in the domain when only an exact solution is known */
  evalPoints?: number;
  /**
   * A ready-made optimizer object (a method optim/ does not name, e.g. a published variant), used
   * instead of `optimizer`; `inputs` says what its step() consumes.
   */
  customOptimizer?: { optimizer: Optimizer | MultiLossOptimizer | ClosureOptimizer; inputs: OptimizerInputs };
  /**
   * adam / adamw run inside the compiled training step on the f32 parameters (optim/fusedAdam.ts; default true);
   * false keeps the host Adam (f64 moments). f64 runs and the other optimizers always run on the host.
   */
  fusedOptimizer?: boolean;
}

export type OptimizerInputs = (typeof optimizerInputs)[OptimizerName];

type Params = { net: PyTree; unknowns: Record<string, Tensor> };

interface BatchTerm {
  x: Tensor;
  /** STDE directions for lap() at this step ([P, d] sparse, [S, N, d] dense) */
  probes?: Tensor;
  normals?: Tensor;
  partner?: Tensor;
  inputs?: Record<string, Tensor>;
  /** causal weighting inputs of PDE terms (chunk matrix, eps) */
  causal?: CausalInputs;
}
type Batch = Record<string, BatchTerm>;

interface TrainerState {
  format: 'fluxion-pinn-1';
  step: number;
  params: number[];
  optimizer: OptimState;
  rarPoints: number[];
  /** RAD's current PDE point set */
  radPoints?: number[] | null;
  /** position in the causal epsilon schedule */
  causalIndex?: number;
}

/** jit over our own parameter/batch trees (interfaces the PyTree type cannot see into). */
const jitTree = <F>(f: F): F => jit(f as unknown as (...a: PyTree[]) => PyTree) as unknown as F;

const DEFAULT_POINTS = { domain: 1000, boundary: 200, initial: 200, data: 0 };

function sameVector(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Squared-residual mean of one term (sum over its residual components). */
function meanSquares(rs: Tensor[]): Tensor {
  return rs.map((r) => ops.mean(ops.square(r))).reduce((a, b) => ops.add(a, b));
}

export class PinnTrainer implements Trainer {
  readonly problem: CompiledProblem;
  readonly dtype: DType;
  /** the named optimizer, or 'custom' for options.customOptimizer */
  readonly optimizerName: OptimizerName | 'custom';
  private readonly inputs: OptimizerInputs;
  private readonly opts: TrainerOptions;
  private readonly seed: number;
  private readonly net: Network;
  /** the parameters as a tree and as one vector (read through `params` / `flat`, which catch up with `fused`) */
  private current: Params;
  private currentFlat: FlatVec;
  /** Adam / AdamW inside the compiled step: it holds the parameters, and `current` is stale after its steps */
  private readonly fused: FusedAdam<Params, [Batch, Record<string, Tensor>, Tensor], Record<string, Tensor>> | null;
  private stale = false;
  private readonly optimizer: Optimizer | MultiLossOptimizer | ClosureOptimizer;
  private readonly plans: DerivativePlan[];
  /** STDE settings for lap() while training; null for the exact Laplacian */
  private readonly stde: { estimator: Exclude<Estimator, 'exact'>; samples: number } | null;
  /** one weight per loss (see lossNames) */
  private readonly termWeights: number[];
  /** loss names in order: each term's residual groups (a PDE system: one per equation) */
  private readonly lossNames: string[];
  /** indices into lossNames of each term's losses */
  private readonly lossesOf: number[][];
  private stepCount = 0;
  private readonly adaptive: AdaptivePoints | null;
  private readonly causal: CausalBatches | null;
  private readonly windows: TimeWindows | null;
  private readonly anchors: Float64Array | null;
  private batchCache: { key: string; batch: Batch } | null = null;
  private evalSet: { points: Float64Array; values: Record<string, Float64Array> } | null = null;
  private heldOut: { n: number; batch: BatchTerm } | null = null;
  /** L-BFGS: the last objective evaluation, reused when the next step starts at the same point */
  private lastObjective: { batch: Batch; x: Float64Array; f: number; g: Float64Array; terms: Record<string, number> } | null = null;
  // jitted pure functions of (params, batch[, weights])
  private readonly totalFn: (p: Params, b: Batch, w: Record<string, Tensor>) => [[Tensor, Record<string, Tensor>], Params];
  private readonly forwardFn:
    | ((p: Params, b: Batch, w: Record<string, Tensor>, key: Tensor) => [[Tensor, Record<string, Tensor>], Params])
    | null;
  /** per term: its losses and their gradients, from one evaluation of the residuals */
  private readonly termFns: Array<(p: Params, b: BatchTerm) => [Tensor[], Params[]]>;
  private readonly valuesFn: (p: Params, b: Batch) => Record<string, Tensor>;
  private readonly pointGradFns: Array<(p: Params, b: BatchTerm) => [Tensor[], Params[]]>;
  /** summed squared-residual means of the PDE terms on one point set (the under-resolution check) */
  private readonly pdeMseFn: (p: Params, b: BatchTerm) => Tensor;

  constructor(spec: ProblemSpec | CompiledProblem, options: TrainerOptions = {}) {
    this.problem = 'terms' in spec ? spec : compileProblem(spec);
    const { layout } = this.problem;
    const ps = this.problem.spec;
    this.opts = options;
    this.dtype = options.dtype ?? 'f32';
    if (this.dtype !== 'f32' && this.dtype !== 'f64') throw new Error(`dtype: expected 'f32' or 'f64', got '${String(this.dtype)}'`);
    this.seed = options.seed ?? 0;
    this.net = trainerNetwork(options.net, ps.coords, ps.fields.length, this.seed, this.dtype, ps.features?.names.length ?? 0);
    const unknowns: Record<string, Tensor> = {};
    for (const [k, v] of Object.entries(ps.unknowns ?? {})) unknowns[k] = tensor([v / this.unknownScale(k)], [], this.dtype);
    this.current = { net: this.net.params, unknowns };
    this.currentFlat = flattenTree(this.current as unknown as PyTree, this.dtype);

    this.lossNames = [];
    this.lossesOf = this.problem.terms.map((t) => (t.losses ?? [t.name]).map((n) => this.lossNames.push(n) - 1));
    const names = this.lossNames;
    for (const k of Object.keys(options.weights ?? {})) {
      if (!names.includes(k)) throw new Error(`weights.${k}: no loss term named '${k}'; terms are ${names.join(', ')}`);
    }
    this.termWeights = names.map((n) => options.weights?.[n] ?? 1);

    const spec0 = options.optimizer ?? 'adam';
    const { name, ...optOpts } = typeof spec0 === 'string' ? { name: spec0 } : spec0;
    const custom = options.customOptimizer;
    this.optimizerName = custom ? 'custom' : name;
    this.inputs = custom ? custom.inputs : optimizerInputs[name];
    // LRA reads its gradient statistics on the weight matrices, as the method's authors' code does
    const lraRanges = name === 'lra' && optOpts.ranges === undefined ? { ranges: matrixRanges(this.params as unknown as PyTree) } : {};
    // and MultiAdam groups the losses as its authors' code does: the PDE residuals, then all conditions
    const maGroups =
      name === 'multiadam' && optOpts.groups === undefined
        ? { groups: pdeConditionGroups(names.map((_, i) => this.problem.terms[this.slotOf(i)[0]].kind === 'pde')) }
        : {};
    this.optimizer = custom ? custom.optimizer : makeOptimizer(name, { ...optOpts, ...lraRanges, ...maGroups });

    const paramValue = (n: string): number => {
      if (n in (ps.unknowns ?? {})) return (ps.unknowns as Record<string, number>)[n];
      if (n in (ps.constants ?? {})) return (ps.constants as Record<string, number>)[n];
      throw new Error(`unknown constant '${n}'; declare it in problem.constants or problem.unknowns`);
    };
    const est = options.derivatives?.estimator ?? 'exact';
    if (!ESTIMATORS.includes(est)) throw new Error(`derivatives.estimator: expected one of ${ESTIMATORS.join(', ')}, got '${String(est)}'`);
    const samples = options.derivatives?.samples ?? 16;
    if (!Number.isInteger(samples) || samples < 1) throw new Error(`derivatives.samples: expected a positive integer, got ${samples}`);
    this.stde = est === 'exact' ? null : { estimator: est, samples };
    this.plans = this.problem.terms.map((t) => planFor(layout, this.dtype, paramValue, (c) => t.residual(c, c), this.stde !== null));
    const d = ps.coords.length;
    const pde = this.problem.terms.find((t) => t.kind === 'pde') as Term;
    const adaptive = options.adaptive ?? (options.rar ? { method: 'rar-g' as const, ...options.rar } : undefined);
    this.adaptive = adaptive ? new AdaptivePoints(adaptive, this.seed, this.countFor(pde)) : null;
    const { min, max } = ps.domain.bbox;
    const ti = layout.timeIndex;
    if ((options.causal || options.timeMarching) && ti < 0)
      throw new Error(`${options.causal ? 'causal' : 'timeMarching'}: needs a time coordinate (problem.time)`);
    const integral = this.problem.terms.flatMap((t) => (t.losses ?? []).filter((_, j) => t.integral?.[j]));
    if (integral.length && !options.causal)
      throw new Error(
        `pde '${integral[0]}': an integral equation needs causal (its time chunks are the times its spatial mean vanishes at)`,
      );
    this.causal = options.causal ? new CausalBatches(options.causal, ti, min[ti], max[ti], this.dtype) : null;
    this.windows = options.timeMarching ? new TimeWindows(options.timeMarching, min[ti], max[ti], ti, d) : null;
    this.anchors = options.anchors ? anchorRows(options.anchors, d) : null;

    const terms = this.problem.terms;
    // one loss per residual group (equation); aux (when given) collects statistics such as the causal
    // minimum weight alongside the loss terms
    const termLosses =
      (i: number) =>
      (p: Params, b: BatchTerm, aux?: Record<string, Tensor>): Tensor[] =>
        this.residualGroups(i, p, b).map((rs, j) => {
          if (b.causal && terms[i].integral?.[j]) return integralLoss(rs, b.causal);
          if (!b.causal) return meanSquares(rs);
          const c = causalLoss(rs, b.causal);
          putStat(aux, names[this.lossesOf[i][j]], c.minWeight);
          return c.loss;
        });
    const allLosses = (q: Params, bb: Batch): Record<string, Tensor> => {
      const ls: Record<string, Tensor> = {};
      terms.forEach((t, i) => termLosses(i)(q, bb[t.name], ls).forEach((l, j) => (ls[names[this.lossesOf[i][j]]] = l)));
      return ls;
    };
    const weightedTotal = (q: Params, bb: Batch, ww: Record<string, Tensor>): [Tensor, PyTree] => {
      const ls = allLosses(q, bb);
      const total = names.map((n) => ops.mul(ww[n], ls[n])).reduce((a, c) => ops.add(a, c));
      return [total, ls];
    };
    this.totalFn = jitTree(
      (p: Params, b: Batch, w: Record<string, Tensor>) => valueAndGrad(weightedTotal, 0, { hasAux: true })(p, b, w) as unknown as PyTree,
    ) as unknown as PinnTrainer['totalFn'];
    if (options.forwardGradient && this.inputs !== 'gradient') {
      throw new Error(`forwardGradient: needs an optimizer that takes one gradient (adam, adamw, sgd), got '${this.optimizerName}'`);
    }
    const fuse = (options.fusedOptimizer ?? true) && !custom && this.dtype === 'f32' && this.optimizer instanceof Adam;
    this.fused = fuse
      ? new FusedAdam(
          (p: Params, b: Batch, w: Record<string, Tensor>, key: Tensor) =>
            (options.forwardGradient
              ? forwardGrad(weightedTotal, 0, { hasAux: true })(key, p, b, w)
              : valueAndGrad(weightedTotal, 0, { hasAux: true })(p, b, w)) as unknown as [[Tensor, Record<string, Tensor>], Params],
          this.current,
          (this.optimizer as Adam).settings,
        )
      : null;
    this.forwardFn = options.forwardGradient
      ? (jitTree((p: Params, b: Batch, w: Record<string, Tensor>, key: Tensor) =>
          forwardGrad(weightedTotal, 0, { hasAux: true })(key, p, b, w),
        ) as unknown as PinnTrainer['forwardFn'])
      : null;
    // a one-loss term keeps plain valueAndGrad; a PDE system's equations share one forward evaluation
    const perLoss =
      (i: number, f: (q: Params, bb: BatchTerm) => Tensor[]) =>
      (p: Params, b: BatchTerm): [Tensor[], Params[]] => {
        if (this.lossesOf[i].length > 1) return valuesAndGrads(f)(p, b);
        const [l, g] = valueAndGrad((q: Params, bb: BatchTerm) => f(q, bb)[0], 0)(p, b) as unknown as [Tensor, Params];
        return [[l], [g]];
      };
    this.termFns = terms.map((_, i) => jitTree(perLoss(i, termLosses(i))));
    this.valuesFn = jitTree((p: Params, b: Batch) => allLosses(p, b));
    // NTK traces: gradient of the summed residuals at one point, per loss
    const sumOf = (rs: Tensor[]): Tensor => rs.map((r) => ops.sum(r)).reduce((a, c) => ops.add(a, c));
    this.pointGradFns = terms.map((_, i) => jitTree(perLoss(i, (q: Params, bb: BatchTerm) => this.residualGroups(i, q, bb).map(sumOf))));
    this.pdeMseFn = jitTree((p: Params, b: BatchTerm) =>
      terms
        .map((t, i) => (t.kind === 'pde' ? meanSquares(this.residuals(i, p, b)) : null))
        .filter((l): l is Tensor => l !== null)
        .reduce((a, c) => ops.add(a, c)),
    );
  }

  get step(): number {
    return this.stepCount;
  }

  /** Whether the optimizer runs inside the compiled step (optim/fusedAdam.ts) rather than on the host. */
  get optimizerFused(): boolean {
    return this.fused !== null;
  }

  private get params(): Params {
    this.sync();
    return this.current;
  }

  private get flat(): FlatVec {
    this.sync();
    return this.currentFlat;
  }

  /** Reads the parameters back from the fused optimizer after its steps (evaluation, checkpoints, adaptive points). */
  private sync(): void {
    if (!this.stale || !this.fused) return;
    this.stale = false;
    this.current = this.fused.params();
    flattenTree(this.current as unknown as PyTree, this.dtype, this.currentFlat);
  }

  /** Loss term names (one per PDE equation, then the conditions). */
  get termNames(): string[] {
    return this.lossNames.slice();
  }

  /** Row-wise network with the input features and the output transform: [N, d] -> [N, fields]. */
  private netFn(p: Params): (x: Tensor) => Tensor {
    const { transform: tr, features } = this.problem.spec;
    return (x) => {
      const y = this.net.apply(p.net, features ? ops.concat([x, features.map(x)], 1) : x);
      return tr ? tr(x, y) : y;
    };
  }

  private context(
    p: Params,
    x: Tensor,
    plan: DerivativePlan,
    normals?: Tensor,
    inputs?: Record<string, Tensor>,
    probes?: Tensor,
  ): FieldContext {
    const consts: Record<string, Tensor> = {};
    for (const [k, v] of Object.entries(p.unknowns)) consts[k] = this.unknownScale(k) === 1 ? v : ops.mul(v, this.unknownScale(k));
    for (const [k, v] of Object.entries(this.problem.spec.constants ?? {})) consts[k] ??= ops.scalar(v, this.dtype);
    const lapProbes = probes ? { dirs: probes, weights: this.probeWeights(probes) } : undefined;
    return new EvalContext(this.problem.layout, { net: this.netFn(p), x, normals, params: consts, inputs, lapProbes }, plan);
  }

  /** Every STDE probe weighs the same: d_spatial/|J| (sparse) or 1/S (dense). */
  private probeWeights(probes: Tensor): number[] {
    const P = probes.shape[0];
    const w = this.stde?.estimator === 'stde-sparse' ? spatial(this.problem.layout).length / P : 1 / P;
    return new Array<number>(P).fill(w);
  }

  /**
   * `batch` with fresh STDE directions for every term whose lap() is estimated, a pure function of
   * (seed, step, term) so that resumed runs draw the same ones.
   */
  private withProbes(batch: Batch, step: number): Batch {
    const stde = this.stde;
    if (!stde) return batch;
    const out: Batch = { ...batch };
    const sp = spatial(this.problem.layout);
    const d = this.problem.spec.coords.length;
    this.problem.terms.forEach((t, i) => {
      if (!this.plans[i].lapByProbes) return;
      const opts = { samples: stde.samples, rng: hashSeed(hashSeed(this.seed * 2654435761 + step) + i * 104729), axes: sp };
      const term = batch[t.name];
      const { dirs } =
        stde.estimator === 'stde-sparse' ? coordinateProbes(d, opts, this.dtype) : denseProbes(d, term.x.shape[0], opts, this.dtype);
      out[t.name] = { ...term, probes: dirs };
    });
    return out;
  }

  private residuals(i: number, p: Params, b: BatchTerm): Tensor[] {
    return this.residualGroups(i, p, b).flat();
  }

  /** Term i's residuals, one group per loss of the term. */
  private residualGroups(i: number, p: Params, b: BatchTerm): Tensor[][] {
    const plan = this.plans[i];
    const c = this.context(p, b.x, plan, b.normals, b.inputs, b.probes);
    const partner = b.partner ? this.context(p, b.partner, plan) : undefined;
    const t = this.problem.terms[i];
    return t.residualGroups ? t.residualGroups(c, partner) : [t.residual(c, partner)];
  }

  // ---- points ----
  private countFor(t: Term): number {
    if (t.fixedCount !== undefined) return t.fixedCount;
    const key = t.pointsKey;
    const given = key === 'data' ? undefined : this.opts.points?.[key];
    return given ?? DEFAULT_POINTS[key];
  }

  private toTensor(data: Float64Array, cols: number): Tensor {
    return tensor(data, [data.length / cols, cols], this.dtype);
  }

  private termPoints(i: number, epoch: number, window: number): TermPoints {
    const t = this.problem.terms[i];
    const e = t.resample ? epoch : 0;
    const seed = hashSeed(hashSeed(this.seed * 1000003 + e) + i * 7919);
    let pts = t.draw(this.countFor(t), this.opts.sampler ?? 'uniform', seed);
    const w = this.windows;
    if (w && (t.pointsKey === 'domain' || t.pointsKey === 'boundary')) {
      pts = { ...pts, x: w.restrict(pts.x, window), ...(pts.partner ? { partner: w.restrict(pts.partner, window) } : {}) };
    }
    if (t.kind === 'pde' && (this.adaptive || this.anchors)) {
      pts = { ...pts, x: appendRows(this.adaptive ? this.adaptive.apply(pts.x) : pts.x, this.anchors) };
    }
    return withPointInputs(t, pts);
  }

  private toBatchTerm(pts: TermPoints): BatchTerm {
    const d = this.problem.spec.coords.length;
    const b: BatchTerm = { x: this.toTensor(pts.x, d) };
    if (pts.normals) b.normals = this.toTensor(pts.normals, d);
    if (pts.partner) b.partner = this.toTensor(pts.partner, d);
    if (pts.inputs) b.inputs = Object.fromEntries(Object.entries(pts.inputs).map(([k, v]) => [k, tensor(v, [v.length], this.dtype)]));
    return b;
  }

  private epochOf(step: number): number {
    const k = this.opts.resampleEvery ?? 0;
    return k > 0 ? Math.floor(step / k) : 0;
  }

  /** The batch used by step `step` (0-based), a pure function of (seed, epoch, time window, adaptive points). */
  batchAt(step: number): Batch {
    const epoch = this.epochOf(step);
    const window = this.windows ? this.windows.windowAt(step) : 0;
    const key = `${epoch}:${window}:${this.adaptive ? this.adaptive.version : 0}`;
    const c = this.batchCache;
    if (c && c.key === key) return c.batch;
    const batch: Batch = {};
    this.problem.terms.forEach((t, i) => (batch[t.name] = this.toBatchTerm(this.termPoints(i, epoch, window))));
    this.batchCache = { key, batch };
    return batch;
  }

  /** Fresh domain points (in the current time window), e.g. adaptive candidates. */
  private freshPoints(n: number, seed: number, sampler = this.opts.sampler ?? 'uniform'): Float64Array {
    const x = this.problem.spec.domain.sampleInterior(n, sampler, seed).data;
    return this.windows ? this.windows.restrict(x, this.windows.windowAt(this.stepCount)) : x;
  }

  /** `batch` with the causal inputs (chunk matrix, eps) of every PDE term. */
  private withCausal(batch: Batch): Batch {
    return this.causal
      ? this.causal.with(
          batch,
          this.problem.terms.filter((t) => t.kind === 'pde').map((t) => t.name),
        )
      : batch;
  }

  /** Signed PDE residuals (one array per equation) at the given points (row-major n x d). */
  pdeResiduals(points: Float64Array): Float64Array[] {
    return this.residuals(0, this.params, this.pdeBatch(points)).map((r) => Float64Array.from(r.dataSync()));
  }

  /** |PDE residual| summed over equations at the given points. */
  residualAbs(points: Float64Array): Float64Array {
    const rs = this.pdeResiduals(points);
    const out = new Float64Array(rs[0].length);
    for (const r of rs) for (let i = 0; i < out.length; i++) out[i] += Math.abs(r[i]);
    return out;
  }

  /** Every loss term (unweighted) at the current parameters on the points of the next step. */
  losses(): Record<string, number> {
    return splitStats(this.readTerms(this.valuesFn(this.params, this.batchAt(this.stepCount)))).terms;
  }

  /** The derivative plan of each loss term (which jets run), by term name. */
  derivativePlans(): Record<string, DerivativePlan> {
    return Object.fromEntries(this.problem.terms.map((t, i) => [t.name, this.plans[i]]));
  }

  // ---- training ----
  private setFlat(v: FlatVec): void {
    this.current = unflattenTree(this.params as unknown as PyTree, v) as unknown as Params;
    this.fused?.setParams(this.current);
  }

  private weightTensors(): Record<string, Tensor> {
    const w: Record<string, Tensor> = {};
    this.lossNames.forEach((n, i) => (w[n] = ops.scalar(this.termWeights[i], this.dtype)));
    return w;
  }

  private readTerms(ls: Record<string, Tensor>): Record<string, number> {
    return Object.fromEntries(Object.entries(ls).map(([k, v]) => [k, v.item()]));
  }

  trainStep(): StepMetrics {
    const ad = this.opts.adaptiveFrozen ? null : this.adaptive;
    if (ad?.due(this.stepCount))
      ad.refine(
        this.stepCount,
        this.problem.spec.coords.length,
        (n, seed) => this.freshPoints(n, seed),
        (x) => this.residualAbs(x),
      );
    const batch = this.withProbes(this.withCausal(this.batchAt(this.stepCount)), this.stepCount);
    const names = this.termNames;
    const mode = this.inputs;
    let loss: number;
    let terms: Record<string, number>;
    let weights: Record<string, number> | undefined;
    let converged: StepMetrics['converged'];
    const userWeighted = this.termWeights.some((w) => w !== 1);
    // the optimizer's rate for this update, read before it is taken (L-BFGS reports none)
    const lr = this.fused ? this.fused.currentLr() : 'currentLr' in this.optimizer ? this.optimizer.currentLr?.() : undefined;
    if (this.fused) {
      const [l, ls] = this.fused.update(batch, this.weightTensors(), ops.scalar(this.stepCount, 'i32'));
      this.stale = true;
      loss = l.item();
      terms = this.readTerms(ls);
      if (userWeighted) weights = Object.fromEntries(names.map((n, i) => [n, this.termWeights[i]]));
    } else if (mode === 'gradient') {
      const [[l, ls], g] = this.forwardFn
        ? this.forwardFn(this.params, batch, this.weightTensors(), ops.scalar(this.stepCount, 'i32'))
        : this.totalFn(this.params, batch, this.weightTensors());
      loss = l.item();
      terms = this.readTerms(ls);
      (this.optimizer as Optimizer).step(this.flat, flattenTree(g as unknown as PyTree, this.dtype));
      if (userWeighted) weights = Object.fromEntries(names.map((n, i) => [n, this.termWeights[i]]));
    } else if (mode === 'objective') {
      let first: { loss: number; terms: Record<string, number> } | null = null;
      const wt = this.weightTensors();
      const fg = (x: Float64Array): { f: number; g: Float64Array } => {
        // each L-BFGS step re-evaluates its start point, usually the point the previous line search accepted
        const last = this.lastObjective;
        if (last && last.batch === batch && sameVector(last.x, x)) {
          first ??= { loss: last.f, terms: last.terms };
          return { f: last.f, g: last.g };
        }
        this.setFlat(x);
        const [[l, ls], g] = this.totalFn(this.params, batch, wt);
        const f = l.item();
        const terms = this.readTerms(ls);
        first ??= { loss: f, terms };
        const gv = flattenTree(g as unknown as PyTree, 'f64');
        this.lastObjective = { batch, x: Float64Array.from(x), f, g: gv, terms };
        return { f, g: gv };
      };
      converged = (this.optimizer as ClosureOptimizer).step(this.flat, fg, { maxIter: 1 }).stop;
      ({ loss, terms } = first as unknown as { loss: number; terms: Record<string, number> });
    } else {
      const opt = this.optimizer as MultiLossOptimizer;
      if (opt instanceof NtkWeighting) this.maybeRefreshNtk(opt, batch);
      const losses: number[] = [];
      const grads: FlatVec[] = [];
      if (opt instanceof MConFIG) {
        const vals = this.readTerms(this.valuesFn(this.params, batch));
        const active = opt.activeLoss(names.length);
        names.forEach((n, i) => {
          losses.push(this.termWeights[i] * vals[n]);
          if (i !== active) grads.push(new Float32Array(0));
          else grads.push(this.scaledGrad(i, batch));
        });
        terms = vals;
      } else {
        terms = {};
        this.problem.terms.forEach((t, ti) => {
          const [ls, gs] = this.termFns[ti](this.params, batch[t.name]);
          this.lossesOf[ti].forEach((i, j) => {
            const n = names[i];
            terms[n] = ls[j].item();
            losses.push(this.termWeights[i] * terms[n]);
            grads.push(this.weighted(i, gs[j]));
          });
        });
      }
      // per-term gradients carry no statistics: read the causal weights from a forward pass
      if (this.causal && !(opt instanceof MConFIG)) Object.assign(terms, this.readTerms(this.valuesFn(this.params, batch)), terms);
      if (losses.every(Number.isFinite)) {
        const r = opt.step(this.flat, losses, grads);
        weights = Object.fromEntries(names.map((n, i) => [n, r.weights[i] * this.termWeights[i]]));
        loss = names.reduce((s, n) => s + weights![n] * terms[n], 0);
      } else {
        // a non-finite loss term is a divergence: no update, and the runner stops with exit 3
        loss = losses.reduce((a, b) => a + b, 0);
      }
    }
    if (!this.fused) this.setFlat(this.flat);
    this.stepCount++;
    const split = splitStats(terms);
    const m: StepMetrics = { step: this.stepCount, loss, terms: split.terms };
    const sched = this.causal?.schedule;
    if (sched && split.minWeight !== undefined) {
      m.causal = { epsilon: sched.epsilon, minWeight: split.minWeight };
      sched.observe(split.minWeight);
    }
    if (weights) m.weights = weights;
    if (lr !== undefined) m.lr = lr;
    if (converged) m.converged = converged;
    return m;
  }

  /** Term index and position within the term of loss i. */
  private slotOf(i: number): [number, number] {
    const ti = this.lossesOf.findIndex((ls) => ls.includes(i));
    return [ti, this.lossesOf[ti].indexOf(i)];
  }

  private scaledGrad(i: number, batch: Batch): FlatVec {
    const [ti, j] = this.slotOf(i);
    const [, gs] = this.termFns[ti](this.params, batch[this.problem.terms[ti].name]);
    return this.weighted(i, gs[j]);
  }

  /** Flat gradient of loss i times its fixed weight. */
  private weighted(i: number, g: Params): FlatVec {
    const gf = flattenTree(g as unknown as PyTree, this.dtype);
    if (this.termWeights[i] !== 1) for (let j = 0; j < gf.length; j++) gf[j] *= this.termWeights[i];
    return gf;
  }

  /** NTK trace per term: mean over a few points of |d residual(x_p) / d params|^2. */
  private maybeRefreshNtk(opt: NtkWeighting, batch: Batch): void {
    const every = this.opts.ntk?.every ?? 100;
    if (this.stepCount % every !== 0) return;
    const m = this.opts.ntk?.points ?? 8;
    const d = this.problem.spec.coords.length;
    const sums = new Array<number>(this.lossNames.length).fill(0);
    const counts = new Array<number>(this.lossNames.length).fill(1);
    this.problem.terms.forEach((t, ti) => {
      const b = batch[t.name];
      const rows = Math.min(m, b.x.shape[0]);
      for (let r = 0; r < rows; r++) {
        const one: BatchTerm = { x: ops.sliceAxis(b.x, 0, r, r + 1) };
        if (b.normals) one.normals = ops.sliceAxis(b.normals, 0, r, r + 1);
        if (b.partner) one.partner = ops.sliceAxis(b.partner, 0, r, r + 1);
        if (b.inputs) one.inputs = Object.fromEntries(Object.entries(b.inputs).map(([k, v]) => [k, ops.sliceAxis(v, 0, r, r + 1)]));
        const [, gs] = this.pointGradFns[ti](this.params, one);
        this.lossesOf[ti].forEach((i, j) => {
          const gf = flattenTree(gs[j] as unknown as PyTree, 'f64');
          for (let k = 0; k < gf.length; k++) sums[i] += gf[k] * gf[k];
          counts[i] = rows;
        });
      }
    });
    void d;
    opt.setTraces(sums.map((s, i) => Math.max(s / counts[i], 1e-30)));
  }

  // ---- evaluation ----
  /** Network fields at points (row-major n x dim), plus `<field>_ref` and `<field>_err` where an exact solution is known. */
  predict(points: Float64Array, n: number): Record<string, Float64Array> {
    return this.predictAt(this.params, points, n);
  }

  /** predict() with other parameters, laid out as parameters() (e.g. an earlier time window's network); the trainer's own are untouched. */
  predictWith(values: Float64Array, points: Float64Array, n: number): Record<string, Float64Array> {
    if (values.length !== this.flat.length) throw new Error(`predictWith: expected ${this.flat.length} parameters, got ${values.length}`);
    return this.predictAt(unflattenTree(this.params as unknown as PyTree, values) as unknown as Params, points, n);
  }

  private predictAt(p: Params, points: Float64Array, n: number): Record<string, Float64Array> {
    const d = this.problem.spec.coords.length;
    if (points.length !== n * d) throw new Error(`predict: expected ${n} x ${d} = ${n * d} coordinates, got ${points.length}`);
    const fields = this.problem.spec.fields;
    const out: Record<string, Float64Array> = Object.fromEntries(fields.map((f) => [f, new Float64Array(n)]));
    const chunk = 4096;
    const f = this.netFn(p);
    for (let s = 0; s < n; s += chunk) {
      const m = Math.min(chunk, n - s);
      const y = f(this.toTensor(points.subarray(s * d, (s + m) * d), d)).dataSync();
      fields.forEach((name, j) => {
        for (let r = 0; r < m; r++) out[name][s + r] = y[r * fields.length + j];
      });
    }
    const exact = this.problem.exact;
    if (exact) {
      for (const [name, fn] of Object.entries(exact)) {
        const ref = new Float64Array(n);
        const err = new Float64Array(n);
        for (let r = 0; r < n; r++) {
          ref[r] = fn(points.subarray(r * d, (r + 1) * d));
          err[r] = Math.abs(out[name][r] - ref[r]);
        }
        out[`${name}_ref`] = ref;
        out[`${name}_err`] = err;
      }
    }
    return out;
  }

  /** Where evaluate() samples when only an exact solution is known (a time window's trainer widens it to the whole run). */
  protected evaluationDomain(): Geometry {
    return this.problem.spec.domain;
  }

  private evaluationSet(): { points: Float64Array; values: Record<string, Float64Array> } | null {
    if (this.evalSet) return this.evalSet;
    const spec = this.problem.spec;
    if (spec.reference) {
      this.evalSet = { points: spec.reference.points, values: { ...spec.reference.values } };
    } else if (this.problem.exact) {
      const d = spec.coords.length;
      const n = this.opts.evalPoints ?? 2000;
      const pts = this.evaluationDomain().sampleInterior(n, 'halton', 12345).data;
      const values: Record<string, Float64Array> = {};
      for (const [name, fn] of Object.entries(this.problem.exact)) {
        values[name] = Float64Array.from({ length: n }, (_, r) => fn(pts.subarray(r * d, (r + 1) * d)));
      }
      this.evalSet = { points: pts, values };
    }
    return this.evalSet;
  }

  /**
   * With fixed points: RMS PDE residual on fresh random points (a pure function of (seed, step)) over the one
   * on (a spread-out subset of) the training PDE points; null when the check is off.
   */
  residualRatio(): number | null {
    const n = this.opts.residualCheck ?? 256;
    if (n <= 0 || (this.opts.resampleEvery ?? 0) > 0 || this.adaptive?.options.method === 'rad') return null;
    const d = this.problem.spec.coords.length;
    const pde = this.problem.terms.find((t) => t.kind === 'pde') as Term;
    const train = strideRows(Float64Array.from(this.batchAt(this.stepCount)[pde.name].x.dataSync()), d, 512);
    const fresh = this.freshPoints(n, hashSeed(this.seed * 40503 + this.stepCount + 0x2545f491), 'uniform');
    return rmsRatio(this.pdeMse(this.pdeBatch(fresh)), this.pdeMse(this.pdeBatch(train)));
  }

  /**
   * Sum over the PDE equations of the mean squared residual at `n` held-out domain points: one fixed set per n,
   * drawn over the whole domain from its own seed stream (the training points are a function of (seed, step) on other streams), so
   * it scores the fit between collocation points without the reference (keep_best).
   */
  heldOutResidual(n: number): number {
    if (this.heldOut?.n !== n) {
      const x = this.problem.spec.domain.sampleInterior(n, 'uniform', hashSeed(this.seed * 92821 + 0x6a09e667)).data;
      this.heldOut = { n, batch: this.pdeBatch(x) };
    }
    return this.pdeMse(this.heldOut.batch);
  }

  /** The PDE term's batch at the given points, with its point inputs (tabulated coefficients) evaluated there. */
  private pdeBatch(points: Float64Array): BatchTerm {
    return this.toBatchTerm(withPointInputs(this.problem.terms[0], { x: points }));
  }

  /** Sum over the PDE equations of the mean squared residual on a batch. */
  private pdeMse(batch: BatchTerm): number {
    return this.pdeMseFn(this.params, batch).item();
  }

  evaluate(): EvalMetrics {
    const m: EvalMetrics = {};
    const ratio = this.residualRatio();
    if (ratio !== null) {
      m.residualRatio = ratio;
      if (ratio > RATIO_LIMIT) m.warnings = [UNDER_RESOLVED];
    }
    if (Object.keys(this.params.unknowns).length) m.unknowns = this.unknowns();
    const truth = this.problem.spec.trueValues;
    if (m.unknowns && truth && Object.keys(truth).length) m.unknownErrors = unknownErrors(m.unknowns, truth);
    const set = this.evaluationSet();
    if (!set) return m;
    const d = this.problem.spec.coords.length;
    const n = set.points.length / d;
    const pred = this.predict(set.points, n);
    let num = 0;
    let den = 0;
    m.perField = {};
    for (const [name, ref] of Object.entries(set.values)) {
      let a = 0;
      let b = 0;
      for (let r = 0; r < n; r++) {
        a += (pred[name][r] - ref[r]) ** 2;
        b += ref[r] ** 2;
      }
      m.perField[name] = Math.sqrt(a / Math.max(b, 1e-300));
      num += a;
      den += b;
    }
    m.l2re = Math.sqrt(num / Math.max(den, 1e-300));
    return m;
  }

  /** All trainable scalars (network, then unknowns) as one f64 vector, e.g. to hand an Adam run to an f64 L-BFGS trainer. */
  parameters(): Float64Array {
    return Float64Array.from(this.flat);
  }

  /** Takes over `other`'s adaptive point set (added and RAD-replaced points); a no-op without adaptive sampling. */
  adoptPoints(other: PinnTrainer): void {
    if (this.adaptive && other.adaptive) this.adaptive.load(other.adaptive.state());
    this.batchCache = null;
  }

  /** Overwrites every trainable scalar from a vector laid out as parameters(); optimizer state is kept. */
  setParameters(values: ArrayLike<number>): void {
    if (values.length !== this.flat.length) throw new Error(`setParameters: expected ${this.flat.length} values, got ${values.length}`);
    for (let i = 0; i < values.length; i++) this.flat[i] = values[i];
    this.setFlat(this.flat);
    this.lastObjective = null;
  }

  /** Current values of the trainable constants. */
  unknowns(): Record<string, number> {
    return Object.fromEntries(Object.entries(this.params.unknowns).map(([k, v]) => [k, v.item() * this.unknownScale(k)]));
  }

  /** The factor between an unknown and the scalar the optimizer trains (problem.unknownScales, default 1). */
  private unknownScale(name: string): number {
    return this.problem.spec.unknownScales?.[name] ?? 1;
  }

  // ---- checkpoints ----
  state(): TrainerState {
    return {
      format: 'fluxion-pinn-1',
      step: this.stepCount,
      params: Array.from(this.flat),
      optimizer: this.fused ? this.fused.state() : this.optimizer.state(),
      rarPoints: this.adaptive ? this.adaptive.state().added : [],
      ...(this.adaptive?.options.method === 'rad' ? { radPoints: this.adaptive.state().replaced } : {}),
      ...(this.causal ? { causalIndex: this.causal.schedule.index } : {}),
    };
  }

  load(state: unknown): void {
    const s = state as Partial<TrainerState> | null;
    if (!s || typeof s !== 'object' || s.format !== 'fluxion-pinn-1') {
      throw new Error(
        `load: expected a PINN trainer state (format 'fluxion-pinn-1'), got ${JSON.stringify((s as { format?: unknown } | null)?.format)}`,
      );
    }
    if (!Array.isArray(s.params) || s.params.length !== this.flat.length) {
      throw new Error(
        `load: state.params must hold ${this.flat.length} numbers, got ${Array.isArray(s.params) ? s.params.length : typeof s.params}`,
      );
    }
    if (typeof s.step !== 'number' || !Number.isInteger(s.step) || s.step < 0)
      throw new Error(`load: state.step must be a non-negative integer, got ${String(s.step)}`);
    this.flat.set(s.params);
    this.setFlat(this.flat);
    if (this.fused) this.fused.load(s.optimizer as OptimState);
    else this.optimizer.load(s.optimizer as OptimState);
    this.stepCount = s.step;
    this.adaptive?.load({ added: s.rarPoints, replaced: s.radPoints ?? null });
    this.causal?.schedule.load(s.causalIndex);
    this.batchCache = null;
    this.lastObjective = null;
  }
}

export function createTrainer(spec: ProblemSpec, options: TrainerOptions = {}): PinnTrainer {
  return new PinnTrainer(spec, options);
}
