// The field context residual functions are written against: fields, their derivatives, coordinates,
// trainable constants. A residual is first run once on a tiny "probe" context that only records
// which derivatives it asks for; the recorded plan then decides which Taylor jets to run, so that
// u_x and u_xx come from one 2nd-order jet along e_x and every field shares the same jets.
import { Tensor } from '../core/tensor.js';
import * as ops from '../core/ops.js';
import { jet } from '../core/api.js';
import { derivative, firstAndSummedSecond } from '../core/derivatives.js';
import { tileDirections, tileRows } from '../core/directions.js';
import { probeSum, type Probes } from '../core/stde.js';
import type { DType } from '../core/dtype.js';

export interface FieldContext {
  /** number of points (rows) */
  readonly n: number;
  readonly dtype: DType;
  /** field value at every point: [N] */
  u(field: string): Tensor;
  /** partial derivative, e.g. d('u', 'xx'), d('u', 'xt'), d('u', ['x', 't']): [N] */
  d(field: string, wrt: string | readonly string[]): Tensor;
  /** Laplacian over the spatial coordinates (all but the time coordinate): [N] */
  lap(field: string): Tensor;
  /** spatial gradient, one [N] tensor per spatial coordinate */
  grad(field: string): Tensor[];
  /** divergence of the vector field made of the given fields (one per spatial coordinate) */
  div(fields: readonly string[]): Tensor;
  /** outward normal derivative (only on boundary points that carry normals) */
  dn(field: string): Tensor;
  /** coordinate column: [N] */
  x(coord: string): Tensor;
  /** trainable (or fixed) named constant: scalar tensor */
  param(name: string): Tensor;
  /** per-point data attached to the points (targets of data terms): [N] */
  input(name: string): Tensor;
}

export type FieldFn = (c: FieldContext) => Tensor | number;

/** Names of coordinates, fields and constants a context resolves; shared by probe and evaluation. */
export interface ContextLayout {
  coords: readonly string[];
  fields: readonly string[];
  /** index of the time coordinate (excluded from lap/grad/div), or -1 */
  timeIndex: number;
}

/** Derivatives a residual needs, found by the probe run. */
export interface DerivativePlan {
  /** max pure order per coordinate direction (0 = none) */
  pureOrder: number[];
  /** mixed multi-indices (two or more nonzero entries), deduplicated */
  mixed: number[][];
  normal: boolean;
  /**
   * lap() is the only use of spatial derivatives, so it runs in collapsed second-order Taylor mode
   * (primal, first order per direction, second order summed) instead of one tiled jet per axis.
   */
  collapsedLaplacian: boolean;
  /** spatial axes whose first derivatives come from that same collapsed pass (no jet of their own) */
  collapsedFirst?: number[];
  /**
   * lap() is estimated from random probes handed to each training batch (STDE); without probes (evaluation,
   * RAR) it runs exactly in collapsed mode. Other derivatives keep their own jets.
   */
  lapByProbes?: boolean;
}

/** Parses 'xt' / 'xx' / ['x','t'] into a multi-index; multi-letter coordinate names match greedily. */
export function multiIndex(layout: ContextLayout, field: string, wrt: string | readonly string[]): number[] {
  const mi = new Array<number>(layout.coords.length).fill(0);
  const names = typeof wrt === 'string' ? splitCoords(layout, wrt, field) : wrt;
  if (names.length === 0) throw new Error(`d('${field}', ...): expected at least one coordinate`);
  for (const name of names) {
    const i = layout.coords.indexOf(name);
    if (i < 0) throw new Error(`d('${field}', ...): unknown coordinate '${name}'; coordinates are ${layout.coords.join(', ')}`);
    mi[i]++;
  }
  return mi;
}

function splitCoords(layout: ContextLayout, s: string, field: string): string[] {
  const byLength = [...layout.coords].sort((a, b) => b.length - a.length);
  const out: string[] = [];
  let at = 0;
  while (at < s.length) {
    const hit = byLength.find((c) => s.startsWith(c, at));
    if (!hit) throw new Error(`d('${field}', '${s}'): cannot split '${s.slice(at)}' into coordinates ${layout.coords.join(', ')}`);
    out.push(hit);
    at += hit.length;
  }
  return out;
}

function checkField(layout: ContextLayout, field: string): number {
  const j = layout.fields.indexOf(field);
  if (j < 0) throw new Error(`unknown field '${field}'; fields are ${layout.fields.join(', ')}`);
  return j;
}

export function spatial(layout: ContextLayout): number[] {
  return layout.coords.map((_, i) => i).filter((i) => i !== layout.timeIndex);
}

/** Shared logic for lap/grad/div on top of d(). */
abstract class ContextBase implements FieldContext {
  abstract readonly n: number;
  abstract readonly dtype: DType;
  constructor(protected readonly layout: ContextLayout) {}
  abstract u(field: string): Tensor;
  protected abstract partial(field: string, mi: number[]): Tensor;
  abstract dn(field: string): Tensor;
  abstract x(coord: string): Tensor;
  abstract param(name: string): Tensor;
  abstract input(name: string): Tensor;

  d(field: string, wrt: string | readonly string[]): Tensor {
    checkField(this.layout, field);
    return this.partial(field, multiIndex(this.layout, field, wrt));
  }

  lap(field: string): Tensor {
    const d = this.layout.coords.length;
    const terms = spatial(this.layout).map((i) =>
      this.partial(
        field,
        Array.from({ length: d }, (_, j) => (j === i ? 2 : 0)),
      ),
    );
    return terms.reduce((a, b) => ops.add(a, b));
  }

  grad(field: string): Tensor[] {
    const d = this.layout.coords.length;
    return spatial(this.layout).map((i) =>
      this.partial(
        field,
        Array.from({ length: d }, (_, j) => (j === i ? 1 : 0)),
      ),
    );
  }

  div(fields: readonly string[]): Tensor {
    const sp = spatial(this.layout);
    if (fields.length !== sp.length) {
      throw new Error(
        `div([${fields.join(', ')}]): expected ${sp.length} fields (one per spatial coordinate ${sp.map((i) => this.layout.coords[i]).join(', ')})`,
      );
    }
    const d = this.layout.coords.length;
    return fields
      .map((f, k) =>
        this.partial(
          f,
          Array.from({ length: d }, (_, j) => (j === sp[k] ? 1 : 0)),
        ),
      )
      .reduce((a, b) => ops.add(a, b));
  }
}

/** Records derivative requests on one dummy point; values are harmless constants (0.5). */
export class ProbeContext extends ContextBase {
  readonly n = 1;
  readonly plan: DerivativePlan;
  private readonly mixedKeys = new Set<string>();

  constructor(
    layout: ContextLayout,
    readonly dtype: DType,
    private readonly params: (name: string) => number,
    private readonly lapByProbes = false,
  ) {
    super(layout);
    this.plan = { pureOrder: new Array<number>(layout.coords.length).fill(0), mixed: [], normal: false, collapsedLaplacian: false };
  }

  /**
   * Set when lap() was asked for; finish() decides between collapsed mode and tiled jets. An object,
   * not a boolean field: residuals may call through Object.create(probe) wrappers, which would
   * shadow an assigned field instead of updating ours.
   */
  private readonly seen = { lap: false };

  override lap(field: string): Tensor {
    checkField(this.layout, field);
    this.seen.lap = true;
    return this.dummy();
  }

  /** The plan after the residual ran: lap() folds into the pure jets unless nothing else needs spatial derivatives. */
  finish(): DerivativePlan {
    if (!this.seen.lap) return this.plan;
    if (this.lapByProbes) return { ...this.plan, lapByProbes: true };
    const sp = spatial(this.layout);
    if (sp.every((i) => this.plan.pureOrder[i] <= 1)) {
      // lap and any first spatial derivatives come out of one collapsed pass along the spatial axes
      this.plan.collapsedLaplacian = true;
      const first = sp.filter((i) => this.plan.pureOrder[i] === 1);
      if (first.length) this.plan.collapsedFirst = first;
      for (const i of first) this.plan.pureOrder[i] = 0;
    } else for (const i of sp) this.plan.pureOrder[i] = Math.max(this.plan.pureOrder[i], 2);
    return this.plan;
  }

  private dummy(): Tensor {
    return ops.broadcastTo(ops.scalar(0.5, this.dtype), [1]);
  }

  u(field: string): Tensor {
    checkField(this.layout, field);
    return this.dummy();
  }

  protected partial(field: string, mi: number[]): Tensor {
    checkField(this.layout, field);
    const nz = mi.filter((a) => a > 0).length;
    if (nz === 1) {
      const i = mi.findIndex((a) => a > 0);
      this.plan.pureOrder[i] = Math.max(this.plan.pureOrder[i], mi[i]);
    } else if (nz > 1 && !this.mixedKeys.has(mi.join(','))) {
      this.mixedKeys.add(mi.join(','));
      this.plan.mixed.push(mi);
    }
    return this.dummy();
  }

  dn(field: string): Tensor {
    checkField(this.layout, field);
    this.plan.normal = true;
    return this.dummy();
  }

  x(coord: string): Tensor {
    if (!this.layout.coords.includes(coord))
      throw new Error(`unknown coordinate '${coord}'; coordinates are ${this.layout.coords.join(', ')}`);
    return this.dummy();
  }

  param(name: string): Tensor {
    return ops.broadcastTo(ops.scalar(this.params(name), this.dtype), []);
  }

  input(_name: string): Tensor {
    return this.dummy();
  }
}

export interface EvalInputs {
  /** row-wise network (after any output transform): [N, d] -> [N, fields] */
  net: (x: Tensor) => Tensor;
  /** points [N, d] */
  x: Tensor;
  /** outward normals [N, d] (boundary terms) */
  normals?: Tensor;
  /** named constants (trainable unknowns and fixed ones) as scalar tensors */
  params: Record<string, Tensor>;
  /** per-point data columns [N] */
  inputs?: Record<string, Tensor>;
  /** STDE probes for lap() (plan.lapByProbes), drawn afresh for every training batch */
  lapProbes?: Probes;
}

/** Evaluates fields and derivatives following a plan: one jet per distinct pure order, all fields at once. */
export class EvalContext extends ContextBase {
  readonly n: number;
  readonly dtype: DType;
  private values: Tensor | null = null;
  /** key 'i:k' -> [N, fields] k-th derivative along e_i */
  private readonly pure = new Map<string, Tensor>();
  private readonly mixedCache = new Map<string, Tensor>();
  private normalCache: Tensor | null = null;

  constructor(
    layout: ContextLayout,
    private readonly inp: EvalInputs,
    private readonly plan: DerivativePlan,
  ) {
    super(layout);
    this.n = inp.x.shape[0];
    this.dtype = inp.x.dtype;
    this.runPureJets(plan);
    if (plan.collapsedFirst?.length && !(plan.lapByProbes && inp.lapProbes)) this.runCollapsed();
  }

  /** The collapsed pass along every spatial axis: lap, and the first derivatives the plan routed here. */
  private runCollapsed(): Tensor {
    const sp = spatial(this.layout);
    const d = this.layout.coords.length;
    const dirs = sp.map((i) => Array.from({ length: d }, (_, j) => (j === i ? 1 : 0)));
    const { value, first, second } = firstAndSummedSecond(this.inp.net, this.inp.x, dirs);
    this.values ??= value;
    sp.forEach((i, p) => {
      if (this.plan.collapsedFirst?.includes(i)) this.pure.set(`${i}:1`, ops.sliceAxis(first, 0, p * this.n, (p + 1) * this.n));
    });
    this.mixedCache.set('lap', second);
    return second;
  }

  private runPureJets(plan: DerivativePlan): void {
    const d = this.layout.coords.length;
    const N = this.n;
    const orders = [...new Set(plan.pureOrder.filter((k) => k > 0))];
    for (const K of orders) {
      const axes = plan.pureOrder.map((k, i) => (k === K ? i : -1)).filter((i) => i >= 0);
      const dirs = axes.map((i) => Array.from({ length: d }, (_, j) => (j === i ? 1 : 0)));
      const series: Array<Tensor | null> = [tileDirections(dirs, N, this.dtype), ...Array<null>(K - 1).fill(null)];
      const [y, ys] = jet(this.inp.net, tileRows(this.inp.x, axes.length), series);
      if (!this.values) this.values = ops.sliceAxis(y, 0, 0, N);
      axes.forEach((i, p) => {
        for (let k = 1; k <= K; k++) this.pure.set(`${i}:${k}`, ops.sliceAxis(ys[k - 1], 0, p * N, (p + 1) * N));
      });
    }
  }

  override lap(field: string): Tensor {
    if (!this.plan.collapsedLaplacian && !this.plan.lapByProbes) return super.lap(field);
    checkField(this.layout, field);
    // cached in a map (shared with Object.create wrappers of this context), all fields at once
    let y = this.mixedCache.get('lap');
    if (!y) {
      const { lapProbes, net, x } = this.inp;
      if (lapProbes && this.plan.lapByProbes) this.mixedCache.set('lap', (y = probeSum(net, x, lapProbes, 2)));
      else y = this.runCollapsed();
    }
    return this.column(y, field);
  }

  private column(y: Tensor, field: string): Tensor {
    const j = checkField(this.layout, field);
    return ops.reshape(ops.sliceAxis(y, 1, j, j + 1), [this.n]);
  }

  u(field: string): Tensor {
    if (!this.values) this.values = this.inp.net(this.inp.x);
    return this.column(this.values, field);
  }

  protected partial(field: string, mi: number[]): Tensor {
    const nz = mi.filter((a) => a > 0).length;
    if (nz === 0) return this.u(field);
    if (nz === 1) {
      const i = mi.findIndex((a) => a > 0);
      const y = this.pure.get(`${i}:${mi[i]}`);
      // a derivative the probe did not see (data-dependent control flow): compute it on its own
      return this.column(y ?? derivative(this.inp.net, this.inp.x, mi), field);
    }
    const key = mi.join(',');
    let y = this.mixedCache.get(key);
    if (!y) {
      y = derivative(this.inp.net, this.inp.x, mi);
      this.mixedCache.set(key, y);
    }
    return this.column(y, field);
  }

  dn(field: string): Tensor {
    if (!this.inp.normals) throw new Error(`dn('${field}'): these points carry no normals (normal derivatives are for boundary terms)`);
    if (!this.normalCache) this.normalCache = jet(this.inp.net, this.inp.x, [this.inp.normals])[1][0];
    return this.column(this.normalCache, field);
  }

  x(coord: string): Tensor {
    const i = this.layout.coords.indexOf(coord);
    if (i < 0) throw new Error(`unknown coordinate '${coord}'; coordinates are ${this.layout.coords.join(', ')}`);
    return ops.reshape(ops.sliceAxis(this.inp.x, 1, i, i + 1), [this.n]);
  }

  param(name: string): Tensor {
    const p = this.inp.params[name];
    if (!p) throw new Error(`unknown constant '${name}'; known: ${Object.keys(this.inp.params).join(', ') || '(none)'}`);
    return p;
  }

  input(name: string): Tensor {
    const t = this.inp.inputs?.[name];
    if (!t) throw new Error(`no per-point input '${name}' on these points`);
    return t;
  }
}

/** Runs `residual` on a probe context and returns the derivative plan it needs. */
export function planFor(
  layout: ContextLayout,
  dtype: DType,
  params: (name: string) => number,
  residual: (c: FieldContext) => unknown,
  lapByProbes = false,
): DerivativePlan {
  const probe = new ProbeContext(layout, dtype, params, lapByProbes);
  residual(probe);
  return probe.finish();
}

export const asTensorLike = (v: Tensor | number, c: FieldContext): Tensor =>
  v instanceof Tensor ? v : ops.broadcastTo(ops.scalar(v, c.dtype), [c.n]);
