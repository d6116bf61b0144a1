// Config schemas (zod v4, strict objects, defaults filled) for the three run kinds. YAML keys are
// snake_case; cross-field rules live in superRefine so every error carries its key path.
import { z } from 'zod';
import { optimizerNames } from '../optim/factory.js';
import { SAMPLER_KINDS } from '../meshes/sampling/samplers.js';
import { ESTIMATORS } from '../core/estimators.js';
import { checkNetwork, networkShape } from './networkConfig.js';
import { pdeLossName } from '../pinn/equations.js';
import { ADAPTIVE_METHODS } from '../pinn/adaptive.js';
import { isReservedName } from '../pinn/symbols.js';

const posInt = z.number().int().positive();
const nonNegInt = z.number().int().nonnegative();
const finite = z.number().refine(Number.isFinite, 'expected a finite number');
/** A constant or a mathjs expression in the coordinates, fields and constants. */
const expr = z.union([finite, z.string().min(1)]);
const identifier = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected an identifier (letters, digits, _)')
  .refine((s) => !isReservedName(s), 'expected a name other than a JS object internal (__proto__, constructor, prototype, toString, ...)');
const vec2 = z.tuple([finite, finite]);
const vec3 = z.tuple([finite, finite, finite]);

// ---------- geometry (CSG tree) ----------
export type GeometryNode =
  | { type: 'interval'; min: number; max: number }
  | { type: 'rectangle'; min: [number, number]; max: [number, number] }
  | { type: 'box'; min: [number, number, number]; max: [number, number, number] }
  | { type: 'hypercube'; min: number[]; max: number[] }
  | { type: 'disk'; center: [number, number]; radius: number }
  | { type: 'sphere'; center: [number, number, number]; radius: number }
  | { type: 'hypersphere'; center: number[]; radius: number }
  | { type: 'polygon'; vertices: [number, number][] }
  | { type: 'union' | 'intersection' | 'difference'; of: GeometryNode[] };

export const geometryTypes = [
  'interval',
  'rectangle',
  'box',
  'hypercube',
  'disk',
  'sphere',
  'hypersphere',
  'polygon',
  'union',
  'intersection',
  'difference',
] as const;

const minBelowMax = (g: { min: number | number[]; max: number | number[] }, ctx: z.RefinementCtx): void => {
  const lo = Array.isArray(g.min) ? g.min : [g.min];
  const hi = Array.isArray(g.max) ? g.max : [g.max];
  if (lo.length !== hi.length)
    ctx.addIssue({ code: 'custom', path: ['max'], message: `expected ${lo.length} entries like min, got ${hi.length}` });
  else
    lo.forEach((v, k) => {
      if (!(hi[k] > v))
        ctx.addIssue({
          code: 'custom',
          path: Array.isArray(g.max) ? ['max', k] : ['max'],
          message: `expected a value greater than min (${v}), got ${hi[k]}`,
        });
    });
};

export const geometrySchema: z.ZodType<GeometryNode> = z.lazy(() =>
  z.discriminatedUnion('type', [
    z.strictObject({ type: z.literal('interval'), min: finite, max: finite }).superRefine(minBelowMax),
    z.strictObject({ type: z.literal('rectangle'), min: vec2, max: vec2 }).superRefine(minBelowMax),
    z.strictObject({ type: z.literal('box'), min: vec3, max: vec3 }).superRefine(minBelowMax),
    z.strictObject({ type: z.literal('hypercube'), min: z.array(finite).min(1), max: z.array(finite).min(1) }).superRefine(minBelowMax),
    z.strictObject({ type: z.literal('disk'), center: vec2, radius: z.number().positive() }),
    z.strictObject({ type: z.literal('sphere'), center: vec3, radius: z.number().positive() }),
    z.strictObject({ type: z.literal('hypersphere'), center: z.array(finite).min(1), radius: z.number().positive() }),
    z.strictObject({ type: z.literal('polygon'), vertices: z.array(vec2).min(3) }),
    z.strictObject({ type: z.enum(['union', 'intersection', 'difference']), of: z.array(geometrySchema).min(2) }),
  ]),
) as z.ZodType<GeometryNode>;

/** Spatial dimension of a geometry tree (CSG operands are checked to agree). */
export function geometryDim(g: GeometryNode): number {
  switch (g.type) {
    case 'interval':
      return 1;
    case 'rectangle':
    case 'disk':
    case 'polygon':
      return 2;
    case 'box':
    case 'sphere':
      return 3;
    case 'hypercube':
      return g.min.length;
    case 'hypersphere':
      return g.center.length;
    default:
      return geometryDim(g.of[0]);
  }
}

function checkCsgDims(g: GeometryNode, path: (string | number)[], ctx: z.RefinementCtx): void {
  if (g.type !== 'union' && g.type !== 'intersection' && g.type !== 'difference') return;
  const d0 = geometryDim(g.of[0]);
  g.of.forEach((c, i) => {
    const d = geometryDim(c);
    if (d !== d0) ctx.addIssue({ code: 'custom', path: [...path, 'of', i], message: `expected a ${d0}D geometry like of[0], got ${d}D` });
    checkCsgDims(c, [...path, 'of', i], ctx);
  });
}

// ---------- shared training / output blocks ----------
const optimizerEnum = z.enum(optimizerNames as unknown as [string, ...string[]]);
// the shape only: range and schedule keys are checked by optim's parseLr (checkOptimizer), with the key path
const lrSpec = z.union([z.number(), z.record(z.string(), z.unknown())]);

const trainingShape = (steps: number, logEvery: number, checkpointEvery: number) => ({
  steps: posInt.default(steps),
  optimizer: optimizerEnum.default('adam'),
  /** Passed to optim's makeOptimizer (validated there, e.g. betas, eps, base). */
  optimizer_options: z.record(z.string(), z.unknown()).default({}),
  /** Learning rate or schedule spec ({ type: cosine, lr, totalSteps, ... }); optimizer default when absent. */
  lr: lrSpec.optional(),
  log_every: posInt.default(logEvery),
  checkpoint_every: posInt.default(checkpointEvery),
  /** Stop (exit 3) when the loss exceeds this multiple of the best loss so far. */
  divergence_factor: z.number().gt(1).default(1e8),
});

const dtypeEnum = z.enum(['f32', 'f64']);
const backendEnum = z.enum(['auto', 'wasm', 'gpu', 'js']);
const runName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'expected a run name of letters, digits, ".", "_", "-"');

const common = {
  name: runName,
  seed: z.number().int().nonnegative().default(0),
  backend: backendEnum.default('auto'),
};

// ---------- PINN ----------
const conditionCommon = {
  name: identifier.optional(),
  field: identifier.optional(),
  weight: z.number().nonnegative().default(1),
  /** Collocation points for this condition (default training.points.boundary / initial). */
  points: posInt.optional(),
};
const columnNames = z.array(z.string().min(1)).min(1);
/** Values read from a data file and interpolated (multilinear/nearest on grids, Delaunay/nearest when scattered). */
const tabulated = {
  file: z.string().min(1).optional(),
  /** The file's names for the coordinates then the value (or, for one 2-D array, its columns in order). */
  columns: columnNames.optional(),
  interpolation: z.enum(['linear', 'nearest']).default('linear'),
};

/** `on:` selects boundary points: 'boundary' (all) or a mathjs boolean expression such as `x == -1`. */
const onSelector = z.string().min(1).default('boundary');

/** One PDE equation: 'u_t - u_xx' or { eq: 'u_t - u_xx', name: heat, weight: 2 }. */
export const pdeEntrySchema = z.union([
  z.string().min(1),
  z.strictObject({ eq: z.string().min(1), name: identifier.optional(), weight: z.number().nonnegative().default(1) }),
]);
export type PdeEntryConfig = z.infer<typeof pdeEntrySchema>;

export const conditionSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('dirichlet'), on: onSelector, value: expr, ...conditionCommon }),
  z.strictObject({ type: z.literal('neumann'), on: onSelector, value: expr, ...conditionCommon }),
  z.strictObject({
    type: z.literal('robin'),
    on: onSelector,
    alpha: expr.default(1),
    beta: expr.default(1),
    value: expr,
    ...conditionCommon,
  }),
  z.strictObject({ type: z.literal('periodic'), axis: identifier, ...conditionCommon }),
  z.strictObject({
    type: z.literal('initial'),
    value: expr.optional(),
    order: z.union([z.literal(0), z.literal(1)]).default(0),
    /** Tabulated initial values (spatial coordinates and the field), interpolated, instead of `value`. */
    ...tabulated,
    ...conditionCommon,
  }),
  z.strictObject({
    type: z.literal('data'),
    /** Observation file (.dat/.npz/.mat/.vtu/.vti); else sampled from the reference, else from the exact solution. */
    file: z.string().min(1).optional(),
    n: posInt.default(100),
    noise: z.number().nonnegative().default(0),
    /** Observed fields (default: every field; `field:` observes one). */
    fields: z.array(identifier).min(1).optional(),
    /** The file's names for the coordinates then the observed fields (or, for one 2-D array, its columns in order). */
    columns: columnNames.optional(),
    /** `exact`: observe the exact solution at the file's points (the file then only needs coordinates). */
    values: z.enum(['file', 'exact']).default('file'),
    ...conditionCommon,
  }),
  z.strictObject({
    type: z.literal('point'),
    /** One point [x, y] or a list [[x, y], ...]. */
    at: z.union([z.array(finite).min(1), z.array(z.array(finite).min(1)).min(1)]),
    value: expr.default(0),
    ...conditionCommon,
  }),
]);
export type ConditionConfig = z.infer<typeof conditionSchema>;

const referenceSchema = z.union([
  z.string().min(1),
  z.strictObject({
    file: z.string().min(1),
    /** Column/array names: coordinates then fields, when the file's own names do not match. */
    columns: z.array(z.string().min(1)).optional(),
  }),
]);

const referenceExtensions = ['.dat', '.txt', '.csv', '.npz', '.npy', '.mat', '.vtu', '.vti'];

export const pinnSchema = z
  .strictObject({
    kind: z.literal('pinn'),
    ...common,
    dtype: dtypeEnum.default('f32'),
    /** Spatial domain; may be omitted with `time` for an ODE (the domain is then the time interval, coords [t]). */
    geometry: geometrySchema.optional(),
    /** Time interval [t0, t1] for evolution problems (adds the coordinate `t`). */
    time: vec2.optional(),
    /** Coordinate names, default x, y, z (by dimension) then t. */
    coords: z.array(identifier).min(1).optional(),
    fields: z.array(identifier).min(1).default(['u']),
    constants: z.record(identifier, finite).default({}),
    /** Trainable constants of inverse problems: an initial value, or { init, scale } (the optimizer trains value / scale). */
    unknowns: z.record(identifier, z.union([finite, z.strictObject({ init: finite, scale: z.number().positive() })])).default({}),
    /** Known values of unknowns (benchmarks): metrics and summary report each one's relative error. */
    true_values: z.record(identifier, finite).optional(),
    /** Equations: strings, or `{ eq, name, weight }` (each equation is its own loss term). */
    pde: z.array(pdeEntrySchema).min(1),
    conditions: z.array(conditionSchema).default([]),
    exact: z.union([z.string().min(1), z.record(identifier, z.string().min(1))]).optional(),
    reference: referenceSchema.optional(),
    /** Coefficient fields read from data files, usable in PDEs and condition values by name. */
    coefficients: z.record(identifier, z.strictObject({ ...tabulated, file: z.string().min(1) })).default({}),
    network: z
      .strictObject({
        /** Hidden widths (input and output widths come from coords and fields). */
        layers: z.array(posInt).min(1).default([64, 64, 64]),
        activation: z.enum(['tanh', 'sin', 'gelu', 'relu', 'sigmoid', 'swish']).default('tanh'),
        ...networkShape,
      })
      .prefault({}),
    training: z
      .strictObject({
        ...trainingShape(5000, 100, 1000),
        points: z
          .strictObject({
            domain: posInt.default(2000),
            boundary: posInt.default(400),
            initial: posInt.default(400),
            test: posInt.default(2000),
          })
          .prefault({}),
        sampler: z.enum(SAMPLER_KINDS as unknown as [string, ...string[]]).default('uniform'),
        /** Redraw collocation points every N steps (0 = never); a pure function of (seed, step). */
        resample_every: nonNegInt.default(0),
        /**
         * From step `at` on, a second optimizer (default L-BFGS, in f64 unless dtype says otherwise) continues from
         * the trained parameters on the initial collocation points, held fixed; training.steps counts both phases.
         */
        finetune: z
          .strictObject({
            at: nonNegInt,
            optimizer: optimizerEnum.default('lbfgs'),
            optimizer_options: z.record(z.string(), z.unknown()).default({}),
            dtype: dtypeEnum.default('f64'),
          })
          .optional(),
        /** Residual-based adaptive sampling of the PDE points: rar-g (greedy), rar-d, rad (Wu et al. 2023). */
        adaptive: z
          .strictObject({
            method: z.enum(ADAPTIVE_METHODS as unknown as [string, ...string[]]),
            every: posInt.default(1000),
            candidates: posInt.default(10000),
            add: posInt.default(100),
            k: z.number().nonnegative().default(1),
            c: z.number().nonnegative().default(1),
          })
          .optional(),
        /** Causal weighting of the PDE loss over time chunks (Wang et al. 2022), with an epsilon schedule. */
        causal: z
          .strictObject({
            chunks: posInt.default(32),
            epsilon: z
              .array(z.number().nonnegative().refine(Number.isFinite, 'expected a finite number'))
              .min(1)
              .default([0.01, 0.1, 1, 10, 100]),
            delta: z.number().gt(0).lt(1).default(0.99),
          })
          .optional(),
        /** Curriculum time-marching: PDE and boundary points in [t0, t0 + k (t1 - t0) / windows] during the k-th share of the steps. */
        time_marching: z.strictObject({ windows: posInt }).optional(),
        /** Extra PDE points used at every step: a list of points or a file of coordinate columns. */
        anchors: z
          .union([
            z.array(z.array(finite).min(1)).min(1),
            z.strictObject({ file: z.string().min(1), columns: z.array(z.string().min(1)).optional() }),
          ])
          .optional(),
      })
      .prefault({}),
    derivatives: z.strictObject({ estimator: z.enum(ESTIMATORS).default('exact'), samples: posInt.default(16) }).prefault({}),
    output: z
      .strictObject({
        /** Evaluation grid points per axis (one number for all axes, or one per axis incl. time). */
        resolution: z.union([z.number().int().min(2), z.array(z.number().int().min(2)).min(1)]).default(64),
      })
      .prefault({}),
  })
  .superRefine((c, ctx) => {
    if (c.geometry) checkCsgDims(c.geometry, ['geometry'], ctx);
    else if (!c.time)
      ctx.addIssue({ code: 'custom', path: ['geometry'], message: 'expected a geometry (or `time: [t0, t1]` alone for an ODE)' });
    const dim = spaceDim(c) + (c.time ? 1 : 0);
    if (c.time && !(c.time[1] > c.time[0]))
      ctx.addIssue({ code: 'custom', path: ['time', 1], message: `expected t1 > t0 (${c.time[0]}), got ${c.time[1]}` });
    if (c.coords && c.coords.length !== dim) {
      ctx.addIssue({
        code: 'custom',
        path: ['coords'],
        message: `expected ${dim} names (geometry dimension${c.time ? ' + time' : ''}), got ${c.coords.length}`,
      });
    }
    const coords = c.coords ?? defaultCoords(spaceDim(c), !!c.time);
    checkNetwork(c.network, coords, c.fields, ctx);
    const names = new Set([...coords, ...c.fields, ...Object.keys(c.constants), ...Object.keys(c.unknowns)]);
    if (names.size !== coords.length + c.fields.length + Object.keys(c.constants).length + Object.keys(c.unknowns).length) {
      ctx.addIssue({ code: 'custom', path: ['fields'], message: 'expected coordinate, field, constant and unknown names to be distinct' });
    }
    // every loss term (equations, then conditions as the adapter names them) needs its own name
    const lossNames = c.pde.map((e, i) => pdeLossName(typeof e === 'object' ? e.name : undefined, i, c.pde.length));
    lossNames.forEach((n, i) => {
      if (lossNames.indexOf(n) !== i)
        ctx.addIssue({
          code: 'custom',
          path: ['pde', i, 'name'],
          message: `expected a loss name not used by another equation, got '${n}'`,
        });
    });
    c.conditions.forEach((bc, i) => {
      const n = bc.name ?? `${bc.type}${i}`;
      if (lossNames.includes(n))
        ctx.addIssue({
          code: 'custom',
          path: ['conditions', i, 'name'],
          message: `expected a loss name not used by an equation, got '${n}'`,
        });
    });
    c.conditions.forEach((bc, i) => {
      if (bc.field !== undefined && !c.fields.includes(bc.field)) {
        ctx.addIssue({
          code: 'custom',
          path: ['conditions', i, 'field'],
          message: `expected one of ${c.fields.join(', ')}, got '${bc.field}'`,
        });
      }
      if (bc.type === 'periodic' && !coords.includes(bc.axis)) {
        ctx.addIssue({
          code: 'custom',
          path: ['conditions', i, 'axis'],
          message: `expected one of ${coords.join(', ')}, got '${bc.axis}'`,
        });
      }
      if (!c.geometry && bc.type !== 'initial' && bc.type !== 'data') {
        ctx.addIssue({
          code: 'custom',
          path: ['conditions', i, 'type'],
          message: `expected an initial or data condition: an ODE (time without geometry) has no spatial boundary for '${bc.type}'`,
        });
      }
      if (bc.type === 'initial' && !c.time) {
        ctx.addIssue({
          code: 'custom',
          path: ['conditions', i, 'type'],
          message: 'expected a `time: [t0, t1]` interval for an initial condition',
        });
      }
      if (bc.type === 'data' && bc.file === undefined && c.reference === undefined && c.exact === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['conditions', i, 'file'],
          message: 'expected a data file (or a top-level reference or exact solution to sample from)',
        });
      }
      checkTabularCondition(bc, ['conditions', i], c.fields, c.exact !== undefined, dim, ctx);
    });
    for (const [k, co] of Object.entries(c.coefficients)) {
      if (names.has(k))
        ctx.addIssue({
          code: 'custom',
          path: ['coefficients', k],
          message: 'expected a name distinct from the coordinates, fields, constants and unknowns',
        });
      checkExtension(co.file, ['coefficients', k, 'file'], ctx);
    }
    for (const k of Object.keys(c.true_values ?? {})) {
      if (!(k in c.unknowns))
        ctx.addIssue({
          code: 'custom',
          path: ['true_values', k],
          message: `expected one of the unknowns (${Object.keys(c.unknowns).join(', ') || 'none declared'}), got '${k}'`,
        });
    }
    if (c.exact !== undefined && c.reference !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['reference'], message: 'expected either exact or reference, not both' });
    }
    const ft = c.training.finetune;
    if (ft && ft.at >= c.training.steps) {
      ctx.addIssue({
        code: 'custom',
        path: ['training', 'finetune', 'at'],
        message: `expected a step below training.steps (${c.training.steps}), got ${ft.at}`,
      });
    }
    checkTrainingExtras(c, dim, ctx);
    if (typeof c.exact === 'object') {
      for (const k of Object.keys(c.exact)) {
        if (!c.fields.includes(k))
          ctx.addIssue({ code: 'custom', path: ['exact', k], message: `expected one of the fields ${c.fields.join(', ')}` });
      }
    }
    if (c.reference !== undefined) {
      const file = typeof c.reference === 'string' ? c.reference : c.reference.file;
      const ext = file.slice(file.lastIndexOf('.')).toLowerCase();
      if (!referenceExtensions.includes(ext)) {
        ctx.addIssue({
          code: 'custom',
          path: typeof c.reference === 'string' ? ['reference'] : ['reference', 'file'],
          message: `expected a ${referenceExtensions.join('/')} file, got '${file}'`,
        });
      }
    }
    if (Array.isArray(c.output.resolution) && c.output.resolution.length !== dim) {
      ctx.addIssue({
        code: 'custom',
        path: ['output', 'resolution'],
        message: `expected ${dim} entries (one per axis${c.time ? ', time last' : ''}), got ${c.output.resolution.length}`,
      });
    }
    if (
      Object.keys(c.unknowns).length > 0 &&
      c.exact === undefined &&
      c.reference === undefined &&
      !c.conditions.some((b) => b.type === 'data')
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['unknowns'],
        message: 'expected observations (a data condition or reference) to identify unknowns from',
      });
    }
  });

function checkExtension(file: string, path: (string | number)[], ctx: z.RefinementCtx): void {
  const ext = file.slice(file.lastIndexOf('.')).toLowerCase();
  if (!referenceExtensions.includes(ext))
    ctx.addIssue({ code: 'custom', path, message: `expected a ${referenceExtensions.join('/')} file, got '${file}'` });
}

/** Rules of initial (value or file), data (fields, values: exact) and point conditions. */
function checkTabularCondition(
  bc: ConditionConfig,
  path: (string | number)[],
  fields: readonly string[],
  hasExact: boolean,
  dim: number,
  ctx: z.RefinementCtx,
): void {
  const issue = (at: (string | number)[], message: string): void => ctx.addIssue({ code: 'custom', path: [...path, ...at], message });
  if (bc.type === 'initial') {
    if ((bc.value === undefined) === (bc.file === undefined))
      issue([bc.file === undefined ? 'value' : 'file'], 'expected either value or file (tabulated initial values), not both or neither');
    if (bc.file === undefined && bc.columns !== undefined) issue(['columns'], 'expected a file to name columns of');
    if (bc.file !== undefined) checkExtension(bc.file, [...path, 'file'], ctx);
    if (bc.file !== undefined && bc.order === 1) issue(['order'], 'expected order 0 for tabulated initial values');
  }
  if (bc.type === 'data') {
    if (bc.fields !== undefined && bc.field !== undefined) issue(['fields'], 'expected either field or fields, not both');
    bc.fields?.forEach((f, k) => {
      if (!fields.includes(f)) issue(['fields', k], `expected one of ${fields.join(', ')}, got '${f}'`);
    });
    if (bc.values === 'exact' && !hasExact) issue(['values'], 'expected a top-level exact solution to take the values from');
    if (bc.values === 'exact' && bc.file === undefined)
      issue(['file'], 'expected a file listing the points to observe the exact solution at');
    if (bc.file !== undefined) checkExtension(bc.file, [...path, 'file'], ctx);
  }
  if (bc.type === 'point') {
    const rows = Array.isArray(bc.at[0]) ? (bc.at as number[][]) : [bc.at as number[]];
    rows.forEach((r, k) => {
      if (r.length !== dim) issue(rows === bc.at ? ['at', k] : ['at'], `expected ${dim} coordinates (one per axis), got ${r.length}`);
    });
  }
}

/** Spatial dimension of a PINN config: 0 for an ODE (no geometry). */
export function spaceDim(c: { geometry?: GeometryNode }): number {
  return c.geometry ? geometryDim(c.geometry) : 0;
}

/** Cross-field rules of training.adaptive / causal / time_marching / anchors. */
function checkTrainingExtras(c: PinnConfig, dim: number, ctx: z.RefinementCtx): void {
  const t = c.training;
  for (const key of ['causal', 'time_marching'] as const) {
    if (t[key] && !c.time)
      ctx.addIssue({ code: 'custom', path: ['training', key], message: 'expected a `time: [t0, t1]` interval (an evolution problem)' });
  }
  const a = t.adaptive;
  if (a && a.method === 'rad' && a.candidates < t.points.domain) {
    ctx.addIssue({
      code: 'custom',
      path: ['training', 'adaptive', 'candidates'],
      message: `expected at least training.points.domain (${t.points.domain}) candidates for rad, got ${a.candidates}`,
    });
  }
  if (a && a.method !== 'rad' && a.add > a.candidates) {
    ctx.addIssue({
      code: 'custom',
      path: ['training', 'adaptive', 'add'],
      message: `expected at most candidates (${a.candidates}), got ${a.add}`,
    });
  }
  if (Array.isArray(t.anchors)) {
    t.anchors.forEach((p, i) => {
      if (p.length !== dim)
        ctx.addIssue({ code: 'custom', path: ['training', 'anchors', i], message: `expected ${dim} coordinates, got ${p.length}` });
    });
  }
}

export function defaultCoords(spaceDim: number, time: boolean): string[] {
  const space = spaceDim <= 3 ? ['x', 'y', 'z'].slice(0, spaceDim) : Array.from({ length: spaceDim }, (_, i) => `x${i + 1}`);
  return time ? [...space, 't'] : space;
}

// ---------- operator learning ----------
/** Operator and simulation training have one loss and one gradient per step. */
export const singleGradientOptimizers = ['adam', 'adamw', 'sgd'] as const;

const grfSchema = z.strictObject({
  alpha: z.number().positive().optional(),
  tau: z.number().positive().optional(),
  sigma: z.number().positive().optional(),
});

export const operatorDataSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('burgers'),
    train: posInt.default(200),
    test: posInt.default(50),
    resolution: posInt.default(128),
    nu: z.number().positive().default(0.1),
    T: z.number().positive().default(1),
    solver_resolution: posInt.optional(),
    grf: grfSchema.optional(),
  }),
  z.strictObject({
    type: z.literal('antiderivative'),
    train: posInt.default(1000),
    test: posInt.default(200),
    resolution: posInt.default(100),
    grf: grfSchema.optional(),
  }),
  z.strictObject({
    type: z.literal('darcy'),
    train: posInt.default(100),
    test: posInt.default(20),
    resolution: z.number().int().min(3).default(29),
    grf: grfSchema.optional(),
  }),
  z.strictObject({
    type: z.literal('file'),
    file: z.string().min(1),
    /** Array names of inputs and outputs in the file ([count, ...grid]). */
    inputs: z.string().min(1).default('inputs'),
    outputs: z.string().min(1).default('outputs'),
    test_fraction: z.number().gt(0).lt(1).default(0.2),
  }),
]);

export const operatorModelSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('fno'),
    modes: posInt.default(16),
    width: posInt.default(64),
    depth: posInt.default(4),
    projection: posInt.default(128),
    /** Zero padding per axis for non-periodic problems (FNO Darcy: 9). */
    padding: nonNegInt.default(0),
  }),
  z.strictObject({
    type: z.literal('deeponet'),
    branch: z.array(posInt).min(1).default([40, 40]),
    trunk: z.array(posInt).min(1).default([40, 40]),
    basis: posInt.default(40),
    activation: z.enum(['gelu', 'tanh', 'relu', 'sin']).default('relu'),
  }),
]);

export const operatorSchema = z
  .strictObject({
    kind: z.literal('operator'),
    ...common,
    dtype: dtypeEnum.default('f32'),
    model: operatorModelSchema,
    data: operatorDataSchema,
    loss: z.enum(['relL2', 'mse']).default('relL2'),
    training: z
      .strictObject({
        ...trainingShape(500, 10, 100),
        batch_size: posInt.default(20),
        /** Default optimizer (no optimizer options and no lr given): Adam, weight decay 1e-4, lr halved every decay_every epochs. */
        decay_every: posInt.default(100),
      })
      .prefault({}),
    output: z.strictObject({ samples: posInt.default(4) }).prefault({}),
  })
  .superRefine((c, ctx) => {
    if (!(singleGradientOptimizers as readonly string[]).includes(c.training.optimizer)) {
      ctx.addIssue({
        code: 'custom',
        path: ['training', 'optimizer'],
        message: `expected one of ${singleGradientOptimizers.join(', ')} for operator learning (one loss), got '${c.training.optimizer}'`,
      });
    }
    if (c.model.type === 'fno' && c.data.type !== 'file' && c.model.modes > Math.floor(c.data.resolution / 2) + 1) {
      ctx.addIssue({
        code: 'custom',
        path: ['model', 'modes'],
        message: `expected at most resolution/2 + 1 = ${Math.floor(c.data.resolution / 2) + 1} modes, got ${c.model.modes}`,
      });
    }
    if (c.data.type !== 'file' && c.training.batch_size > c.data.train) {
      ctx.addIssue({
        code: 'custom',
        path: ['training', 'batch_size'],
        message: `expected at most data.train = ${c.data.train}, got ${c.training.batch_size}`,
      });
    }
  });

// ---------- differentiable simulation ----------
const springSchema = z.strictObject({
  a: nonNegInt,
  b: nonNegInt,
  stiffness: z.number().nonnegative(),
  actuation: z.number().optional(),
  damping: z.number().nonnegative().optional(),
  rest_length: z.number().positive().optional(),
});

export const simulatorSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('mass-spring'),
    /** 'default' = the DiffTaichi robot; or explicit points and springs. */
    robot: z
      .union([z.literal('default'), z.strictObject({ points: z.array(vec2).min(2), springs: z.array(springSchema).min(1) })])
      .default('default'),
    dt: z.number().positive().default(0.004),
    gravity: finite.default(-4.8),
    drag: z.number().nonnegative().default(15),
    ground_height: finite.default(0.1),
    friction: z.number().nonnegative().default(1),
    n_sin: posInt.default(10),
    omega: z.number().positive().default(10),
    n_hidden: posInt.default(32),
  }),
  z.strictObject({
    type: z.literal('mpm'),
    n_grid: z.number().int().min(4).default(32),
    dt: z.number().positive().default(2e-4),
    E: z.number().positive().default(1000),
    nu: z.number().gt(-1).lt(0.5).default(0.2),
    material: z.enum(['fixedCorotated', 'neoHookean', 'fluid', 'snow']).default('fixedCorotated'),
    density: z.number().positive().default(1),
    gravity: finite.default(-9.8),
    boundary: z.enum(['sticky', 'slip', 'none']).default('sticky'),
    /** The simulated body: a block of nx x ny particles filling origin + [0, size]. */
    block: z
      .strictObject({
        nx: posInt.default(8),
        ny: posInt.default(8),
        origin: vec2.default([0.2, 0.4]),
        size: vec2.default([0.2, 0.2]),
        jitter_seed: nonNegInt.optional(),
      })
      .prefault({}),
  }),
]);

export const simTaskSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('walk'), horizon: posInt.default(400), checkpointing: z.enum(['all', 'sqrt']).default('all') }),
  z.strictObject({
    type: z.literal('target'),
    target: vec2,
    horizon: posInt.default(200),
    initial_velocity: vec2.default([0, 0]),
    checkpointing: z.enum(['all', 'sqrt']).default('sqrt'),
  }),
]);

export const simulationSchema = z
  .strictObject({
    kind: z.literal('simulation'),
    ...common,
    simulator: simulatorSchema,
    task: simTaskSchema,
    training: z.strictObject(trainingShape(100, 1, 10)).prefault({}),
    output: z.strictObject({ frame_every: posInt.default(10) }).prefault({}),
  })
  .superRefine((c, ctx) => {
    if (!(singleGradientOptimizers as readonly string[]).includes(c.training.optimizer)) {
      ctx.addIssue({
        code: 'custom',
        path: ['training', 'optimizer'],
        message: `expected one of ${singleGradientOptimizers.join(', ')} for a simulation (one loss), got '${c.training.optimizer}'`,
      });
    }
    const needs = { walk: 'mass-spring', target: 'mpm' } as const;
    if (needs[c.task.type] !== c.simulator.type) {
      ctx.addIssue({
        code: 'custom',
        path: ['task', 'type'],
        message: `expected a task for simulator '${c.simulator.type}' (${c.simulator.type === 'mpm' ? 'target' : 'walk'}), got '${c.task.type}'`,
      });
    }
  });

export const configSchema = z.discriminatedUnion('kind', [pinnSchema, operatorSchema, simulationSchema]);

export type PinnConfig = z.output<typeof pinnSchema>;
export type OperatorConfig = z.output<typeof operatorSchema>;
export type SimulationConfig = z.output<typeof simulationSchema>;
export type RunConfig = z.output<typeof configSchema>;
export type TrainingConfig = RunConfig['training'];
export const runKinds = ['pinn', 'operator', 'simulation'] as const;
export type RunKind = (typeof runKinds)[number];
