// Config schemas (zod v4, strict objects, defaults filled) for the four run kinds. YAML keys are
// snake_case; cross-field rules live in superRefine so every error carries its key path. Every key carries a
// description (and an example where it has no default): `fluxion schema` and docs/config.md are generated from them.
import { z } from 'zod';
import { SAMPLER_KINDS } from '../meshes/sampling/samplers.js';
import { ESTIMATORS } from '../core/estimators.js';
import { checkNetwork, networkShape } from './networkConfig.js';
import { pdeLossName } from '../pinn/equations.js';
import { ADAPTIVE_METHODS } from '../pinn/adaptive.js';
import { isReservedName } from '../pinn/symbols.js';
import { lrSpecSchema, optimizerEnum, optimizerOptionsSchema } from './optimizerSchema.js';
import { optimizerInputs, type OptimizerName } from '../optim/factory.js';

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

const shape = <T extends string>(type: T, description: string) => z.literal(type).describe(description);
const lower = <S extends z.ZodType>(s: S, example: unknown) =>
  s.describe('Lower corner (one value per axis).').meta({ examples: [example] });
const upper = <S extends z.ZodType>(s: S, example: unknown) =>
  s.describe('Upper corner, above min on every axis.').meta({ examples: [example] });
const center = <S extends z.ZodType>(s: S, example: unknown) => s.describe('Centre point.').meta({ examples: [example] });
const radius = z
  .number()
  .positive()
  .describe('Radius (> 0).')
  .meta({ examples: [0.5] });

export const geometrySchema: z.ZodType<GeometryNode> = z
  .lazy(() =>
    z.discriminatedUnion('type', [
      z
        .strictObject({ type: shape('interval', '1-D interval [min, max].'), min: lower(finite, 0), max: upper(finite, 1) })
        .superRefine(minBelowMax),
      z
        .strictObject({ type: shape('rectangle', 'Axis-aligned rectangle.'), min: lower(vec2, [0, 0]), max: upper(vec2, [1, 1]) })
        .superRefine(minBelowMax),
      z
        .strictObject({ type: shape('box', 'Axis-aligned 3-D box.'), min: lower(vec3, [0, 0, 0]), max: upper(vec3, [1, 1, 1]) })
        .superRefine(minBelowMax),
      z
        .strictObject({
          type: shape('hypercube', 'Axis-aligned box in any dimension.'),
          min: lower(z.array(finite).min(1), [0, 0, 0, 0]),
          max: upper(z.array(finite).min(1), [1, 1, 1, 1]),
        })
        .superRefine(minBelowMax),
      z.strictObject({ type: shape('disk', 'Disk in 2-D.'), center: center(vec2, [0, 0]), radius }),
      z.strictObject({ type: shape('sphere', 'Ball in 3-D.'), center: center(vec3, [0, 0, 0]), radius }),
      z.strictObject({
        type: shape('hypersphere', 'Ball in any dimension.'),
        center: center(z.array(finite).min(1), [0, 0, 0, 0]),
        radius,
      }),
      z.strictObject({
        type: shape('polygon', 'Simple 2-D polygon.'),
        vertices: z
          .array(vec2)
          .min(3)
          .describe('Corners in order (at least 3).')
          .meta({
            examples: [
              [
                [0, 0],
                [1, 0],
                [0, 1],
              ],
            ],
          }),
      }),
      z.strictObject({
        type: z.enum(['union', 'intersection', 'difference']).describe('CSG combination (difference: the first minus the others).'),
        of: z.array(geometrySchema).min(2).describe('Geometries of one dimension (at least 2).'),
      }),
    ]),
  )
  .meta({ id: 'geometry', description: 'A shape, or a CSG union / intersection / difference of shapes.' }) as z.ZodType<GeometryNode>;

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
const trainingShape = (steps: number, logEvery: number, checkpointEvery: number) => ({
  steps: posInt.default(steps).describe('Training steps (optimizer updates; with finetune, both phases).'),
  optimizer: optimizerEnum.default('adam').describe('Optimizer (optim/README.md describes each).'),
  optimizer_options: optimizerOptionsSchema.prefault({}).describe('Options of `optimizer` (each optimizer reads its own).'),
  lr: lrSpecSchema
    .optional()
    .describe("Learning rate or schedule ({ type: cosine, lr, total_steps, ... }); the optimizer's default when absent.")
    .meta({ examples: [0.001] }),
  log_every: posInt.default(logEvery).describe('Steps between lines of metrics.jsonl (and test-error evaluations).'),
  checkpoint_every: posInt.default(checkpointEvery).describe('Steps between checkpoints (also written on Ctrl-C).'),
  divergence_factor: z.number().gt(1).default(1e8).describe('Stop (exit 3) when the loss exceeds this multiple of the best loss so far.'),
});

const dtypeEnum = z.enum(['f32', 'f64']);
const backendEnum = z.enum(['auto', 'wasm', 'gpu', 'js', 'webgpu']);
const runName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'expected a run name of letters, digits, ".", "_", "-"');

const common = {
  name: runName.describe('Run name: outputs go to runs/<name>/ (letters, digits, ".", "_", "-").').meta({ examples: ['poisson2d'] }),
  seed: z.number().int().nonnegative().default(0).describe('Seed of every random draw (initialisation, sampling, data).'),
  backend: backendEnum
    .default('auto')
    .describe(
      'Compute backend; --backend overrides. auto: wasm (webgpu only when named: the trainers step synchronously). ' +
        'webgpu (WGSL compute shaders) needs a WebGPU adapter, in Node from the webgpu package; for now a run on it exits 2 ' +
        'saying what is missing (no adapter, or the trainers, which do not run on webgpu yet). gpu (gpu.js kernels, f32): ' +
        'kind simulation builds its simulators in f32 there.',
    ),
};
const dtype = dtypeEnum.default('f32').describe('Floating-point type of training.');

// ---------- PINN ----------
const conditionCommon = {
  name: identifier
    .optional()
    .describe('Loss term name (default <type><index>, e.g. dirichlet0).')
    .meta({ examples: ['inlet'] }),
  field: identifier
    .optional()
    .describe('Field the condition applies to (default: every field).')
    .meta({ examples: ['u'] }),
  weight: z.number().nonnegative().default(1).describe('Weight of this loss term.'),
  points: posInt
    .optional()
    .describe('Collocation points for this condition (default training.points.boundary / initial).')
    .meta({ examples: [200] }),
};
const columnNames = z.array(z.string().min(1)).min(1);
const interpolation = z
  .enum(['linear', 'nearest'])
  .default('linear')
  .describe('Interpolation of the tabulated values: multilinear (grids) or Delaunay (scattered), or nearest.');
/** Values read from a data file and interpolated (multilinear/nearest on grids, Delaunay/nearest when scattered). */
const tabulated = {
  file: z
    .string()
    .min(1)
    .optional()
    .describe('Data file (.dat/.txt/.csv/.npz/.npy/.mat/.vtu/.vti), relative to the config.')
    .meta({ examples: ['data/initial.dat'] }),
  columns: columnNames
    .optional()
    .describe("The file's names for the coordinates then the value (or, for one 2-D array, its columns in order).")
    .meta({ examples: [['x', 'u0']] }),
  interpolation,
};

const onSelector = z
  .string()
  .min(1)
  .default('boundary')
  .describe("Boundary points it applies to: 'boundary' (all) or a boolean expression such as `x == -1`.");
const value = (what: string) => expr.describe(what).meta({ examples: ['sin(pi*x)'] });

/** One PDE equation: 'u_t - u_xx' or { eq: 'u_t - u_xx', name: heat, weight: 2 }. */
export const pdeEntrySchema = z
  .union([
    z.string().min(1),
    z.strictObject({
      eq: z
        .string()
        .min(1)
        .describe('Residual expression (= 0), e.g. u_t - nu*u_xx.')
        .meta({ examples: ['u_t - 0.1*u_xx'] }),
      name: identifier
        .optional()
        .describe('Loss term name (default pde, or pde<index> for several).')
        .meta({ examples: ['heat'] }),
      weight: z.number().nonnegative().default(1).describe('Weight of this loss term.'),
      integral: z
        .boolean()
        .default(false)
        .describe(
          'An integral constraint: the spatial mean of the residual vanishes at every time (a global balance such as a conservation law) instead of the residual at each point; the loss is the mean over training.causal time chunks of the squared chunk mean. Needs training.causal.',
        ),
    }),
  ])
  .describe('An equation: a residual expression, or { eq, name, weight, integral }.');
export type PdeEntryConfig = z.infer<typeof pdeEntrySchema>;

const conditionType = <T extends string>(type: T, description: string) => z.literal(type).describe(description);
export const conditionSchema = z
  .discriminatedUnion('type', [
    z.strictObject({
      type: conditionType('dirichlet', 'u = value on the selected boundary.'),
      on: onSelector,
      value: value('Prescribed value (number or expression).'),
      ...conditionCommon,
    }),
    z.strictObject({
      type: conditionType('neumann', 'Outward normal derivative = value.'),
      on: onSelector,
      value: value('Prescribed normal derivative.'),
      ...conditionCommon,
    }),
    z.strictObject({
      type: conditionType('robin', 'alpha u + beta du/dn = value.'),
      on: onSelector,
      alpha: expr.default(1).describe('Coefficient of u.'),
      beta: expr.default(1).describe('Coefficient of the normal derivative.'),
      value: value('Right-hand side.'),
      ...conditionCommon,
    }),
    z.strictObject({
      type: conditionType('periodic', 'Equal values (and first derivatives) on the two faces of an axis.'),
      axis: identifier.describe('Coordinate whose two faces are identified.').meta({ examples: ['x'] }),
      ...conditionCommon,
    }),
    z.strictObject({
      type: conditionType('initial', 'Value (order 0) or time derivative (order 1) at t0.'),
      value: value('Initial value (or time derivative) as an expression in space.').optional(),
      order: z
        .union([z.literal(0), z.literal(1)])
        .default(0)
        .describe('0: u(x, t0) = value; 1: u_t(x, t0) = value.'),
      ...tabulated,
      ...conditionCommon,
    }),
    z.strictObject({
      type: conditionType('data', 'Observations: fits the fields to measured values (inverse problems).'),
      file: z
        .string()
        .min(1)
        .optional()
        .describe('Observation file (.dat/.npz/.mat/.vtu/.vti); else sampled from the reference, else from the exact solution.')
        .meta({ examples: ['data/observations.dat'] }),
      n: posInt.default(100).describe('Observation points drawn when there is no file.'),
      noise: z.number().nonnegative().default(0).describe('Relative Gaussian noise added to the observed values.'),
      fields: z
        .array(identifier)
        .min(1)
        .optional()
        .describe('Observed fields (default: every field; `field:` observes one).')
        .meta({ examples: [['u']] }),
      columns: columnNames
        .optional()
        .describe("The file's names for the coordinates then the observed fields (or, for one 2-D array, its columns in order).")
        .meta({ examples: [['x', 't', 'u']] }),
      values: z
        .enum(['file', 'exact'])
        .default('file')
        .describe("'exact': observe the exact solution at the file's points (the file then only needs coordinates)."),
      ...conditionCommon,
    }),
    z.strictObject({
      type: conditionType('point', 'u = value at given points.'),
      at: z
        .union([z.array(finite).min(1), z.array(z.array(finite).min(1)).min(1)])
        .describe('One point [x, y] or a list [[x, y], ...].')
        .meta({ examples: [[0, 0]] }),
      value: expr.default(0).describe('Prescribed value.'),
      ...conditionCommon,
    }),
  ])
  .describe('A boundary, initial, data or point condition (each is its own loss term).');
export type ConditionConfig = z.infer<typeof conditionSchema>;

const referenceSchema = z
  .union([
    z.string().min(1),
    z.strictObject({
      file: z
        .string()
        .min(1)
        .describe('Reference solution file.')
        .meta({ examples: ['data/ref.dat'] }),
      columns: z
        .array(z.string().min(1))
        .optional()
        .describe("Column/array names: coordinates then fields, when the file's own names do not match.")
        .meta({ examples: [['x', 'y', 'u']] }),
    }),
  ])
  .describe('Reference solution file (.dat/.txt/.csv/.npz/.npy/.mat/.vtu/.vti), or { file, columns }; gives the test error.')
  .meta({ examples: ['data/poisson_ref.dat'] });

const referenceExtensions = ['.dat', '.txt', '.csv', '.npz', '.npy', '.mat', '.vtu', '.vti'];

export const pinnSchema = z
  .strictObject({
    kind: z.literal('pinn').describe('Physics-informed neural network: train a network to satisfy PDEs and conditions.'),
    ...common,
    dtype,
    geometry: geometrySchema
      .optional()
      .describe('Spatial domain; may be omitted with `time` for an ODE (the domain is then the time interval, coords [t]).')
      .meta({ examples: [{ type: 'rectangle', min: [0, 0], max: [1, 1] }] }),
    time: vec2
      .optional()
      .describe('Time interval [t0, t1] for evolution problems (adds the coordinate t).')
      .meta({ examples: [[0, 1]] }),
    coords: z
      .array(identifier)
      .min(1)
      .optional()
      .describe('Coordinate names, default x, y, z (x1, x2, ... above 3 axes) then t.')
      .meta({ examples: [['x', 't']] }),
    fields: z.array(identifier).min(1).default(['u']).describe('Names of the unknown fields (network outputs).'),
    constants: z
      .record(identifier, finite)
      .default({})
      .describe('Named constants usable in every expression.')
      .meta({ examples: [{ nu: 0.01 }] }),
    unknowns: z
      .record(
        identifier,
        z.union([
          finite,
          z.strictObject({
            init: finite.describe('Initial value.').meta({ examples: [0.5] }),
            scale: z
              .number()
              .positive()
              .describe('Typical magnitude: the optimizer trains value / scale.')
              .meta({ examples: [0.01] }),
          }),
        ]),
      )
      .default({})
      .describe('Trainable constants of inverse problems: an initial value, or { init, scale } (the optimizer trains value / scale).')
      .meta({ examples: [{ D: 0.5 }] }),
    true_values: z
      .record(identifier, finite)
      .optional()
      .describe("Known values of unknowns (benchmarks): metrics and summary report each one's relative error.")
      .meta({ examples: [{ D: 0.1 }] }),
    pde: z
      .array(pdeEntrySchema)
      .min(1)
      .describe('Equations (residual = 0): strings or { eq, name, weight }; derivatives as u_x, u_xx, u_xt, lap(u).')
      .meta({ examples: [['lap(u) + 2*pi^2*sin(pi*x)*sin(pi*y)']] }),
    conditions: z.array(conditionSchema).default([]).describe('Boundary, initial, data and point conditions.'),
    exact: z
      .union([z.string().min(1), z.record(identifier, z.string().min(1))])
      .optional()
      .describe('Exact solution (one expression, or one per field): test error, and source terms derived symbolically.')
      .meta({ examples: ['sin(pi*x)*sin(pi*y)'] }),
    reference: referenceSchema.optional(),
    coefficients: z
      .record(
        identifier,
        z.strictObject({
          ...tabulated,
          file: z
            .string()
            .min(1)
            .describe('Data file of the coefficient, relative to the config.')
            .meta({ examples: ['data/coef.dat'] }),
        }),
      )
      .default({})
      .describe('Coefficient fields read from data files, usable in PDEs and condition values by name.')
      .meta({ examples: [{ a: { file: 'data/coef.dat' } }] }),
    network: z
      .strictObject({
        layers: z
          .array(posInt)
          .min(1)
          .default([64, 64, 64])
          .describe('Hidden widths (input and output widths come from coords and fields).'),
        activation: z.enum(['tanh', 'sin', 'gelu', 'relu', 'sigmoid', 'swish']).default('tanh').describe('Activation function.'),
        ...networkShape,
      })
      .prefault({})
      .describe('The network: widths, activation, architecture and input/output transforms.'),
    training: z
      .strictObject({
        ...trainingShape(5000, 100, 1000),
        points: z
          .strictObject({
            domain: posInt.default(2000).describe('PDE collocation points in the domain.'),
            boundary: posInt.default(400).describe('Points per boundary condition.'),
            initial: posInt.default(400).describe('Points per initial condition.'),
            test: posInt.default(2000).describe('Points the test error is measured on.'),
          })
          .prefault({})
          .describe('Collocation point counts.'),
        sampler: z
          .enum(SAMPLER_KINDS as unknown as [string, ...string[]])
          .default('uniform')
          .describe('How collocation points are drawn.'),
        resample_every: nonNegInt
          .default(0)
          .describe('Redraw collocation points every N steps (0 = never); a pure function of (seed, step).'),
        forward_gradient: z
          .boolean()
          .default(false)
          .describe(
            'Train on forward gradients (Baydin et al. 2022): (grad . v) v from one forward-mode pass per step, v ~ N(0, I); no backward pass. Needs optimizer adam, adamw or sgd.',
          ),
        finetune: z
          .strictObject({
            at: nonNegInt.describe('Step at which the second optimizer takes over (below training.steps).').meta({ examples: [5000] }),
            optimizer: optimizerEnum.default('lbfgs').describe('Optimizer of the second phase.'),
            optimizer_options: optimizerOptionsSchema.prefault({}).describe('Options of `optimizer` (each optimizer reads its own).'),
            dtype: dtypeEnum.default('f64').describe('Floating-point type of the second phase.'),
            points: z
              .strictObject({
                domain: posInt.optional().describe('PDE collocation points of the second phase.'),
                boundary: posInt.optional().describe('Points per boundary condition in the second phase.'),
                initial: posInt.optional().describe('Points per initial condition in the second phase.'),
              })
              .optional()
              .describe(
                'Point counts of the second phase where they differ from training.points: its points are held fixed, and more of them leave less room to overfit between them.',
              ),
          })
          .optional()
          .describe(
            'From step `at` on, a second optimizer (default L-BFGS, in f64) continues from the trained parameters on the collocation points of that step, held fixed.',
          )
          .meta({ examples: [{ at: 5000, optimizer: 'lbfgs' }] }),
        keep_best: z
          .strictObject({
            points: posInt.default(2048).describe('Held-out domain points the PDE residual is scored on (a fixed set, never trained on).'),
            every: posInt.optional().describe('Steps between scores (default: log_every).'),
          })
          .optional()
          .describe(
            'Model selection without the reference: score the PDE residual on held-out points every `every` steps and, when training completes, go back to the parameters with the lowest score (e.g. against L-BFGS overfitting fixed points). Not applied to an interrupted run.',
          )
          .meta({ examples: [{ points: 2048 }] }),
        adaptive: z
          .strictObject({
            method: z
              .enum(ADAPTIVE_METHODS as unknown as [string, ...string[]])
              .describe('rar-g (greedy), rar-d or rad (Wu et al. 2023).')
              .meta({ examples: ['rad'] }),
            every: posInt.default(1000).describe('Steps between adaptations.'),
            candidates: posInt.default(10000).describe('Candidate points whose residuals are ranked.'),
            add: posInt.default(100).describe('Points added per adaptation (rar-g, rar-d).'),
            k: z.number().nonnegative().default(1).describe('Exponent of the residual in the sampling density (rar-d, rad).'),
            c: z.number().nonnegative().default(1).describe('Constant added to the density (rar-d, rad).'),
          })
          .optional()
          .describe('Residual-based adaptive sampling of the PDE points.')
          .meta({ examples: [{ method: 'rad', every: 500 }] }),
        causal: z
          .strictObject({
            chunks: posInt.default(32).describe('Time chunks the PDE loss is split into.'),
            epsilon: z
              .array(z.number().nonnegative().refine(Number.isFinite, 'expected a finite number'))
              .min(1)
              .default([0.01, 0.1, 1, 10, 100])
              .describe('Causality parameters, taken in turn when the weights reach delta.'),
            delta: z.number().gt(0).lt(1).default(0.99).describe('Smallest chunk weight at which epsilon moves on.'),
          })
          .optional()
          .describe('Causal weighting of the PDE loss over time chunks (Wang et al. 2022).')
          .meta({ examples: [{ chunks: 32 }] }),
        time_marching: z
          .strictObject({
            windows: posInt.describe('Number of time windows.').meta({ examples: [4] }),
            mode: z
              .enum(['curriculum', 'sequential'])
              .default('curriculum')
              .describe(
                'curriculum: one network, points in the growing window [t0, t_k] during the k-th share of the steps; sequential: one network per window, trained in turn on its own slab, each starting from the previous one and fitted to its prediction at the window start.',
              ),
            ic_points: posInt
              .optional()
              .describe('sequential: points at each later window start where the previous window is fitted (default 4096).'),
            ic_weight: z
              .number()
              .nonnegative()
              .refine(Number.isFinite, 'expected a finite number')
              .optional()
              .describe('sequential: weight of that fit, the loss term window_ic (default 1).'),
          })
          .optional()
          .describe('Time-marching over equal time windows: a curriculum for one network, or one network per window in sequence.')
          .meta({ examples: [{ windows: 4 }, { windows: 10, mode: 'sequential' }] }),
        anchors: z
          .union([
            z.array(z.array(finite).min(1)).min(1),
            z.strictObject({
              file: z
                .string()
                .min(1)
                .describe('File of coordinate columns.')
                .meta({ examples: ['data/anchors.dat'] }),
              columns: z
                .array(z.string().min(1))
                .optional()
                .describe("The file's names of the coordinates.")
                .meta({ examples: [['x', 'y']] }),
            }),
          ])
          .optional()
          .describe('Extra PDE points used at every step: a list of points or { file, columns }.')
          .meta({ examples: [[[0, 0]]] }),
      })
      .prefault({})
      .describe('Optimizer, steps, collocation points and training strategies.'),
    derivatives: z
      .strictObject({
        estimator: z.enum(ESTIMATORS).default('exact').describe('exact (Taylor jets) or STDE (random probes, for high dimensions).'),
        samples: posInt.default(16).describe('Probes per step of the STDE estimators.'),
      })
      .prefault({})
      .describe('How PDE derivatives are computed.'),
    output: z
      .strictObject({
        resolution: z
          .union([z.number().int().min(2), z.array(z.number().int().min(2)).min(1)])
          .default(64)
          .describe('Evaluation grid points per axis (one number for all axes, or one per axis incl. time).'),
      })
      .prefault({})
      .describe('Written fields.'),
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
    if (c.training.forward_gradient && optimizerInputs[c.training.optimizer as OptimizerName] !== 'gradient') {
      ctx.addIssue({
        code: 'custom',
        path: ['training', 'forward_gradient'],
        message: `needs an optimizer that takes one gradient (adam, adamw, sgd), got optimizer '${c.training.optimizer}'`,
      });
    }
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
  c.pde.forEach((e, i) => {
    if (typeof e === 'object' && e.integral && !t.causal)
      ctx.addIssue({
        code: 'custom',
        path: ['pde', i, 'integral'],
        message: 'expected training.causal: its time chunks are the times at which the spatial mean must vanish',
      });
  });
  const tm = t.time_marching;
  if (tm && tm.mode !== 'sequential') {
    for (const key of ['ic_points', 'ic_weight'] as const)
      if (tm[key] !== undefined)
        ctx.addIssue({ code: 'custom', path: ['training', 'time_marching', key], message: 'expected only with mode: sequential' });
  }
  if (tm?.mode === 'sequential') {
    for (const key of ['finetune', 'keep_best'] as const)
      if (t[key])
        ctx.addIssue({
          code: 'custom',
          path: ['training', 'time_marching', 'mode'],
          message: `sequential windows train one network per window; training.${key} works on one network over the whole run (use mode: curriculum)`,
        });
    c.conditions.forEach((b, i) => {
      if (b.type === 'initial' && b.order === 1)
        ctx.addIssue({
          code: 'custom',
          path: ['conditions', i],
          message:
            'an initial condition on a time derivative needs one network over the whole interval (windows pass on values, not u_t); use time_marching mode: curriculum',
        });
    });
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

/** Kinds with one loss take an optimizer of one gradient: an issue at training.optimizer otherwise. */
function singleGradientRule(optimizer: string, what: string, ctx: z.RefinementCtx): void {
  if ((singleGradientOptimizers as readonly string[]).includes(optimizer)) return;
  ctx.addIssue({
    code: 'custom',
    path: ['training', 'optimizer'],
    message: `expected one of ${singleGradientOptimizers.join(', ')} for ${what} (one loss), got '${optimizer}'`,
  });
}

const grfSchema = z
  .strictObject({
    alpha: z
      .number()
      .positive()
      .optional()
      .describe('Smoothness exponent of the covariance (default 2).')
      .meta({ examples: [2] }),
    tau: z
      .number()
      .positive()
      .optional()
      .describe('Inverse length scale (default 5; Darcy 3).')
      .meta({ examples: [5] }),
    sigma: z
      .number()
      .positive()
      .optional()
      .describe('Amplitude (default 25; Darcy: set from tau and alpha).')
      .meta({ examples: [25] }),
  })
  .describe('Gaussian random field of the inputs, sigma^2 (-Laplacian + tau^2)^-alpha (defaults as in the FNO paper).')
  .meta({ examples: [{ alpha: 2, tau: 5 }] });

const dataType = <T extends string>(type: T, description: string) => z.literal(type).describe(description);
const trainCount = (n: number) => posInt.default(n).describe('Training samples.');
const testCount = (n: number) => posInt.default(n).describe('Test samples.');

export const operatorDataSchema = z
  .discriminatedUnion('type', [
    z.strictObject({
      type: dataType('burgers', '1-D viscous Burgers: initial condition -> solution at time T (spectral solver).'),
      train: trainCount(200),
      test: testCount(50),
      resolution: posInt.default(128).describe('Grid points of inputs and outputs.'),
      nu: z.number().positive().default(0.1).describe('Viscosity.'),
      T: z.number().positive().default(1).describe('Final time.'),
      solver_resolution: posInt
        .optional()
        .describe('Grid of the reference solver, a multiple of resolution (default resolution).')
        .meta({ examples: [1024] }),
      grf: grfSchema.optional(),
    }),
    z.strictObject({
      type: dataType('antiderivative', 'v -> its antiderivative u (u(0) = 0), the DeepONet example.'),
      train: trainCount(1000),
      test: testCount(200),
      resolution: posInt.default(100).describe('Sensor / evaluation points.'),
      grf: grfSchema.optional(),
    }),
    z.strictObject({
      type: dataType('darcy', '2-D Darcy flow: thresholded coefficient field -> pressure (finite differences).'),
      train: trainCount(100),
      test: testCount(20),
      resolution: z.number().int().min(3).default(29).describe('Grid points per axis.'),
      grf: grfSchema.optional(),
    }),
    z.strictObject({
      type: dataType('file', 'Input and output arrays from a file.'),
      file: z
        .string()
        .min(1)
        .describe('Data file (.npz, .mat) relative to the config.')
        .meta({ examples: ['data/darcy.npz'] }),
      inputs: z.string().min(1).default('inputs').describe('Array name of the inputs in the file ([count, ...grid]).'),
      outputs: z.string().min(1).default('outputs').describe('Array name of the outputs in the file ([count, ...grid]).'),
      test_fraction: z.number().gt(0).lt(1).default(0.2).describe('Share of the samples held out for testing.'),
    }),
    z.strictObject({
      type: dataType('dataset', 'A dataset directory written by `fluxion data generate` (manifest.json and .npz shards).'),
      path: z
        .string()
        .min(1)
        .describe('The dataset directory, relative to the config.')
        .meta({ examples: ['../data/burgers-ds'] }),
      train: posInt.describe('Training samples: the first train samples of the dataset.').meta({ examples: [800] }),
      test: posInt.describe('Test samples: the next test samples after the training ones.').meta({ examples: [200] }),
    }),
  ])
  .describe('The dataset: generated (burgers, antiderivative, darcy), read from a file, or a generated dataset directory.');

export const operatorModelSchema = z
  .discriminatedUnion('type', [
    z.strictObject({
      type: z.literal('fno').describe('Fourier neural operator.'),
      modes: posInt.default(16).describe('Fourier modes kept per axis (at most resolution/2 + 1).'),
      width: posInt.default(64).describe('Channels of the spectral layers.'),
      depth: posInt.default(4).describe('Spectral layers.'),
      projection: posInt.default(128).describe('Hidden width of the output projection.'),
      padding: nonNegInt.default(0).describe('Zero padding per axis for non-periodic problems (FNO Darcy: 9).'),
    }),
    z.strictObject({
      type: z.literal('deeponet').describe('Deep operator network (branch and trunk nets).'),
      branch: z.array(posInt).min(1).default([40, 40]).describe('Hidden widths of the branch net (input: the sensor values).'),
      trunk: z.array(posInt).min(1).default([40, 40]).describe('Hidden widths of the trunk net (input: the coordinates).'),
      basis: posInt.default(40).describe('Basis functions (output width of both nets).'),
      activation: z.enum(['gelu', 'tanh', 'relu', 'sin']).default('relu').describe('Activation function.'),
    }),
  ])
  .describe('The operator network.');

export const operatorSchema = z
  .strictObject({
    kind: z.literal('operator').describe('Operator learning: learn a map between functions from input/output samples.'),
    ...common,
    dtype,
    model: operatorModelSchema,
    data: operatorDataSchema,
    loss: z.enum(['relL2', 'mse']).default('relL2').describe('Training loss: relative L2 per sample (relL2) or mean squared error.'),
    training: z
      .strictObject({
        ...trainingShape(500, 10, 100),
        batch_size: posInt.default(20).describe('Samples per step (at most data.train).'),
        decay_every: posInt
          .default(100)
          .describe(
            'Default optimizer (no optimizer options and no lr given): Adam, weight decay 1e-4, lr halved every decay_every epochs.',
          ),
      })
      .prefault({})
      .describe('Optimizer (adam, adamw or sgd) and steps (one step = one batch).'),
    output: z
      .strictObject({ samples: posInt.default(4).describe('Test samples written as fields (input, prediction, reference).') })
      .prefault({})
      .describe('Written fields.'),
  })
  .superRefine((c, ctx) => {
    singleGradientRule(c.training.optimizer, 'operator learning', ctx);
    if (
      c.model.type === 'fno' &&
      c.data.type !== 'file' &&
      c.data.type !== 'dataset' &&
      c.model.modes > Math.floor(c.data.resolution / 2) + 1
    ) {
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
const springSchema = z
  .strictObject({
    a: nonNegInt.describe('Index of the first point.').meta({ examples: [0] }),
    b: nonNegInt.describe('Index of the second point.').meta({ examples: [1] }),
    stiffness: z
      .number()
      .nonnegative()
      .describe('Spring stiffness.')
      .meta({ examples: [3e4] }),
    actuation: z
      .number()
      .optional()
      .describe('Actuation strength (0 or absent: passive).')
      .meta({ examples: [0.15] }),
    damping: z
      .number()
      .nonnegative()
      .optional()
      .describe('Damping coefficient (default none).')
      .meta({ examples: [0.5] }),
    rest_length: z
      .number()
      .positive()
      .optional()
      .describe('Rest length (default the initial distance).')
      .meta({ examples: [0.1] }),
  })
  .describe('A spring between points a and b.');

const hiddenWidths = z.array(posInt).min(1).default([16, 16]);
export const neuralMaterialSchema = z
  .strictObject({
    type: z
      .literal('neural')
      .describe(
        'A learned hyperelastic law (NCLaw): strain energy E0 [(Ibar1 - 2) exp(m1) + (J - 1)^2 exp(m2)] / 2 with m = MLP(Ibar1 - 2, J - 1), frame-indifferent and stress-free at rest by construction; stress by autodiff.',
      ),
    hidden: hiddenWidths.describe('Hidden widths of the elastic network (tanh).'),
    seed: nonNegInt
      .optional()
      .describe("Seed of the networks' initialisation (default the run's seed; the plastic network uses seed + 1).")
      .meta({ examples: [1] }),
    stiffness: z
      .number()
      .positive()
      .optional()
      .describe("E0, the stiffness scale of the network's moduli: a prior guess of Young's modulus (default simulator.E).")
      .meta({ examples: [100] }),
    plastic: z
      .boolean()
      .default(false)
      .describe(
        'Add the learned plastic return mapping: a second MLP of the singular values of F that projects F after every step (yield and volume change).',
      ),
    plastic_hidden: hiddenWidths.describe('Hidden widths of the plastic network (tanh; used when plastic is true).'),
  })
  .describe('A neural constitutive law of the MPM simulator, trained by task learn_material.');

const robotRectSchema = z
  .strictObject({
    x: finite.describe('Lower-left corner x, relative to robot.origin (before robot.scale).'),
    y: finite.describe('Lower-left corner y, relative to robot.origin (before robot.scale).'),
    w: z.number().positive().describe('Width.'),
    h: z.number().positive().describe('Height.'),
    group: z
      .number()
      .int()
      .min(-1)
      .default(-1)
      .describe('Actuator group 0, 1, ... (one controller output each), or -1 for passive material.'),
  })
  .describe('A rectangle of the robot, filled with 4 particles per grid cell.');

const mpmRobotSchema = z
  .strictObject({
    body: z
      .union([z.literal('walker'), z.array(robotRectSchema).min(1)])
      .default('walker')
      .describe("'walker' (DiffTaichi mpm.py's robot: a 0.3 x 0.1 slab on four actuated 0.05 x 0.1 legs), or explicit rectangles."),
    origin: vec2.default([0.1, 0.1]).describe("Where the body's (0, 0) is placed in the unit square (above the floor layer of 3 cells)."),
    scale: z.number().positive().default(1).describe('Scale of the body.'),
    actuation_strength: z
      .number()
      .positive()
      .default(4)
      .describe('Actuation stress scale: a group at actuation a adds strength * a * F d d^T F^T (d vertical) to its particles.'),
  })
  .prefault({})
  .describe('The actuated soft robot of task locomotion (groups driven by the controller).');

export const simulatorSchema = z
  .discriminatedUnion('type', [
    z.strictObject({
      type: z.literal('mass-spring').describe('2-D mass-spring robot on the ground (DiffTaichi), driven by a trained controller.'),
      robot: z
        .union([
          z.literal('default'),
          z.strictObject({
            points: z
              .array(vec2)
              .min(2)
              .describe('Point masses [x, y].')
              .meta({
                examples: [
                  [
                    [0, 0.1],
                    [0.1, 0.1],
                  ],
                ],
              }),
            springs: z.array(springSchema).min(1).describe('Springs between the points.'),
          }),
        ])
        .default('default')
        .describe("'default' (the DiffTaichi robot), or explicit points and springs."),
      dt: z.number().positive().default(0.004).describe('Time step.'),
      gravity: finite.default(-4.8).describe('Gravity (vertical acceleration).'),
      drag: z.number().nonnegative().default(15).describe('Velocity damping.'),
      ground_height: finite.default(0.1).describe('Height of the ground.'),
      friction: z.number().nonnegative().default(1).describe('Ground friction (1: points stick on contact).'),
      n_sin: posInt.default(10).describe('Sine waves fed to the controller (controller.n_sin, when given, takes precedence).'),
      omega: z.number().positive().default(10).describe('Angular frequency of the sine waves (controller.omega takes precedence).'),
      n_hidden: posInt.default(32).describe('Hidden width of the controller (controller.hidden takes precedence).'),
    }),
    z.strictObject({
      type: z.literal('mpm').describe('2-D MLS-MPM continuum (elastic, fluid or snow) on a grid.'),
      n_grid: z.number().int().min(4).default(32).describe('Grid cells per axis of the unit square.'),
      dt: z.number().positive().default(2e-4).describe('Time step.'),
      E: z.number().positive().default(1000).describe("Young's modulus."),
      nu: z.number().gt(-1).lt(0.5).default(0.2).describe("Poisson's ratio, in (-1, 0.5)."),
      material: z
        .union([z.enum(['fixedCorotated', 'neoHookean', 'fluid', 'snow']), neuralMaterialSchema])
        .default('fixedCorotated')
        .describe('Constitutive model: an analytic one by name, or { type: neural, ... } (a learned law, trained by task learn_material).'),
      density: z.number().positive().default(1).describe('Particle density.'),
      gravity: finite.default(-9.8).describe('Gravity (vertical acceleration).'),
      boundary: z.enum(['sticky', 'slip', 'none']).default('sticky').describe('Wall condition of the unit square.'),
      block: z
        .strictObject({
          nx: posInt.default(8).describe('Particles along x.'),
          ny: posInt.default(8).describe('Particles along y.'),
          origin: vec2.default([0.2, 0.4]).describe('Lower-left corner.'),
          size: vec2.default([0.2, 0.2]).describe('Width and height.'),
          jitter_seed: nonNegInt
            .optional()
            .describe('Randomly jitter the particles with this seed (default a regular lattice).')
            .meta({ examples: [1] }),
        })
        .prefault({})
        .describe('The simulated body of task target: a block of nx x ny particles filling origin + [0, size].'),
      robot: mpmRobotSchema,
    }),
  ])
  .describe('The simulator.');

const checkpointing = (d: 'all' | 'sqrt') =>
  z.enum(['all', 'sqrt']).default(d).describe('Backpropagation memory: keep all states, or sqrt(horizon) checkpoints and recompute.');
export const controllerSchema = z
  .strictObject({
    type: z
      .literal('mlp')
      .describe(
        "One-hidden-layer tanh MLP: phase sinusoids, the state relative to the centre of mass (mass-spring: every particle; MPM: each actuator group's mean position and velocity, and the centre's velocity) and the goal in, one actuation per spring (MPM: per actuator group) out.",
      ),
    hidden: posInt
      .optional()
      .describe('Hidden width (default simulator.n_hidden, 32; MPM 32).')
      .meta({ examples: [32] }),
    n_sin: posInt
      .optional()
      .describe('Phase-clock sine waves fed to the network (default simulator.n_sin, 10; MPM 4).')
      .meta({ examples: [10] }),
    omega: z
      .number()
      .positive()
      .optional()
      .describe('Angular frequency of the phase clock, per unit time (default simulator.omega, 10; MPM 20).')
      .meta({ examples: [10] }),
  })
  .describe('The neural controller of a robot (mass-spring, or the MPM robot of task locomotion).');

const bodySchema = z
  .strictObject({
    shape: z.enum(['square', 'disc']).default('square').describe('A filled square or disc, 4 particles per grid cell.'),
    centre: vec2.describe('Centre [x, y] in the unit square.').meta({ examples: [[0.5, 0.5]] }),
    size: z
      .number()
      .positive()
      .describe('Side of the square or diameter of the disc; errors are reported relative to it.')
      .meta({ examples: [0.25] }),
    velocity: vec2.default([0, 0]).describe('Initial translation velocity v0.'),
    velocity_gradient: z
      .tuple([finite, finite, finite, finite])
      .default([0, 0, 0, 0])
      .describe(
        'Initial velocity gradient L, row-major [L00, L01, L10, L11]: v = v0 + L (x - centre); its symmetric part strains the body at once.',
      ),
  })
  .describe('A body and its initial motion.');

const groundTruthSchema = z
  .strictObject({
    material: z
      .enum(['fixedCorotated', 'neoHookean', 'snow'])
      .describe('The analytic material that generates the observed motion (snow: elastoplastic).')
      .meta({ examples: ['neoHookean'] }),
    E: z
      .number()
      .positive()
      .describe("Young's modulus.")
      .meta({ examples: [200] }),
    nu: z
      .number()
      .gt(-1)
      .lt(0.5)
      .describe("Poisson's ratio, in (-1, 0.5).")
      .meta({ examples: [0.3] }),
    hardening: z
      .number()
      .nonnegative()
      .optional()
      .describe('Snow: hardening coefficient (default 10; 0 = perfectly plastic).')
      .meta({ examples: [0] }),
    theta_c: z
      .number()
      .positive()
      .optional()
      .describe('Snow: singular values of F are clamped to [1 - theta_c, 1 + theta_s] (default 2.5e-2).')
      .meta({ examples: [0.03] }),
    theta_s: z
      .number()
      .positive()
      .optional()
      .describe('Snow: upper clamp 1 + theta_s of the singular values (default 4.5e-3).')
      .meta({ examples: [0.03] }),
  })
  .describe('The ground-truth material, simulated by the same MPM (grid, dt, gravity, walls) as the learned law.');

const learnMaterialTaskSchema = z.strictObject({
  type: z
    .literal('learn_material')
    .describe(
      'Train simulator.material (type neural) through the differentiable MPM so rollouts match observed particle trajectories; score rollouts of held-out trajectories over test_steps.',
    ),
  data: z
    .discriminatedUnion('type', [
      z.strictObject({
        type: z.literal('generate').describe('Simulate the observed trajectories with a named ground-truth material.'),
        ground_truth: groundTruthSchema,
        train: z.array(bodySchema).min(1).describe('Bodies whose motion the law is trained on.'),
        test: z.array(bodySchema).min(1).describe('Held-out bodies (other shapes and initial motions) the law is scored on.'),
      }),
      z.strictObject({
        type: z.literal('file').describe('Observed trajectories from a JSON file (format in README.md, "Learning a material").'),
        path: z
          .string()
          .min(1)
          .describe('The trajectory file, relative to the config.')
          .meta({ examples: ['data/trajectories.json'] }),
      }),
    ])
    .describe('The observed trajectories: generated from a ground-truth material, or read from a file.'),
  every: posInt.default(5).describe('Simulated steps between observed frames.'),
  train_steps: posInt
    .default(40)
    .describe('Trained horizon: the loss compares the first train_steps steps of each training trajectory (a multiple of every).'),
  test_steps: posInt
    .default(160)
    .describe('Evaluation horizon, at least train_steps and a multiple of every; held-out trajectories are scored over it.'),
});

export const simTaskSchema = z
  .discriminatedUnion('type', [
    z.strictObject({
      type: z.literal('walk').describe('Train the controller to move the robot as far right as possible.'),
      horizon: posInt.default(400).describe('Simulated steps per episode.'),
      checkpointing: checkpointing('all'),
    }),
    z.strictObject({
      type: z
        .literal('locomotion')
        .describe('Train a goal-conditioned controller on a batch of environments with random goals; evaluate on held-out goals.'),
      goal: z
        .enum(['running', 'jumping'])
        .default('running')
        .describe(
          'running: reach a target mean x velocity over the episode; jumping: raise the centre of mass by a target height at its peak.',
        ),
      goal_range: vec2
        .describe('Goals are drawn uniformly from [min, max] (velocity for running, height for jumping; max > min).')
        .meta({ examples: [[0.02, 0.16]] }),
      envs: posInt.default(8).describe('Environments (goals) simulated together in each training step.'),
      eval_goals: posInt
        .default(8)
        .describe('Held-out goals, the midpoints of eval_goals equal cells of goal_range, evaluated at every logged step.'),
      tolerance: z
        .number()
        .positive()
        .optional()
        .describe('An evaluation episode succeeds when |achieved - goal| <= tolerance (default a tenth of the goal range).')
        .meta({ examples: [0.014] }),
      horizon: posInt.default(300).describe('Simulated steps per episode.'),
      checkpointing: checkpointing('sqrt'),
    }),
    learnMaterialTaskSchema,
    z.strictObject({
      type: z.literal('target').describe("Train the block's initial velocity so its centre of mass ends at target."),
      target: vec2.describe('Target position of the centre of mass.').meta({ examples: [[0.6, 0.3]] }),
      horizon: posInt.default(200).describe('Simulated steps.'),
      initial_velocity: vec2.default([0, 0]).describe('Starting guess of the trained initial velocity.'),
      checkpointing: checkpointing('sqrt'),
    }),
  ])
  .describe('What is optimized (through the differentiable simulator).');

export const simulationSchema = z
  .strictObject({
    kind: z.literal('simulation').describe('Differentiable simulation: optimize controllers or parameters through a simulator.'),
    ...common,
    simulator: simulatorSchema,
    controller: controllerSchema.optional(),
    task: simTaskSchema,
    training: z
      .strictObject({
        ...trainingShape(100, 1, 10),
        grad_clip: z
          .number()
          .positive()
          .optional()
          .describe(
            'Clip the gradient to this Euclidean norm before each update (gradients through long rollouts can explode; metrics.jsonl records grad_norm before clipping).',
          )
          .meta({ examples: [10] }),
        truncate_every: posInt
          .optional()
          .describe(
            'Truncated backpropagation through time: the state entering simulated steps K, 2K, ... is cut from the gradient (stop_gradient), so each loss term backpropagates through at most the K steps since the last cut; the forward rollout and the loss are unchanged, and K >= the horizon gives the full gradient. Tasks walk and locomotion (mass-spring or MPM robot, any K) and learn_material (a multiple of task.every); not target, whose trained initial velocity acts before the first cut.',
          )
          .meta({ examples: [50] }),
        chaos_check: z
          .strictObject({
            every: posInt
              .default(10)
              .describe(
                'Training steps between checks: one runs at the first logged step (log_every) and then at each logged step at least this many steps after the last.',
              ),
            warn_above: z
              .number()
              .gt(1)
              .default(1000)
              .describe(
                'Warn (once, on stderr and in summary.json) when the gradient trained on is amplified more than this: through the whole horizon, or within one truncate_every window. Amplification A over T steps is a growth of A^(1/T) per step.',
              ),
          })
          .optional()
          .describe(
            "Chaos guard (Metz et al. 2021, 'Gradients are Not All You Need'): at the current parameters, the growth of a perturbation of the initial state through the task's rollout (the largest Lyapunov exponent, by forward-mode tangents renormalised every segment; about the cost of one forward rollout), written to metrics.jsonl and summary.json as chaos: { exponent, growth_per_step, amplification, window_amplification (with truncate_every), horizon, seconds }. Gradients through a chaotic rollout (growth_per_step > 1) explode like the amplification; truncate_every or grad_clip tame them. Tasks walk, locomotion (the episode of the middle held-out goal), target, and learn_material (the first training trajectory over the training frames, the learned law's parameters held).",
          )
          .meta({ examples: [{ every: 10, warn_above: 1000 }] }),
      })
      .prefault({})
      .describe('Optimizer (adam, adamw or sgd) and steps (one step = one episode).'),
    output: z
      .strictObject({ frame_every: posInt.default(10).describe('Simulated steps between written particle frames.') })
      .prefault({})
      .describe('Written frames.'),
  })
  .superRefine((c, ctx) => {
    singleGradientRule(c.training.optimizer, 'a simulation', ctx);
    const needs: Record<SimTaskType, readonly SimulatorType[]> = {
      walk: ['mass-spring'],
      locomotion: ['mass-spring', 'mpm'],
      target: ['mpm'],
      learn_material: ['mpm'],
    };
    if (!needs[c.task.type].includes(c.simulator.type)) {
      const fits = (Object.keys(needs) as SimTaskType[]).filter((k) => needs[k].includes(c.simulator.type));
      ctx.addIssue({
        code: 'custom',
        path: ['task', 'type'],
        message: `expected a task for simulator '${c.simulator.type}' (${fits.join(', ')}), got '${c.task.type}'`,
      });
    }
    if (c.simulator.type === 'mpm') learnMaterialRules(c, c.simulator.material, ctx);
    truncationRules(c, ctx);
    if (c.controller && c.simulator.type !== 'mass-spring' && c.task.type !== 'locomotion') {
      ctx.addIssue({
        code: 'custom',
        path: ['controller'],
        message: `a controller drives a mass-spring robot or the MPM robot of task locomotion; simulator '${c.simulator.type}' with task '${c.task.type}' has none`,
      });
    }
    if (c.task.type === 'locomotion' && !(c.task.goal_range[1] > c.task.goal_range[0])) {
      ctx.addIssue({
        code: 'custom',
        path: ['task', 'goal_range'],
        message: `expected [min, max] with max > min, got [${c.task.goal_range.join(', ')}]`,
      });
    }
  });

/** training.truncate_every where a cut can leave a gradient: not target (its parameters act at step 0 only). */
function truncationRules(c: z.output<typeof simulationSchema>, ctx: z.RefinementCtx): void {
  const K = c.training.truncate_every;
  if (K === undefined) return;
  const path = ['training', 'truncate_every'];
  if (c.task.type === 'target')
    ctx.addIssue({
      code: 'custom',
      path,
      message: `task target trains the initial velocity, which acts before the first cut: a truncated gradient would be zero (got ${K}; remove the key or use grad_clip)`,
    });
  if (c.task.type === 'learn_material' && K % c.task.every !== 0)
    ctx.addIssue({
      code: 'custom',
      path,
      message: `expected a multiple of task.every (${c.task.every}) for task learn_material (cuts fall on observed frames), got ${K}`,
    });
}

/** task learn_material trains a neural material, and only it does; horizons and frames on the observed frames. */
function learnMaterialRules(c: z.output<typeof simulationSchema>, material: string | { type: 'neural' }, ctx: z.RefinementCtx): void {
  const neural = typeof material === 'object';
  if (c.task.type !== 'learn_material') {
    if (neural)
      ctx.addIssue({
        code: 'custom',
        path: ['simulator', 'material'],
        message: `a neural material is trained by task learn_material; task '${c.task.type}' needs an analytic material (fixedCorotated, neoHookean, fluid, snow)`,
      });
    return;
  }
  if (!neural)
    ctx.addIssue({
      code: 'custom',
      path: ['simulator', 'material'],
      message: `expected { type: neural, ... } for task learn_material (the law it trains), got '${String(material)}'`,
    });
  const { every, train_steps, test_steps } = c.task;
  for (const [key, v] of [
    ['train_steps', train_steps],
    ['test_steps', test_steps],
  ] as const) {
    if (v % every !== 0)
      ctx.addIssue({ code: 'custom', path: ['task', key], message: `expected a multiple of task.every (${every}), got ${v}` });
  }
  if (test_steps < train_steps)
    ctx.addIssue({
      code: 'custom',
      path: ['task', 'test_steps'],
      message: `expected at least task.train_steps (${train_steps}), got ${test_steps}`,
    });
  if (c.output.frame_every % every !== 0)
    ctx.addIssue({
      code: 'custom',
      path: ['output', 'frame_every'],
      message: `expected a multiple of task.every (${every}): frames are written at observed frames, got ${c.output.frame_every}`,
    });
}

// ---------- inverse problems through a differentiable solver ----------
const xyExpr = (what: string, example: string) =>
  expr.describe(`${what}: a constant or a mathjs expression in x and y.`).meta({ examples: [example] });

export const inverseSchema = z
  .strictObject({
    kind: z
      .literal('inverse')
      .describe(
        'Inverse problem through a classical solver: fit an unknown field by gradient descent, with gradients of each solve from the implicit function theorem (one adjoint solve, memory independent of the solver iterations).',
      ),
    ...common,
    problem: z
      .literal('diffusion_coefficient')
      .default('diffusion_coefficient')
      .describe(
        'diffusion_coefficient: recover k(x, y) > 0 in -div(k grad u) = f_j on the unit square, u = 0 on the boundary, from observations of every u_j at the grid nodes (five-point finite differences, k at the nodes).',
      ),
    grid: z
      .strictObject({
        n: posInt.min(2).max(1024).default(16).describe('Intervals per side (2 to 1024): k, f and u live on the (n + 1)^2 nodes.'),
      })
      .prefault({})
      .describe('The finite-difference grid on the unit square.'),
    sources: z
      .array(xyExpr('A forcing f_j', '20*cos(pi*x)*cos(pi*y) + 10'))
      .min(1)
      .describe('The forcings f_j, one solve each per step; k is identifiable only where some grad u_j is non-zero, so give several.')
      .meta({ examples: [['20*cos(pi*x)*cos(pi*y) + 10', '20*cos(2*pi*x)*cos(pi*y) + 10']] }),
    observations: z
      .strictObject({
        k_true: xyExpr('The true coefficient (> 0 at every node)', '1 + 0.5*sin(pi*x)*sin(pi*y)')
          .optional()
          .describe(
            'The true coefficient, a constant or a mathjs expression in x and y (> 0 at every node): without `file`, the observations are its solutions plus noise; with or without, the relative L2 error of k against it is reported.',
          ),
        noise: z
          .number()
          .nonnegative()
          .optional()
          .describe(
            'Synthetic observations: standard deviation of the Gaussian noise added to each u_j, relative to max |u| over all of them (seeded by `seed`). Default 0.01; not with `file`.',
          )
          .meta({ examples: [0.01] }),
        file: z
          .string()
          .min(1)
          .optional()
          .describe(
            'Measured observations instead: a .npy file (or .npz/.mat with one array), relative to the config, of shape [sources, n + 1, n + 1]: u_j at the nodes, row j = y index, x fastest.',
          )
          .meta({ examples: ['data/observed.npy'] }),
      })
      .describe('Observations of every u_j at every node: synthetic (the solutions for k_true plus noise) or from `file`.'),
    coefficient: z
      .strictObject({
        positivity: z
          .enum(['exp', 'softplus'])
          .default('exp')
          .describe('How each node value theta maps to k > 0: exp(theta), or softplus(theta) = log(1 + e^theta).'),
        initial: z.number().positive().default(1).describe('Starting value of k at every node.'),
      })
      .prefault({})
      .describe('The trained parametrisation of k: one value per node.'),
    regularization: z
      .strictObject({
        smoothness: z
          .number()
          .nonnegative()
          .default(2e-5)
          .describe(
            'Weight of sum |theta_i - theta_j|^2 over neighbouring nodes (the discrete integral of |grad theta|^2), added to the misfit (the mean squared error of u over max |u|^2).',
          ),
      })
      .prefault({})
      .describe('Regularisation of the recovered field against the noise.'),
    solver: z
      .strictObject({
        method: z
          .enum(['pcg', 'multigrid'])
          .default('pcg')
          .describe('pcg: preconditioned conjugate gradients; multigrid: V-cycles on their own (n even).'),
        preconditioner: z
          .enum(['multigrid', 'ic0', 'jacobi', 'none'])
          .optional()
          .describe('Preconditioner of pcg (none: plain CG; multigrid needs n even). Default multigrid when n is even, else ic0.')
          .meta({ examples: ['multigrid'] }),
        tol: z
          .number()
          .min(1e-14)
          .lt(1)
          .default(1e-10)
          .describe('Relative residual tolerance of every forward and adjoint solve, in [1e-14, 1) (f64 rounding bounds it below).'),
      })
      .prefault({})
      .describe('The linear solver run on the host at every solve; its iterations are never differentiated.'),
    training: z
      .strictObject(trainingShape(300, 20, 100))
      .prefault({})
      .describe('Optimizer (adam, adamw or sgd) and steps (one step = one solve per source, and one adjoint solve per source).'),
  })
  .superRefine((c, ctx) => {
    singleGradientRule(c.training.optimizer, 'an inverse problem', ctx);
    const o = c.observations;
    if (o.file === undefined && o.k_true === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['observations', 'k_true'],
        message: 'expected k_true (synthetic observations) or observations.file (measured ones), got neither',
      });
    if (o.file !== undefined && o.noise !== undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['observations', 'noise'],
        message: `adds noise to synthetic observations; observations.file holds measured ones (got noise ${o.noise}; remove one)`,
      });
    const mg =
      c.solver.method === 'multigrid'
        ? 'solver.method multigrid'
        : c.solver.preconditioner === 'multigrid'
          ? 'solver.preconditioner multigrid'
          : '';
    if (mg && c.grid.n % 2 !== 0)
      ctx.addIssue({ code: 'custom', path: ['grid', 'n'], message: `expected an even n for ${mg} (it halves the grid), got ${c.grid.n}` });
    if (c.solver.method === 'multigrid' && c.solver.preconditioner !== undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['solver', 'preconditioner'],
        message: `preconditions pcg only; solver.method multigrid has none (got '${c.solver.preconditioner}')`,
      });
  });

export const configSchema = z.discriminatedUnion('kind', [pinnSchema, operatorSchema, simulationSchema, inverseSchema]);

export type PinnConfig = z.output<typeof pinnSchema>;
export type OperatorConfig = z.output<typeof operatorSchema>;
export type SimulationConfig = z.output<typeof simulationSchema>;
export type InverseConfig = z.output<typeof inverseSchema>;
type SimTaskType = z.output<typeof simTaskSchema>['type'];
type SimulatorType = z.output<typeof simulatorSchema>['type'];
export type RunConfig = z.output<typeof configSchema>;
export type TrainingConfig = RunConfig['training'];
export const runKinds = ['pinn', 'operator', 'simulation', 'inverse'] as const;
export type RunKind = (typeof runKinds)[number];
