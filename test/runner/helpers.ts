// Test doubles and fixtures for the runner: a small seeded linear least-squares Trainer, so the
// runner machinery (resume, divergence, outputs) is proven without pinn/ or operators/.
import { expect } from 'chai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Adam } from '../../optim/adam.js';
import type { OptimState } from '../../optim/types.js';
import type { EvalMetrics, StepMetrics, Trainer, TrainerFactory } from '../../runner/trainer.js';
import type { RunConfig } from '../../runner/schema.js';
import { main } from '../../runner/cli.js';

/** splitmix32-style hash of (seed, step, i) -> [0, 1): minibatches are a pure function of the step. */
export function hash01(seed: number, step: number, i: number): number {
  let h = (seed * 0x9e3779b1 + step * 0x85ebca6b + i * 0xc2b2ae35) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x21f0aaad) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x735a2d97) >>> 0;
  return ((h ^ (h >>> 15)) >>> 0) / 4294967296;
}

/** u*(x, y) = 1 + 2x - 3y, the target of the linear fit. */
export const TRUE_W = [1, 2, -3];
const exactU = (x: number, y: number): number => TRUE_W[0] + TRUE_W[1] * x + TRUE_W[2] * y;

export interface QuadraticOptions {
  seed: number;
  lr?: number;
  batch?: number;
  /** Make trainStep return NaN from this step on (divergence tests). */
  nanAtStep?: number;
  /** Extra characters in state() (checkpoint size for disk-full tests); ignored by load(). */
  statePadding?: number;
}

/** Fits u(x,y) = w0 + w1 x + w2 y to u* on random minibatches with Adam (mean squared error). */
export class QuadraticTrainer implements Trainer {
  private w = new Float64Array(3);
  private n = 0;
  private readonly adam: Adam;
  constructor(private readonly o: QuadraticOptions) {
    this.adam = new Adam({ lr: o.lr ?? 0.05 });
  }
  get step(): number {
    return this.n;
  }
  trainStep(): StepMetrics {
    const m = this.o.batch ?? 8;
    const g = new Float64Array(3);
    let loss = 0;
    for (let i = 0; i < m; i++) {
      const x = hash01(this.o.seed, this.n, 2 * i),
        y = hash01(this.o.seed, this.n, 2 * i + 1);
      const r = this.w[0] + this.w[1] * x + this.w[2] * y - exactU(x, y);
      loss += (r * r) / m;
      g[0] += (2 * r) / m;
      g[1] += (2 * r * x) / m;
      g[2] += (2 * r * y) / m;
    }
    this.adam.step(this.w, g);
    this.n++;
    if (this.o.nanAtStep !== undefined && this.n >= this.o.nanAtStep) {
      this.w.fill(NaN);
      loss = NaN;
    }
    return { step: this.n, loss, terms: { fit: loss }, lr: this.o.lr ?? 0.05 };
  }
  evaluate(): EvalMetrics {
    let num = 0,
      den = 0;
    TRUE_W.forEach((t, k) => {
      num += (this.w[k] - t) ** 2;
      den += t * t;
    });
    return { l2re: Math.sqrt(num / den), unknowns: { w0: this.w[0] } };
  }
  predict(points: Float64Array, n: number): Record<string, Float64Array> {
    const dim = points.length / n;
    const u = new Float64Array(n),
      ref = new Float64Array(n),
      err = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const x = points[i * dim],
        y = points[i * dim + 1];
      u[i] = this.w[0] + this.w[1] * x + this.w[2] * y;
      ref[i] = exactU(x, y);
      err[i] = Math.abs(u[i] - ref[i]);
    }
    return { u, u_reference: ref, u_error: err };
  }
  params(): Float64Array {
    return Float64Array.from(this.w);
  }
  state(): { step: number; w: number[]; adam: OptimState; padding?: string } {
    const pad = this.o.statePadding ? { padding: 'x'.repeat(this.o.statePadding) } : {};
    return { step: this.n, w: Array.from(this.w), adam: this.adam.state(), ...pad };
  }
  load(s: unknown): void {
    const st = s as { step: number; w: number[]; adam: OptimState };
    this.w = Float64Array.from(st.w);
    this.adam.load(st.adam);
    this.n = st.step;
  }
}

/** A factory using the config's seed (and the lr when it is a number). */
export function quadraticFactory(extra: Partial<QuadraticOptions> = {}): TrainerFactory {
  return (c: RunConfig) =>
    new QuadraticTrainer({ seed: c.seed, lr: typeof c.training.lr === 'number' ? c.training.lr : undefined, ...extra });
}

export function tempDir(prefix = 'fluxion-runner-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A valid PINN config in YAML (the double ignores the PDE but the runner validates it). */
export function pinnYaml(overrides: string[] = []): string {
  return [
    'kind: pinn',
    'name: linear-fit',
    'seed: 3',
    'geometry: { type: rectangle, min: [0, 0], max: [1, 1] }',
    "pde: ['u - (1 + 2*x - 3*y)']",
    "exact: '1 + 2*x - 3*y'",
    'output: { resolution: [9, 7] }',
    ...overrides,
  ].join('\n');
}

export function writeConfig(dir: string, text: string, file = 'config.yaml'): string {
  const p = join(dir, file);
  writeFileSync(p, `${text}\n`);
  return p;
}

/** Captures what main() prints. */
export function sinks(): { out: string[]; err: string[]; deps: { out: (t: string) => void; err: (t: string) => void } } {
  const out: string[] = [],
    err: string[] = [];
  return { out, err, deps: { out: (t) => void out.push(t), err: (t) => void err.push(t) } };
}

/**
 * `fluxion validate` on a config text in `dir`: asserts exit 2 with one line (no stack) that starts at the key
 * path `path` (`args`: more arguments, e.g. `--set` overrides); returns that line without the `error: ` prefix and the folder.
 */
export async function rejectedAt(dir: string, yaml: string, path: string, args: readonly string[] = []): Promise<string> {
  const file = writeConfig(dir, yaml);
  const s = sinks();
  const code = await main(['validate', file, ...args], s.deps);
  const msg = s.err.join('');
  expect(code, msg).to.equal(2);
  expect(msg.split('\n').filter((l) => l !== '')).to.have.length(1); // one line, no stack
  const body = msg.replace(/^error: /, '').replace(`${dir}/`, '');
  expect(body.startsWith(path), body).to.equal(true);
  return body;
}

/** A small MPM locomotion config (the DiffTaichi walker, 2 environments, 24 steps, one training step); `training`: more keys. */
export function mpmLocomotionYaml(name: string, training = ''): string {
  return [
    'kind: simulation',
    `name: ${name}`,
    'seed: 0',
    'simulator: { type: mpm, n_grid: 32, dt: 0.001, E: 25, nu: 0.25, gravity: -3.8, robot: { body: walker, origin: [0.1, 0.1] } }',
    'controller: { type: mlp, hidden: 8, n_sin: 2 }',
    'task: { type: locomotion, goal: running, goal_range: [0.01, 0.08], envs: 2, eval_goals: 2, horizon: 24 }',
    `training: { steps: 1, optimizer: adam, lr: 0.01, log_every: 1${training} }`,
    'output: { frame_every: 24 }',
  ].join('\n');
}

/** A small learn_material config (a neural law fitted to a generated neo-Hookean square); `training`: the training map. */
export function learnMaterialYaml(training: string): string {
  return [
    'kind: simulation',
    'name: learn',
    'simulator: { type: mpm, n_grid: 16, dt: 4.0e-4, E: 100, material: { type: neural, hidden: [8] } }',
    'task:',
    '  type: learn_material',
    '  data: { type: generate, ground_truth: { material: neoHookean, E: 200, nu: 0.3 }, train: [{ shape: square, centre: [0.5, 0.5], size: 0.25 }], test: [{ shape: disc, centre: [0.5, 0.5], size: 0.3 }] }',
    '  every: 5',
    '  train_steps: 20',
    '  test_steps: 40',
    `training: ${training}`,
  ].join('\n');
}
