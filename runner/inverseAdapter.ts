// The trainer of `kind: inverse`: the config's grid, sources and observations as a coefficient-recovery loss
// (solvers/coefficientRecovery.ts), its jitted value and gradient (each solve differentiated implicitly) stepped by
// the shared SimulationTrainer, so checkpoints, --resume and the optimizer are those of the other gradient kinds.
import * as fx from '../index.js';
import { compileNumeric } from '../pinn/index.js';
import { diffusionSolver, type GridSolver } from '../solvers/differentiable.js';
import {
  coefficientOf,
  gridStack,
  maxAbs,
  nodeGrid,
  parameterOf,
  recoveryLoss,
  relativeL2,
  solveEach,
  syntheticObservations,
  type RecoveryTerms,
} from '../solvers/coefficientRecovery.js';
import { ConfigError, DivergenceError } from './errors.js';
import { compiled } from './networkConfig.js';
import type { InverseConfig } from './schema.js';
import { SimulationTrainer, type SimTask } from './simTrainer.js';
import type { FieldOutput, Trainer, TrainerContext } from './trainer.js';
import { loadReference } from '../meshes/index.js';
import { resolve } from 'node:path';

type XY = (x: number, y: number) => number;

/** 'k in [min, max]' of a coefficient grid, for messages. */
function range(k: Float64Array): string {
  let [lo, hi] = [Infinity, -Infinity];
  for (const v of k) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
  return `k in [${lo.toExponential(2)}, ${hi.toExponential(2)}]`;
}

/** An expression key as a function of (x, y); parse errors and unknown symbols exit 2 naming `key`. */
function xyFunction(src: number | string, key: string): XY {
  if (typeof src === 'number') return () => src;
  const fn = compiled(() => compileNumeric(src, ['x', 'y'], {}, key));
  return (x, y) => fn([x, y]);
}

/** The expression at every node, checked finite (and positive where asked) so a bad value names its key. */
function nodeValues(src: number | string, key: string, n: number, positive = false): Float64Array {
  const g = nodeGrid(n, xyFunction(src, key));
  const bad = g.findIndex((v) => !Number.isFinite(v) || (positive && !(v > 0)));
  if (bad >= 0) {
    const s = n + 1;
    const at = `(x, y) = (${(bad % s) / n}, ${Math.floor(bad / s) / n})`;
    throw new ConfigError(`${key}: expected ${positive ? 'a positive' : 'a finite'} value at every node, got ${g[bad]} at ${at}`);
  }
  return g;
}

/**
 * The host solvers' own failures: no convergence within their iterations, a coefficient that is not positive, or
 * one so large or small that the operator or its preconditioner breaks down (NaN pivots).
 */
const solverFailure = (e: unknown): e is Error =>
  e instanceof Error && /^(diffusionSolver|diffusionOperator|BandedCholesky|pcg|ic0Preconditioner|Multigrid)\b/.test(e.message);

/** f(), with a solver failure rethrown as `wrap(message)` (a bad config or a divergence rather than a crash). */
function solving<T>(f: () => T, wrap: (message: string) => Error): T {
  try {
    return f();
  } catch (e) {
    throw solverFailure(e) ? wrap(e.message) : e;
  }
}

/** observations.file: one array [sources, n + 1, n + 1] of finite values. */
function observedFile(file: string, ctx: TrainerContext, sources: number, n: number): Float64Array {
  let ref: ReturnType<typeof loadReference>;
  try {
    ref = loadReference(resolve(ctx.configDir, file));
  } catch (e) {
    throw new ConfigError(`observations.file: ${(e as Error).message}`);
  }
  if (ref.names.length !== 1)
    throw new ConfigError(`observations.file: expected one array in '${file}', got ${ref.names.length} (${ref.names.join(', ')})`);
  const a = ref.arrays[ref.names[0]];
  const want = [sources, n + 1, n + 1];
  if (a.shape.join() !== want.join())
    throw new ConfigError(
      `observations.file: expected an array shaped [sources, n + 1, n + 1] = [${want.join(', ')}], got [${a.shape.join(', ')}]`,
    );
  const bad = a.data.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw new ConfigError(`observations.file: expected finite values, got ${a.data[bad]} at flat index ${bad}`);
  return Float64Array.from(a.data);
}

interface InverseInputs {
  forcings: Float64Array[];
  /** the true coefficient at the nodes, where observations.k_true gives it */
  kTrue?: Float64Array;
  /** the observations read from observations.file, if given */
  observed?: Float64Array;
}

/** The expressions and the data file of a config, checked: `fluxion validate` runs this, and so does the trainer. */
export function checkInverseConfig(c: InverseConfig, ctx: TrainerContext): InverseInputs {
  const n = c.grid.n;
  const o = c.observations;
  return {
    forcings: c.sources.map((f, j) => nodeValues(f, `sources[${j}]`, n)),
    kTrue: o.k_true === undefined ? undefined : nodeValues(o.k_true, 'observations.k_true', n, true),
    observed: o.file === undefined ? undefined : observedFile(o.file, ctx, c.sources.length, n),
  };
}

/** Observations from the file, or synthetic ones for k_true, with the scale the misfit divides by. */
function observations(
  c: InverseConfig,
  inputs: InverseInputs,
  solver: GridSolver,
  forcings: fx.Tensor,
): { observed: fx.Tensor; scale: number } {
  if (inputs.observed) {
    const observed = fx.tensor(inputs.observed, forcings.shape, 'f64');
    return { observed, scale: maxAbs(inputs.observed) };
  }
  const s = c.grid.n + 1;
  const kTrue = fx.tensor(inputs.kTrue as Float64Array, [s, s], 'f64'); // the schema asks for k_true without a file
  return solving(
    () => syntheticObservations(solver, forcings, kTrue, c.observations.noise ?? 0.01, c.seed),
    (m) => new ConfigError(`observations.k_true: solving for the observations failed (${m}); loosen solver.tol or smooth k_true`),
  );
}

/** The config's loss and gradient in theta (k = exp or softplus of theta, node by node), its error and fields. */
export function inverseTask(c: InverseConfig, ctx: TrainerContext = { configDir: '.' }): { task: SimTask; initial: Float64Array } {
  const inputs = checkInverseConfig(c, ctx);
  const { forcings: fs, kTrue } = inputs;
  const n = c.grid.n;
  const s = n + 1;
  const solver = diffusionSolver({ method: c.solver.method, preconditioner: c.solver.preconditioner, tol: c.solver.tol });
  const forcings = gridStack(n, fs);
  const { observed, scale } = observations(c, inputs, solver, forcings);
  if (!(scale > 0)) throw new ConfigError('observations: every observed u_j is zero everywhere; nothing to fit');
  const { positivity } = c.coefficient;
  const step = fx.jit(
    fx.valueAndGrad(recoveryLoss({ solver, forcings, observed, scale, positivity, smoothness: c.regularization.smoothness }), 0, {
      hasAux: true,
    }),
  );
  const asTheta = (p: Float64Array) => fx.tensor(p, [s, s], 'f64');
  const kOf = (p: Float64Array) => Float64Array.from(coefficientOf(asTheta(p), positivity).dataSync());
  const task: SimTask = {
    termName: 'misfit',
    lossAndGrad: (p, done) => {
      const [[value, terms], grad] = solving(
        () => step(asTheta(p)) as [[fx.Tensor, RecoveryTerms], fx.Tensor],
        (m) =>
          new DivergenceError(
            `training step ${done + 1}: the solver failed at the current k (${range(kOf(p))}: ${m}); lower training.lr or raise regularization.smoothness`,
          ),
      );
      return {
        loss: value.item(),
        grad: Float64Array.from(grad.dataSync()),
        terms: { misfit: terms.misfit.item(), smoothness: terms.smoothness.item() },
      };
    },
    evaluate: (p) => {
      if (!kTrue) return {};
      const l2re = relativeL2(kOf(p), kTrue);
      return { l2re, perField: { k: l2re } };
    },
    frames: (p) => {
      const k = kOf(p);
      return [inverseFields(n, k, kTrue, solveEach(solver)(forcings, fx.tensor(k, [s, s], 'f64')), observed)];
    },
  };
  return { task, initial: new Float64Array(s * s).fill(parameterOf(c.coefficient.initial, positivity)) };
}

export function createInverseTrainer(c: InverseConfig, ctx: TrainerContext = { configDir: '.' }): Trainer {
  const { task, initial } = inverseTask(c, ctx);
  return new SimulationTrainer(task, initial, c);
}

/** fields/coefficient.vti: k recovered (true and their difference where known); each u_j for the recovered k and as observed. */
function inverseFields(n: number, k: Float64Array, kTrue: Float64Array | undefined, u: fx.Tensor, observed: fx.Tensor): FieldOutput {
  const size = (n + 1) ** 2;
  const pointData: Record<string, Float64Array> = kTrue
    ? { k, k_reference: kTrue, k_error: k.map((v, i) => Math.abs(v - kTrue[i])) }
    : { k };
  const [us, obs] = [u.dataSync(), observed.dataSync()];
  for (let j = 0; j < u.shape[0]; j++) {
    pointData[`u${j}`] = Float64Array.from(us.subarray(j * size, (j + 1) * size));
    pointData[`u${j}_observed`] = Float64Array.from(obs.subarray(j * size, (j + 1) * size));
  }
  return { kind: 'grid', name: 'coefficient', counts: [n + 1, n + 1], origin: [0, 0], spacing: [1 / n, 1 / n], pointData };
}
