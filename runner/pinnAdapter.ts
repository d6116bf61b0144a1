// `kind: pinn` config -> pinn/ ProblemSpec + TrainerOptions -> PinnTrainer.
import { resolve } from 'node:path';
import {
  KeepBest,
  PhasedTrainer,
  SequentialWindows,
  createTrainer as createPinnTrainer,
  compileNumeric,
  compileProblem,
  ExprError,
  type ConditionSpec,
  type ProblemSpec,
  type PointFilter,
  type TrainerOptions,
} from '../pinn/index.js';
import { mulberry32, permutation } from '../meshes/index.js';
import type { Geometry } from '../meshes/index.js';
import { ConfigError } from './errors.js';
import { loadAnchors } from './anchors.js';
import { buildDomain } from './geometry.js';
import { optimizerOptions } from './optimizer.js';
import { configFeatures, configTransform, netOptions } from './networkConfig.js';
import { loadPointSet, type PointSet } from './reference.js';
import { pdeFromConfig } from './pdeEntries.js';
import { defaultCoords, spaceDim, type ConditionConfig, type PinnConfig } from './schema.js';
import type { Trainer, TrainerContext } from './trainer.js';
import { exactAt, fileCoefficients, initialFromFile, initialName, selectFields } from './tabulated.js';

/** Face names for `on:` (axis index, min or max face of the bounding box). */
export const FACES: Record<string, [number, 'min' | 'max']> = {
  left: [0, 'min'],
  right: [0, 'max'],
  bottom: [1, 'min'],
  top: [1, 'max'],
  front: [2, 'min'],
  back: [2, 'max'],
};

/** `on:` -> point filter: 'boundary' (all), a face name, or a mathjs boolean expression in the coordinates. */
export function boundarySelector(
  on: string,
  coords: readonly string[],
  constants: Record<string, number>,
  domain: Geometry,
  where: string,
): PointFilter | undefined {
  if (on === 'boundary') return undefined;
  const face = FACES[on];
  if (face) {
    const [axis, side] = face;
    if (axis >= domain.dim)
      throw new ConfigError(`${where}: face '${on}' needs at least ${axis + 1} coordinates, the domain has ${domain.dim}`);
    const v = domain.bbox[side][axis];
    const tol = 1e-7 * Math.max(1, domain.bbox.max[axis] - domain.bbox.min[axis]);
    return (p) => Math.abs(p[axis] - v) <= tol;
  }
  let fn: (p: ArrayLike<number>) => number;
  try {
    fn = compileNumeric(`(${on}) ? 1 : 0`, coords, constants, where); // unknown symbols are found on the tree
  } catch (e) {
    throw new ConfigError(
      `${where}: expected 'boundary', a face (${Object.keys(FACES).join(', ')}) or a boolean expression in ${coords.join(', ')}; ${(e as Error).message}`,
    );
  }
  return (p) => fn(p) !== 0;
}

function robinValue(bc: Extract<ConditionConfig, { type: 'robin' }>, field: string): string {
  // alpha u + beta du/dn = value  <=>  du/dn = (value - alpha u) / beta (pinn's Robin form).
  return `((${bc.value}) - (${bc.alpha}) * ${field}) / (${bc.beta})`;
}

/** n rows drawn without replacement (seeded), plus optional Gaussian noise of std `noise`. */
function observations(
  set: PointSet,
  dim: number,
  n: number,
  noise: number,
  seed: number,
): { points: Float64Array; values: Record<string, Float64Array> } {
  const total = set.points.length / dim;
  const rand = mulberry32(seed);
  const pick = permutation(total, rand).subarray(0, Math.min(n, total));
  const points = new Float64Array(pick.length * dim);
  pick.forEach((r, i) => points.set(set.points.subarray(r * dim, (r + 1) * dim), i * dim));
  const gauss = (): number => Math.sqrt(-2 * Math.log(Math.max(rand(), 1e-300))) * Math.cos(2 * Math.PI * rand());
  const values = Object.fromEntries(
    Object.entries(set.values).map(([f, v]) => [f, Float64Array.from(pick, (r) => v[r] + (noise > 0 ? noise * gauss() : 0))]),
  );
  return { points, values };
}

function exactExprs(c: PinnConfig): Record<string, string> {
  if (c.exact === undefined) throw new ConfigError('exact: expected an exact solution to sample data from');
  return typeof c.exact === 'string' ? { [c.fields[0]]: c.exact } : c.exact;
}

/** Synthetic observations: exact solution values at seeded Halton points of the domain. */
function exactSamples(
  domain: Geometry,
  coords: readonly string[],
  exact: Record<string, string>,
  constants: Record<string, number>,
  n: number,
  seed: number,
): PointSet {
  const points = domain.sampleInterior(n, 'halton', seed).data;
  const d = coords.length;
  const values = Object.fromEntries(
    Object.entries(exact).map(([f, src]) => {
      const fn = compileNumeric(src, coords, constants, `exact.${f}`);
      return [f, Float64Array.from({ length: points.length / d }, (_, r) => fn(points.subarray(r * d, (r + 1) * d)))];
    }),
  );
  return { points, values };
}

/** YAML unknowns (a number, or { init, scale }) -> ProblemSpec unknowns and unknownScales. */
function unknownSpecs(u: PinnConfig['unknowns']): Pick<ProblemSpec, 'unknowns' | 'unknownScales'> {
  const entries = Object.entries(u);
  const scales = entries.filter(([, v]) => typeof v === 'object').map(([k, v]) => [k, (v as { scale: number }).scale]);
  return {
    unknowns: Object.fromEntries(entries.map(([k, v]) => [k, typeof v === 'number' ? v : v.init])),
    ...(scales.length ? { unknownScales: Object.fromEntries(scales) } : {}),
  };
}

export function pinnProblem(c: PinnConfig, ctx: TrainerContext): { spec: ProblemSpec; options: TrainerOptions } {
  const domain = buildDomain(c.geometry, c.time);
  const coords = c.coords ?? defaultCoords(spaceDim(c), !!c.time);
  const fields = c.fields;
  const refCfg =
    c.reference === undefined ? undefined : typeof c.reference === 'string' ? { file: c.reference, columns: undefined } : c.reference;
  let refSet: PointSet | undefined;
  const reference = (): PointSet => {
    if (!refCfg) throw new Error('reference: not configured');
    refSet ??= loadPointSet(resolve(ctx.configDir, refCfg.file), coords, fields, refCfg.columns, 'reference');
    return refSet;
  };
  const weights: Record<string, number> = {};
  const coefficients = fileCoefficients(ctx.configDir, c.coefficients, coords, !!c.time);
  const pde = pdeFromConfig(c.pde, weights);
  const conditions: ConditionSpec[] = c.conditions.map((bc, i) => {
    const where = `conditions[${i}]`;
    const name = bc.name ?? `${bc.type}${i}`;
    weights[name] = bc.weight;
    const field = bc.field ?? fields[0];
    const base = { name, count: bc.points };
    switch (bc.type) {
      case 'dirichlet':
      case 'neumann':
        return {
          ...base,
          kind: bc.type,
          field,
          value: bc.value,
          where: boundarySelector(bc.on, coords, c.constants, domain, `${where}.on`),
        };
      case 'robin':
        return {
          ...base,
          kind: 'robin',
          field,
          value: robinValue(bc, field),
          where: boundarySelector(bc.on, coords, c.constants, domain, `${where}.on`),
        };
      case 'periodic':
        return { ...base, kind: 'periodic', field, coord: bc.axis };
      case 'initial':
        if (bc.file === undefined) return { ...base, kind: 'initial', field, value: bc.value ?? 0, derivative: bc.order };
        // tabulated initial values: an interpolated coefficient under a reserved name
        coefficients[initialName(i)] = initialFromFile(ctx.configDir, { ...bc, file: bc.file }, coords, field, where);
        return { ...base, kind: 'initial', field, value: initialName(i) };
      case 'point':
        return { ...base, kind: 'point', field, at: bc.at, value: bc.value };
      case 'data': {
        // only the observed fields (field:/fields:), so an unknown coefficient field never leaks into the data term
        const obs = bc.fields ?? (bc.field !== undefined ? [bc.field] : undefined);
        const file = bc.file === undefined ? undefined : resolve(ctx.configDir, bc.file);
        const set =
          file === undefined
            ? refCfg
              ? reference()
              : exactSamples(domain, coords, exactExprs(c), c.constants, bc.n, c.seed + 104729 * (i + 1))
            : bc.values === 'exact'
              ? exactAt(
                  loadPointSet(file, coords, [], bc.columns, where).points,
                  coords,
                  exactExprs(c),
                  obs ?? Object.keys(exactExprs(c)),
                  c.constants,
                  where,
                )
              : loadPointSet(file, coords, obs ?? fields, bc.columns, where);
        const picked = obs ? selectFields(set, obs, where) : set;
        return { ...base, kind: 'data', fields: obs, ...observations(picked, coords.length, bc.n, bc.noise, c.seed + 7919 * (i + 1)) };
      }
    }
  });
  const exact = c.exact === undefined ? undefined : exactExprs(c);
  const spec: ProblemSpec = {
    coords,
    fields,
    domain,
    time: c.time ? coords[coords.length - 1] : undefined,
    constants: c.constants,
    ...unknownSpecs(c.unknowns),
    trueValues: c.true_values,
    pde,
    conditions,
    exact,
    reference: refCfg ? reference() : undefined,
    coefficients,
    transform: configTransform(c.network, { coords, fields, constants: c.constants }),
    features: configFeatures(c.network, { coords, constants: c.constants }),
  };
  const t = c.training;
  const options: TrainerOptions = {
    net: netOptions(c.network, c.seed),
    dtype: c.dtype,
    seed: c.seed,
    sampler: t.sampler as TrainerOptions['sampler'],
    points: { domain: t.points.domain, boundary: t.points.boundary, initial: t.points.initial },
    resampleEvery: t.resample_every,
    ...(t.forward_gradient ? { forwardGradient: true } : {}),
    weights,
    optimizer: { name: t.optimizer as never, ...optimizerOptions(t) },
    evalPoints: t.points.test,
    derivatives: c.derivatives,
    ...trainingExtras(c, ctx, coords, domain),
  };
  return { spec, options };
}

/** training.adaptive / causal / time_marching / anchors as trainer options. */
function trainingExtras(c: PinnConfig, ctx: TrainerContext, coords: readonly string[], domain: Geometry): TrainerOptions {
  const t = c.training;
  const o: TrainerOptions = {};
  if (t.adaptive) o.adaptive = { ...t.adaptive, method: t.adaptive.method as NonNullable<TrainerOptions['adaptive']>['method'] };
  if (t.causal) o.causal = t.causal;
  // the windows share the first phase's steps (a fine-tune runs on the whole interval)
  // sequential windows are a trainer of their own (createPinnTrainerFromConfig), not a curriculum
  if (t.time_marching && t.time_marching.mode !== 'sequential')
    o.timeMarching = { windows: t.time_marching.windows, steps: Math.max(1, t.finetune ? t.finetune.at : t.steps) };
  if (t.anchors) o.anchors = loadAnchors(t.anchors, coords, domain, ctx.configDir);
  return o;
}

/** Expression-compiler errors (`pde[0]: unknown symbol ...`) are config errors; pinn/ labels a single equation 'pde'. */
function asConfigError(e: unknown): unknown {
  const msg = (e as Error).message.replace(/^pde:/, 'pde[0]:');
  if (e instanceof ExprError || /^(pde|exact|conditions|constants|unknowns|coefficients)\b/.test(msg)) return new ConfigError(msg);
  return e;
}

/** `fluxion validate`: builds the problem (geometry, data files) and compiles every expression, without training. */
export function checkPinnConfig(c: PinnConfig, ctx: TrainerContext): void {
  checkProblem(c, pinnProblem(c, ctx).spec);
}

/**
 * What can fail before training, as config errors: every expression compiles, and every boundary selector matches
 * points of the geometry (else it would fail at the first step).
 */
function checkProblem(c: PinnConfig, spec: ProblemSpec): void {
  let problem: ReturnType<typeof compileProblem>;
  try {
    problem = compileProblem(spec);
  } catch (e) {
    throw asConfigError(e);
  }
  problem.terms.forEach((t) => {
    if (t.pointsKey !== 'boundary') return;
    const i = c.conditions.findIndex((b, k) => (b.name ?? `${b.type}${k}`) === t.name);
    try {
      t.draw(16, 'uniform', c.seed);
    } catch (e) {
      throw new ConfigError(`conditions[${i}].on: ${(e as Error).message}`);
    }
  });
}

export function createPinnTrainerFromConfig(c: PinnConfig, ctx: TrainerContext): Trainer {
  const { spec, options } = pinnProblem(c, ctx);
  const f = c.training.finetune;
  checkProblem(c, spec);
  const k = c.training.keep_best;
  try {
    const optimizer = f && { name: f.optimizer as never, ...optimizerOptions(f, 'training.finetune') };
    const tm = c.training.time_marching;
    // (the schema keeps finetune and keep_best away from sequential windows)
    if (tm?.mode === 'sequential')
      return new SequentialWindows(spec, options, {
        windows: tm.windows,
        steps: c.training.steps,
        icPoints: tm.ic_points,
        icWeight: tm.ic_weight,
      });
    const trainer = f
      ? new PhasedTrainer(spec, options, f.at, { optimizer, dtype: f.dtype, points: f.points })
      : createPinnTrainer(spec, options);
    return k ? new KeepBest(trainer, { points: k.points, every: k.every ?? c.training.log_every }) : trainer;
  } catch (e) {
    throw asConfigError(e);
  }
}
