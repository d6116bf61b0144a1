// Run directory outputs: metrics.jsonl, summary.json and fields/*.vti|.vtp (+ .pvd series).
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeVtk, writePvd, uniformGrid, type Geometry, type VtkArrayInput } from '../meshes/index.js';
import { appendFileIo, writeFileAtomic } from './fsio.js';
import type { DivergenceCriterion } from './errors.js';
import type { StopSignal } from './signals.js';
import type { ChaosReport, EvalMetrics, FieldOutput, StepMetrics } from './trainer.js';
import type { Convergence } from '../optim/types.js';

export interface MetricsRecord {
  step: number;
  loss: number;
  terms: Record<string, number>;
  weights?: Record<string, number>;
  lr?: number;
  /** Cumulative training wall time in seconds. */
  wall_time: number;
  /** Test error (relative L2) when the trainer has an exact solution or reference. */
  l2re?: number;
  per_field?: Record<string, number>;
  unknowns?: Record<string, number>;
  /** Relative error of each unknown named in the config's true_values. */
  unknowns_rel_error?: Record<string, number>;
  /** The training phase that starts at this step (e.g. 'finetune: lbfgs (f32)'). */
  phase?: string;
  /** The optimizer's tolerance that was met at this step (the run stops here). */
  converged?: Convergence;
  /** The divergence test that stopped the run at this step (its message is in summary.json). */
  diverged?: DivergenceCriterion;
  /** Causal training: the epsilon of this step and the smallest chunk weight. */
  causal?: { epsilon: number; min_weight: number };
  /** Simulations: the gradient's Euclidean norm before clipping. */
  grad_norm?: number;
  /** PINNs on fixed points: RMS PDE residual on fresh points / on the training points. */
  residual_ratio?: number;
  /** Task scores (locomotion: goal_distance and success_rate on held-out goals). */
  task?: Record<string, number>;
  /** Warnings raised at this step (step and evaluation). */
  warnings?: string[];
  /** Simulations with training.chaos_check, at the steps it ran. */
  chaos?: ChaosRecord;
  /** keep_best: this step's held-out PDE residual, and the lowest so far with its step. */
  held_out?: { residual: number; best: number; best_step: number };
}

/** The chaos guard's measurement (optim/trainer.ts ChaosReport) in snake_case. */
export interface ChaosRecord {
  step: number;
  exponent: number;
  growth_per_step: number;
  amplification: number;
  window_amplification?: number;
  horizon: number;
  seconds: number;
}

/** The chaos guard's report as written to metrics.jsonl and summary.json (snake_case keys). */
export function chaosRecord(c: ChaosReport): ChaosRecord {
  return {
    step: c.step,
    exponent: c.exponent,
    growth_per_step: c.growthPerStep,
    amplification: c.amplification,
    ...(c.windowAmplification !== undefined ? { window_amplification: c.windowAmplification } : {}),
    horizon: c.horizon,
    seconds: c.seconds,
  };
}

export function metricsRecord(m: StepMetrics, ev: EvalMetrics, wallTime: number): MetricsRecord {
  const r: MetricsRecord = { step: m.step, loss: m.loss, terms: m.terms, wall_time: wallTime };
  if (m.weights) r.weights = m.weights;
  if (m.lr !== undefined) r.lr = m.lr;
  if (ev.l2re !== undefined) r.l2re = ev.l2re;
  if (ev.perField) r.per_field = ev.perField;
  if (ev.unknowns) r.unknowns = ev.unknowns;
  if (ev.unknownErrors) r.unknowns_rel_error = ev.unknownErrors;
  if (m.phase) r.phase = m.phase;
  if (m.converged) r.converged = m.converged;
  if (m.gradNorm !== undefined) r.grad_norm = m.gradNorm;
  if (m.causal) r.causal = { epsilon: m.causal.epsilon, min_weight: m.causal.minWeight };
  if (ev.residualRatio !== undefined) r.residual_ratio = ev.residualRatio;
  if (ev.task) r.task = ev.task;
  if (ev.chaos) r.chaos = chaosRecord(ev.chaos);
  if (m.heldOut) r.held_out = { residual: m.heldOut.residual, best: m.heldOut.best, best_step: m.heldOut.bestStep };
  const warnings = [...(m.warnings ?? []), ...(ev.warnings ?? [])];
  if (warnings.length) r.warnings = warnings;
  return r;
}

/** Append-only metrics.jsonl; on resume, lines after the checkpoint's step are dropped first. */
export class MetricsLog {
  constructor(readonly path: string) {}

  reset(): void {
    writeFileAtomic(this.path, '');
  }

  /**
   * Keeps the lines an uninterrupted run would have at `step`: earlier steps, and `step` itself only
   * on the logging grid or at a phase start (the stopped run's extra final-step line is not part of a longer run).
   */
  truncateAfter(step: number, logEvery: number): void {
    if (!existsSync(this.path)) return this.reset();
    const kept = readFileSync(this.path, 'utf8')
      .split('\n')
      .filter((line) => {
        if (line.trim() === '') return false;
        try {
          const r = JSON.parse(line) as MetricsRecord;
          // phase starts are logged by every run, like the grid steps
          return r.step < step || (r.step === step && (r.step % logEvery === 0 || r.phase !== undefined));
        } catch {
          return false; // a torn last line from a killed run
        }
      });
    writeFileAtomic(this.path, kept.map((l) => `${l}\n`).join(''));
  }

  append(r: MetricsRecord): void {
    appendFileIo(this.path, `${JSON.stringify(r)}\n`);
  }
}

export function readMetrics(path: string): MetricsRecord[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as MetricsRecord);
}

/** 'failed': an output could not be written (exit 4; written only if the disk still takes it). */
export type RunStatus = 'completed' | 'interrupted' | 'diverged' | 'failed';

/** Why a run ended before training.steps, and at which step. */
export type StopReason =
  | { reason: 'converged'; criterion: Convergence; step: number }
  | { reason: 'diverged'; criterion: DivergenceCriterion; step: number }
  | { reason: 'interrupted'; signal: StopSignal; step: number };

export interface Summary {
  name: string;
  kind: string;
  status: RunStatus;
  steps: number;
  wall_time: number;
  backend: string;
  loss?: number;
  terms?: Record<string, number>;
  l2re?: number;
  per_field?: Record<string, number>;
  unknowns?: Record<string, number>;
  unknowns_rel_error?: Record<string, number>;
  /** Task scores at the end (locomotion: goal_distance and success_rate on held-out goals). */
  task?: Record<string, number>;
  resumed_from?: number;
  message?: string;
  fields?: string[];
  /**
   * Every distinct warning of the run (this invocation): settings that were valid but probably unintended
   * (printed before training) and warnings raised while training.
   */
  warnings?: string[];
  /** Why the run ended before training.steps: the optimizer's tolerance was met, it diverged, or a signal. */
  stopped?: StopReason;
  /** training.chaos_check (simulations): the last measurement of the rollout's growth. */
  chaos?: ChaosRecord;
  /** keep_best: the step whose parameters the outputs and errors are of, and its held-out PDE residual. */
  selected?: { step: number; held_out_residual: number };
}

export function writeSummary(dir: string, s: Summary): void {
  writeFileAtomic(join(dir, 'summary.json'), `${JSON.stringify(s, null, 2)}\n`);
}

/**
 * The evaluation grid over the domain's bounding box (time is the last axis). A domain of more than 3 axes
 * is shown on the plane of its first two axes through the centre of the box (the other coordinates fixed).
 */
export function evaluationGrid(
  domain: Geometry,
  resolution: number | readonly number[],
): { counts: number[]; origin: number[]; spacing: number[]; points: Float64Array; inside: Uint8Array } {
  const d = domain.dim;
  const axes = d > 3 ? 2 : d;
  const counts =
    typeof resolution === 'number' ? new Array<number>(axes).fill(resolution) : axes < d ? resolution.slice(0, axes) : [...resolution];
  const { min, max } = domain.bbox;
  const g = uniformGrid({ min: Array.from(min).slice(0, axes), max: Array.from(max).slice(0, axes) }, counts);
  let points = g.points.data;
  if (axes < d) {
    const n = points.length / axes;
    points = new Float64Array(n * d);
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < d; k++) points[i * d + k] = k < axes ? g.points.data[i * axes + k] : 0.5 * (min[k] + max[k]);
    }
  }
  return { counts, origin: Array.from(g.origin), spacing: Array.from(g.spacing), points, inside: domain.inside({ data: points, dim: d }) };
}

/** Prediction, reference and absolute error at the reference data's own points (no interpolation). */
export function referenceFields(
  predict: (p: Float64Array, n: number) => Record<string, Float64Array>,
  ref: { points: Float64Array; values: Record<string, Float64Array> },
  dim: number,
): FieldOutput {
  const n = ref.points.length / dim;
  const pred = predict(ref.points, n);
  const pointData: Record<string, Float64Array> = {};
  for (const [f, v] of Object.entries(ref.values)) {
    const p = pred[f];
    if (!p) continue;
    pointData[f] = Float64Array.from(p.subarray(0, n));
    pointData[`${f}_reference`] = v;
    pointData[`${f}_error`] = Float64Array.from(v, (r, i) => Math.abs(p[i] - r));
  }
  return { kind: 'points', name: 'reference', points: ref.points, dim, pointData };
}

/** Prediction (and reference/error, as the trainer returns them) on the evaluation grid. */
export function gridFields(
  predict: (p: Float64Array, n: number) => Record<string, Float64Array>,
  domain: Geometry,
  resolution: number | readonly number[],
): FieldOutput {
  const g = evaluationGrid(domain, resolution);
  const n = g.inside.length;
  const values = predict(g.points, n);
  const pointData: Record<string, Float64Array> = {};
  for (const [k, v] of Object.entries(values)) {
    if (v.length % n !== 0) throw new Error(`predict: field '${k}' has ${v.length} values for ${n} points`);
    pointData[k] = Float64Array.from(v);
  }
  // Points in the bounding box but outside the geometry (CSG holes) are marked, not dropped.
  pointData.inside = Float64Array.from(g.inside);
  return { kind: 'grid', name: 'solution', counts: g.counts, origin: g.origin, spacing: g.spacing, pointData };
}

function pad3(v: readonly number[], fill: number): [number, number, number] {
  return [v[0] ?? fill, v[1] ?? fill, v[2] ?? fill];
}

function arrays(pointData: Record<string, Float64Array>, nPoints: number): VtkArrayInput[] {
  return Object.entries(pointData).map(([name, values]) => ({ name, values, components: values.length / nPoints }));
}

/** Writes every output under dir/fields (replacing earlier ones); returns the grid files and .pvd series. */
export function writeFields(dir: string, outputs: readonly FieldOutput[]): string[] {
  const fieldsDir = join(dir, 'fields');
  rmSync(fieldsDir, { recursive: true, force: true });
  mkdirSync(fieldsDir, { recursive: true });
  const written: string[] = [];
  const series = new Map<string, { file: string; time: number }[]>();
  for (const o of outputs) {
    if (o.kind === 'grid') {
      const file = `${o.name}.vti`;
      const n = o.counts.reduce((a, b) => a * b, 1);
      writeVtk(join(fieldsDir, file), {
        kind: 'ImageData',
        dims: pad3(o.counts, 1),
        origin: pad3(o.origin, 0),
        spacing: pad3(o.spacing, 1),
        pointData: arrays(o.pointData, n),
      });
      written.push(file);
    } else if (o.kind === 'points') {
      const file = `${o.name}.vtp`;
      const n = o.points.length / o.dim;
      writeVtk(join(fieldsDir, file), {
        kind: 'PolyData',
        points: o.points,
        pointDim: o.dim,
        verts: { connectivity: Int32Array.from({ length: n }, (_, i) => i), offsets: Int32Array.from({ length: n }, (_, i) => i + 1) },
        pointData: arrays(o.pointData, n),
      });
      written.push(file);
    } else {
      const frames = series.get(o.name) ?? [];
      const file = `${o.name}_${String(frames.length).padStart(4, '0')}.vtp`;
      const n = o.points.length / o.dim;
      const lines =
        o.lines && o.lines.length > 0
          ? { connectivity: o.lines, offsets: Int32Array.from({ length: o.lines.length / 2 }, (_, i) => 2 * (i + 1)) }
          : undefined;
      writeVtk(join(fieldsDir, file), {
        kind: 'PolyData',
        points: o.points,
        pointDim: o.dim,
        verts: { connectivity: Int32Array.from({ length: n }, (_, i) => i), offsets: Int32Array.from({ length: n }, (_, i) => i + 1) },
        lines,
        pointData: arrays(o.pointData, n),
      });
      frames.push({ file, time: o.time ?? o.step });
      series.set(o.name, frames);
    }
  }
  for (const [name, frames] of series) {
    writePvd(
      join(fieldsDir, `${name}.pvd`),
      frames.map((f) => ({ file: f.file, time: f.time })),
    );
    written.push(`${name}.pvd`);
  }
  return written;
}
