// Sequential time-marching (Wight & Zhao 2020; Wang, Wang & Perdikaris 2023, "An expert's guide to training
// physics-informed neural networks"): [t0, t1] is cut into equal windows trained one after another, each by its own
// network. Window k starts from window k-1's trained parameters, draws its points in its own slab only, and replaces
// the problem's initial conditions by data: window k-1's prediction at the window's start, on fixed points. Each
// network then only represents a short stretch of the evolution (what shock-forming or long runs need); errors carry
// from one window to the next. Steps are numbered across the windows, and predict()/evaluate() use each window's
// network on its own slab (t in (t_k, t_k+1]; t0 belongs to the first).
import type { Trainer, StepMetrics, EvalMetrics } from '../optim/trainer.js';
import { PinnTrainer, type TrainerOptions } from './trainer.js';
import { compileProblem, type CompiledProblem, type DataSpec, type ProblemSpec } from './problem.js';
import type { Geometry } from '../meshes/geometry/geometry.js';
import { TimeDomainProduct } from '../meshes/geometry/timeDomain.js';
import { TimeInterval, isTimeGeometry, type TimeGeometry } from '../meshes/geometry/timeInterval.js';
import { TimeWindows } from './timeWindows.js';

export interface SequentialWindowsOptions {
  windows: number;
  /** training steps the windows share equally */
  steps: number;
  /** points on each later window's start where the previous window's prediction is fitted (default 4096) */
  icPoints?: number;
  /** weight of that fit's loss term, `window_ic` (default 1) */
  icWeight?: number;
}

/** The loss term that carries the solution from one window into the next. */
export const WINDOW_IC = 'window_ic';

function slab(g: TimeGeometry, a: number, b: number): TimeGeometry {
  return g instanceof TimeDomainProduct ? new TimeDomainProduct(g.space, a, b) : new TimeInterval(a, b);
}

/** Row indices grouped by owner(row) in [0, owners). */
function groupRows(n: number, owners: number, owner: (row: number) => number): number[][] {
  const groups: number[][] = Array.from({ length: owners }, () => []);
  for (let r = 0; r < n; r++) groups[owner(r)].push(r);
  return groups;
}

/** One window's trainer: its own network on its slab; the earlier windows' frozen networks predict theirs. */
class WindowTrainer extends PinnTrainer {
  constructor(
    problem: CompiledProblem,
    options: TrainerOptions,
    private readonly frozen: readonly Float64Array[],
    private readonly windowOf: (t: number) => number,
    private readonly wholeDomain: Geometry,
  ) {
    super(problem, options);
  }

  override predict(points: Float64Array, n: number): Record<string, Float64Array> {
    if (!this.frozen.length || n === 0) return super.predict(points, n);
    const d = points.length / n;
    const own = this.frozen.length;
    const groups = groupRows(n, own + 1, (r) => Math.min(this.windowOf(points[r * d + d - 1]), own));
    const out: Record<string, Float64Array> = {};
    groups.forEach((rows, w) => {
      if (!rows.length) return;
      const sub = new Float64Array(rows.length * d);
      rows.forEach((r, i) => sub.set(points.subarray(r * d, (r + 1) * d), i * d));
      const part = w < own ? this.predictWith(this.frozen[w], sub, rows.length) : super.predict(sub, rows.length);
      for (const [key, v] of Object.entries(part)) {
        out[key] ??= new Float64Array(n);
        rows.forEach((r, i) => (out[key][r] = v[i]));
      }
    });
    return out;
  }

  protected override evaluationDomain(): Geometry {
    return this.wholeDomain;
  }
}

interface WindowsState {
  format: 'fluxion-pinn-windows-1';
  window: number;
  frozen: number[][];
  trainer: unknown;
}

export class SequentialWindows implements Trainer {
  private readonly geometry: TimeGeometry;
  /** the windows' count, ends and step shares, as the curriculum's (with its checks) */
  private readonly split: TimeWindows;
  private readonly windows: number;
  private readonly steps: number;
  private readonly icPoints: number;
  private readonly icWeight: number;
  private frozen: Float64Array[] = [];
  private window = 0;
  private trainer: WindowTrainer;

  constructor(
    private readonly spec: ProblemSpec,
    private readonly options: TrainerOptions,
    o: SequentialWindowsOptions,
  ) {
    const { windows, steps, icPoints = 4096, icWeight = 1 } = o;
    if (!Number.isInteger(icPoints) || icPoints < 1) throw new Error(`timeMarching.icPoints: expected a positive integer, got ${icPoints}`);
    if (!(icWeight >= 0) || !Number.isFinite(icWeight))
      throw new Error(`timeMarching.icWeight: expected a finite number >= 0, got ${icWeight}`);
    if (!isTimeGeometry(spec.domain))
      throw new Error('timeMarching (sequential): needs a time-domain geometry (meshes timeDomain or timeInterval)');
    const rate = (spec.conditions ?? []).find((c) => c.kind === 'initial' && c.derivative === 1);
    if (rate)
      throw new Error(
        `timeMarching (sequential): windows pass on the fields' values, not their time derivatives; the initial condition '${rate.name ?? 'ic'}' on u_t needs one network over the whole interval`,
      );
    this.geometry = spec.domain;
    const dim = spec.coords.length;
    this.split = new TimeWindows({ windows, steps }, spec.domain.t0, spec.domain.t1, dim - 1, dim);
    this.windows = windows;
    this.steps = steps;
    this.icPoints = icPoints;
    this.icWeight = icWeight;
    this.trainer = this.windowTrainer(0);
  }

  /** Window k's time interval. */
  private bounds(k: number): [number, number] {
    return [this.split.end(k), k === this.windows - 1 ? this.geometry.t1 : this.split.end(k + 1)];
  }

  /** The window owning time t: t in (t_k, t_k+1] -> k, t0 -> 0 (clamped to the interval). */
  private readonly windowOf = (t: number): number => {
    const { t0, t1 } = this.geometry;
    const k = Math.ceil(((t - t0) / (t1 - t0)) * this.windows - 1e-9) - 1;
    return Math.min(this.windows - 1, Math.max(0, k));
  };

  /** The step at which window k starts (the windows share the steps as evenly as integers allow). */
  private start(k: number): number {
    return Math.floor((k * this.steps) / this.windows);
  }

  private windowTrainer(k: number): WindowTrainer {
    const [a, b] = this.bounds(k);
    const conditions =
      k === 0 ? this.spec.conditions : [...(this.spec.conditions ?? []).filter((c) => c.kind !== 'initial'), this.carried(k)];
    const problem = compileProblem({ ...this.spec, domain: slab(this.geometry, a, b), conditions });
    const names = new Set(problem.terms.flatMap((t) => t.losses ?? [t.name]));
    // weights of initial conditions that later windows replace by the carried data are dropped with them
    const kept = Object.entries(this.options.weights ?? {}).filter(([name]) => names.has(name));
    const weights = Object.fromEntries(k === 0 ? kept : [...kept, [WINDOW_IC, this.icWeight]]);
    const options: TrainerOptions = { ...this.options, seed: (this.options.seed ?? 0) + k, timeMarching: undefined, weights };
    const trainer = new WindowTrainer(problem, options, this.frozen.slice(0, k), this.windowOf, this.spec.domain);
    if (k > 0) trainer.setParameters(this.frozen[k - 1]);
    return trainer;
  }

  /** Window k-1's prediction on fixed points at window k's start, as window k's initial data. */
  private carried(k: number): DataSpec {
    const [a, b] = this.bounds(k);
    const x = slab(this.geometry, a, b).sampleInitial(this.icPoints, 'halton', (this.options.seed ?? 0) + k).data;
    const pred = this.trainer.predictWith(this.frozen[k - 1], x, this.icPoints);
    return { kind: 'data', name: WINDOW_IC, points: x, values: Object.fromEntries(this.spec.fields.map((f) => [f, pred[f]])) };
  }

  get step(): number {
    return this.start(this.window) + this.trainer.step;
  }

  trainStep(): StepMetrics {
    let phase: string | undefined;
    if (this.window < this.windows - 1 && this.step >= this.start(this.window + 1)) {
      this.frozen.push(this.trainer.parameters());
      this.window++;
      this.trainer = this.windowTrainer(this.window);
      const [a, b] = this.bounds(this.window);
      phase = `time window ${this.window + 1}/${this.windows}: t in [${a}, ${b}]`;
    }
    const m = this.trainer.trainStep();
    return { ...m, step: this.step, ...(phase ? { phase } : {}) };
  }

  evaluate(): EvalMetrics {
    return this.trainer.evaluate();
  }

  predict(points: Float64Array, n: number): Record<string, Float64Array> {
    return this.trainer.predict(points, n);
  }

  state(): WindowsState {
    return {
      format: 'fluxion-pinn-windows-1',
      window: this.window,
      frozen: this.frozen.map((p) => Array.from(p)),
      trainer: this.trainer.state(),
    };
  }

  load(state: unknown): void {
    const s = state as Partial<WindowsState> | null;
    if (s?.format !== 'fluxion-pinn-windows-1')
      throw new Error(
        `load: expected a time-windowed PINN trainer state (format 'fluxion-pinn-windows-1'), got ${JSON.stringify(s?.format)}`,
      );
    const w = s.window;
    if (typeof w !== 'number' || !Number.isInteger(w) || w < 0 || w >= this.windows)
      throw new Error(`load: state.window must be an integer in [0, ${this.windows - 1}], got ${String(w)}`);
    const size = this.trainer.parameters().length;
    if (!Array.isArray(s.frozen) || s.frozen.length !== w || s.frozen.some((p) => !Array.isArray(p) || p.length !== size))
      throw new Error(`load: state.frozen must hold ${w} parameter vectors of ${size} numbers`);
    this.frozen = s.frozen.map((p) => Float64Array.from(p));
    this.window = w;
    this.trainer = this.windowTrainer(w);
    this.trainer.load(s.trainer);
  }
}
