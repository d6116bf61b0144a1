// `fluxion run`: drive a Trainer step by step, log metrics, checkpoint, stop on divergence or
// SIGINT/SIGTERM, and write fields and summary at the end.
import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
// the package entry, so that 'gpu' is available to setBackend in Node (see index.ts)
import { setBackend, getBackend, type BackendName } from '../index.js';
import { loadConfig, resolvedYaml } from './config.js';
import { overridesComment, type Override } from './overrides.js';
import { readCheckpoint, writeCheckpoint, type Checkpoint } from './checkpoint.js';
import { ConfigError, DivergenceError, EXIT, IoError, type DivergenceCriterion } from './errors.js';
import { withIo, writeFileAtomic } from './fsio.js';
import { lockRunDir } from './runDir.js';
import { StopSignals, signalExitCode } from './signals.js';
import { buildDomain } from './geometry.js';
import { createTrainer } from './kinds.js';
import { checkPinnConfig, pinnProblem } from './pinnAdapter.js';
import { checkOperatorConfig } from './operatorAdapter.js';
import { checkSimulationConfig } from './simulation.js';
import { checkInverseConfig } from './inverseAdapter.js';
import {
  MetricsLog,
  gridFields,
  referenceFields,
  metricsRecord,
  chaosRecord,
  writeFields,
  writeSummary,
  type RunStatus,
  type Summary,
} from './outputs.js';
import { makeProgress, type Progress } from './progress.js';
import { runWarnings } from './warnings.js';
import type { RunConfig } from './schema.js';
import { applyBackend, type RunBackend } from './backendChoice.js';
import type { ChaosReport, EvalMetrics, FieldOutput, StepMetrics, Trainer, TrainerFactory } from './trainer.js';
import { checkedThreadBudget } from './threads.js';

export interface RunOptions {
  configPath: string;
  /** Run directory; default runs/<name>. */
  outDir?: string;
  resume?: boolean;
  backend?: RunBackend;
  /** Overrides training.steps. */
  steps?: number;
  /** `--set key.path=value` assignments, applied to the config file's data before validation. */
  overrides?: readonly Override[];
  /** The directory relative paths of the config are resolved against (default: the config file's). */
  configDir?: string;
  quiet?: boolean;
  /** Replaces the kind's trainer (tests use a small double). */
  trainerFactory?: TrainerFactory;
  /** Where messages go (default stderr). */
  log?: (line: string) => void;
}

export interface RunResult {
  exitCode: number;
  outDir: string;
  summary?: Summary;
}

/** Hash of what must not change between a checkpoint and its resume. */
export function configHash(config: RunConfig): string {
  const { training, backend: _backend, ...rest } = config;
  const { steps: _steps, log_every: _log, checkpoint_every: _ckpt, ...trainingRest } = training;
  return createHash('sha256')
    .update(JSON.stringify({ ...rest, training: trainingRest }))
    .digest('hex')
    .slice(0, 16);
}

/** First non-finite quantity of a step, for the divergence message. */
function nonFinite(m: StepMetrics): string | undefined {
  if (!Number.isFinite(m.loss)) return `loss is ${m.loss}`;
  for (const [k, v] of Object.entries(m.terms)) if (!Number.isFinite(v)) return `loss term '${k}' is ${v}`;
  return undefined;
}

/** The divergence test a step fails, with its message, or undefined. */
function divergence(m: StepMetrics, bestLoss: number, factor: number): { criterion: DivergenceCriterion; detail: string } | undefined {
  const bad = nonFinite(m);
  if (bad !== undefined) return { criterion: 'non_finite', detail: bad };
  // Only meaningful for positive losses (simulation objectives such as -distance can be negative).
  if (bestLoss > 0 && m.loss > factor * bestLoss) {
    return {
      criterion: 'divergence_factor',
      detail: `loss ${m.loss.toExponential(3)} exceeds ${factor} x the best loss ${bestLoss.toExponential(3)} (training.divergence_factor)`,
    };
  }
  return undefined;
}

const yieldToEventLoop = (): Promise<void> => new Promise((r) => setImmediate(r));
/** Steps are synchronous; the loop yields this often so a signal handler can run. */
const YIELD_EVERY_MS = 10;

interface LoopOutcome {
  status: RunStatus;
  message?: string;
  wall: number;
  last?: StepMetrics;
  eval: EvalMetrics;
  stopped?: Summary['stopped'];
  selected?: Summary['selected'];
}

class RunLoop {
  constructor(
    private readonly config: RunConfig,
    private readonly trainer: Trainer,
    private readonly outDir: string,
    private readonly progress: Progress,
    private readonly metrics: MetricsLog,
    private readonly hash: string,
    /** prints a warning without garbling the progress bar */
    private readonly warn: (line: string) => void,
    private readonly signals: StopSignals,
  ) {}

  /** Distinct warnings so far, each printed once. */
  readonly warnings = new Set<string>();
  /** The last chaos_check measurement (simulations), for the summary. */
  chaos: ChaosReport | undefined;

  private evaluate(): EvalMetrics {
    const ev = this.trainer.evaluate();
    if (ev.chaos) this.chaos = ev.chaos;
    return ev;
  }

  private noteWarnings(list: readonly string[] | undefined): void {
    for (const w of list ?? []) {
      if (this.warnings.has(w)) continue;
      this.warnings.add(w);
      this.warn(`warning: ${w}`);
    }
  }

  private wallBase = 0;
  private t0 = performance.now();
  private bestLoss = Infinity;
  private lastCheckpointStep = -1;
  private lastMetrics: StepMetrics | undefined;
  private lastEval: EvalMetrics = {};

  /** Cumulative training wall time in seconds (across resumes). */
  wall(): number {
    return this.wallBase + (performance.now() - this.t0) / 1000;
  }

  restore(ckpt: Checkpoint): void {
    this.trainer.load(ckpt.trainer);
    if (this.trainer.step !== ckpt.step)
      throw new Error(`resume: trainer reports step ${this.trainer.step} after loading a step-${ckpt.step} checkpoint`);
    this.wallBase = ckpt.wallTime;
    this.bestLoss = ckpt.bestLoss ?? Infinity;
    this.lastCheckpointStep = ckpt.step;
  }

  /** '; last good checkpoint: step N in DIR' (or that none was written), for error messages. */
  lastGood(): string {
    return this.lastCheckpointStep >= 0
      ? `; last good checkpoint: step ${this.lastCheckpointStep} in ${join(this.outDir, 'checkpoint')}`
      : '; no checkpoint was written yet';
  }

  private checkpoint(wall: number): void {
    try {
      writeCheckpoint(join(this.outDir, 'checkpoint'), {
        version: 1,
        step: this.trainer.step,
        wallTime: wall,
        bestLoss: this.bestLoss,
        configHash: this.hash,
        trainer: this.trainer.state(),
      });
    } catch (e) {
      if (e instanceof IoError) throw new IoError(`${e.message}${this.lastGood()}`);
      throw e;
    }
    this.lastCheckpointStep = this.trainer.step;
  }

  /**
   * The end of a completed run: the trainer's finish (keep_best may go back to earlier parameters, which are then
   * evaluated afresh), then the final checkpoint. `lastEval`: the evaluation of the last step, if it was logged.
   */
  private completed(wall: () => number, lastEval: EvalMetrics | undefined): LoopOutcome {
    const report = this.trainer.finish?.();
    if (report) this.progress.log(report.message);
    if (report || this.lastCheckpointStep !== this.trainer.step) this.checkpoint(wall());
    return {
      status: 'completed',
      wall: wall(),
      last: this.lastMetrics,
      eval: report || !lastEval ? this.evaluate() : lastEval,
      ...(report ? { selected: { step: report.selectedStep, held_out_residual: report.heldOutResidual } } : {}),
    };
  }

  async run(): Promise<LoopOutcome> {
    const t = this.config.training;
    this.t0 = performance.now();
    const wall = (): number => this.wall();
    this.progress.start(t.steps, this.trainer.step);
    try {
      let lastYield = -Infinity;
      while (this.trainer.step < t.steps) {
        if (performance.now() - lastYield >= YIELD_EVERY_MS) {
          await yieldToEventLoop();
          lastYield = performance.now();
        }
        const signal = this.signals.received;
        if (signal !== undefined) {
          this.checkpoint(wall());
          const step = this.trainer.step;
          const by = signal === 'SIGINT' ? '' : ` by ${signal}`;
          // evaluated now: the last logged evaluation may be steps old (unknowns moved since)
          return {
            status: 'interrupted',
            message: `interrupted at step ${step}${by}; checkpoint written, continue with --resume`,
            wall: wall(),
            last: this.lastMetrics,
            eval: this.evaluate(),
            stopped: { reason: 'interrupted', signal, step },
          };
        }
        const m = this.trainer.trainStep();
        const div = divergence(m, this.bestLoss, t.divergence_factor);
        const step = m.step;
        if (m.phase) this.progress.log(`step ${step}: ${m.phase}`);
        const logged =
          step % t.log_every === 0 || step === t.steps || div !== undefined || m.phase !== undefined || m.converged !== undefined;
        const ev = logged && div?.criterion !== 'non_finite' ? this.evaluate() : {};
        this.noteWarnings(m.warnings);
        this.noteWarnings(ev.warnings);
        if (logged) this.metrics.append({ ...metricsRecord(m, ev, wall()), ...(div ? { diverged: div.criterion } : {}) });
        if (div !== undefined)
          throw new DivergenceError(`training diverged at step ${step}: ${div.detail}${this.lastGood()}`, {
            criterion: div.criterion,
            step,
          });
        this.bestLoss = Math.min(this.bestLoss, m.loss);
        this.lastMetrics = m;
        if (logged) this.lastEval = ev;
        this.progress.update(step, m.loss, ev.l2re, logged);
        if (step % t.checkpoint_every === 0) this.checkpoint(wall());
        if (m.converged) {
          // the optimizer's configured tolerance is met: further steps would not change the result
          this.progress.log(`step ${step}: converged (${m.converged}); stopping early`);
          return { ...this.completed(wall, this.lastEval), last: m, stopped: { reason: 'converged', criterion: m.converged, step } };
        }
      }
      return this.completed(wall, this.lastMetrics ? this.lastEval : undefined);
    } finally {
      this.progress.stop();
    }
  }
}

function fieldOutputs(config: RunConfig, trainer: Trainer, configDir: string): FieldOutput[] {
  if (trainer.fields) return trainer.fields();
  if (config.kind === 'pinn') {
    const predict = (p: Float64Array, n: number) => trainer.predict(p, n);
    const out = [gridFields(predict, buildDomain(config.geometry, config.time), config.output.resolution)];
    if (config.reference !== undefined) {
      const { spec } = pinnProblem(config, { configDir });
      if (spec.reference) out.push(referenceFields(predict, spec.reference, spec.coords.length));
    }
    return out;
  }
  return [];
}

export async function runConfig(o: RunOptions): Promise<RunResult> {
  // The backend is process-wide: put it back afterwards so in-process callers (tests) are unaffected.
  const previous = getBackend() as BackendName;
  try {
    return await runInDir(o);
  } finally {
    setBackend(previous);
  }
}

async function runInDir(o: RunOptions): Promise<RunResult> {
  const log = o.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  checkedThreadBudget(); // a bad FLUXION_THREADS exits 2 now, not at the kernels' first compile
  const deprecations: string[] = [];
  const config = loadConfig(o.configPath, (w) => deprecations.push(w), o.overrides);
  if (o.steps !== undefined) config.training.steps = o.steps;
  const warnings = [...deprecations, ...runWarnings(config, o.steps)];
  for (const w of warnings) log(`warning: ${w}`);
  if (o.backend !== undefined) config.backend = o.backend;
  const outDir = resolve(o.outDir ?? join('runs', config.name));
  await applyBackend(config.backend);

  // held until this function returns or throws; a signal before training starts releases it and ends the process
  const lock = lockRunDir(outDir);
  const signals = new StopSignals(() => lock.release());
  try {
    return await runLocked(o, config, warnings, outDir, signals, log);
  } finally {
    signals.dispose();
    lock.release();
  }
}

async function runLocked(
  o: RunOptions,
  config: RunConfig,
  warnings: string[],
  outDir: string,
  signals: StopSignals,
  log: (line: string) => void,
): Promise<RunResult> {
  const ckptDir = join(outDir, 'checkpoint');
  const hash = configHash(config);
  const configDir = o.configDir ?? dirname(resolve(o.configPath));
  let ckpt: Checkpoint | undefined;
  if (o.resume) {
    ckpt = readCheckpoint(ckptDir, { warn: (w) => log(`warning: ${w}`) });
    if (!ckpt) throw new ConfigError(`--resume: no checkpoint in ${ckptDir}`);
    if (ckpt.configHash !== hash)
      throw new ConfigError(
        `--resume: the checkpoint in ${ckptDir} was written for a different config (only training.steps, log_every, checkpoint_every and backend may change)`,
      );
    if (ckpt.step > config.training.steps)
      throw new ConfigError(`--steps: expected at least the checkpoint's step ${ckpt.step}, got ${config.training.steps}`);
  }

  const trainer = await (o.trainerFactory ?? createTrainer)(config, { configDir });
  writeFileAtomic(join(outDir, 'config.resolved.yaml'), resolvedYaml(config, overridesComment(o.overrides ?? [])));
  const metrics = new MetricsLog(join(outDir, 'metrics.jsonl'));
  if (ckpt) {
    metrics.truncateAfter(ckpt.step, config.training.log_every);
  } else {
    withIo(ckptDir, () => rmSync(ckptDir, { recursive: true, force: true }));
    metrics.reset();
  }

  const progress = makeProgress({ quiet: !!o.quiet });
  const warn = (line: string): void => (o.quiet ? log(line) : progress.log(line));
  const loop = new RunLoop(config, trainer, outDir, progress, metrics, hash, warn, signals);
  if (ckpt) loop.restore(ckpt);
  const base: Omit<Summary, 'status' | 'steps' | 'wall_time'> = {
    name: config.name,
    kind: config.kind,
    backend: getBackend(),
    ...(ckpt ? { resumed_from: ckpt.step } : {}),
    ...(warnings.length ? { warnings } : {}),
  };
  let outcome: LoopOutcome;
  try {
    outcome = await signals.defer(() => loop.run());
  } catch (e) {
    if (e instanceof DivergenceError) {
      const stopped = e.stop ? { stopped: { reason: 'diverged' as const, ...e.stop } } : {};
      writeSummary(outDir, { ...base, status: 'diverged', steps: trainer.step, wall_time: loop.wall(), ...stopped, message: e.message });
    } else if (e instanceof IoError) {
      try {
        writeSummary(outDir, { ...base, status: 'failed', steps: trainer.step, wall_time: loop.wall(), message: e.message });
      } catch {
        // the disk that failed may refuse this too; the error itself is what the user sees
      }
    }
    throw e;
  }
  const summary: Summary = {
    ...base,
    status: outcome.status,
    steps: trainer.step,
    wall_time: outcome.wall,
    loss: outcome.last?.loss,
    terms: outcome.last?.terms,
    l2re: outcome.eval.l2re,
    per_field: outcome.eval.perField,
    unknowns: outcome.eval.unknowns,
    unknowns_rel_error: outcome.eval.unknownErrors,
    task: outcome.eval.task,
    ...(loop.chaos ? { chaos: chaosRecord(loop.chaos) } : {}),
    ...(outcome.stopped ? { stopped: outcome.stopped } : {}),
    ...(outcome.selected ? { selected: outcome.selected } : {}),
    ...(outcome.message ? { message: outcome.message } : {}),
  };
  const allWarnings = [...new Set([...warnings, ...loop.warnings])];
  if (allWarnings.length) summary.warnings = allWarnings;
  if (outcome.status === 'completed') {
    const fields = fieldOutputs(config, trainer, configDir);
    summary.fields = withIo(join(outDir, 'fields'), () => writeFields(outDir, fields));
  }
  writeSummary(outDir, summary);
  if (outcome.message) log(outcome.message);
  else if (!o.quiet) {
    const l2re = summary.l2re !== undefined ? `, l2re ${summary.l2re.toExponential(3)}` : '';
    const stopped = summary.stopped?.reason === 'converged' ? ` (converged: ${summary.stopped.criterion})` : '';
    log(
      `done: ${trainer.step} steps${stopped} in ${outcome.wall.toFixed(1)} s${l2re}${unknownsText(summary)}; outputs in ${outDir} (look: fluxion view ${outDir})`,
    );
  }
  const exitCode = outcome.stopped?.reason === 'interrupted' ? signalExitCode(outcome.stopped.signal) : EXIT.ok;
  return { exitCode, outDir, summary };
}

/** ', unknowns D = 0.0998 (rel. error 2.0e-3)' for the final console line; '' without unknowns. */
function unknownsText(s: Summary): string {
  const u = Object.entries(s.unknowns ?? {});
  if (!u.length) return '';
  const err = (k: string): string =>
    s.unknowns_rel_error?.[k] !== undefined ? ` (rel. error ${s.unknowns_rel_error[k].toExponential(1)})` : '';
  return `, unknowns ${u.map(([k, v]) => `${k} = ${v.toPrecision(4)}${err(k)}`).join(', ')}`;
}

/** `fluxion validate`: parse and check a config; returns the resolved YAML (`warn`: deprecated keys). */
export function validateFile(
  path: string,
  warn?: (message: string) => void,
  overrides: readonly Override[] = [],
): { config: RunConfig; yaml: string } {
  const config = loadConfig(path, warn, overrides);
  const ctx = { configDir: dirname(resolve(path)) };
  if (config.kind === 'pinn') checkPinnConfig(config, ctx);
  if (config.kind === 'operator') checkOperatorConfig(config, ctx);
  if (config.kind === 'simulation') checkSimulationConfig(config, ctx);
  if (config.kind === 'inverse') checkInverseConfig(config, ctx);
  return { config, yaml: resolvedYaml(config, overridesComment(overrides)) };
}
