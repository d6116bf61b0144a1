// `network:` options of PINN configs beyond layers/activation: architecture, initialisation, embeddings,
// adaptive activations, weight factorization, hard constraints. Schema shape, cross-checks, and the
// translation to TrainerOptions.net and ProblemSpec.transform.
import { z } from 'zod';
import { NETWORK_TYPES, INIT_KINDS } from '../nn/index.js';
import { inputFeatures, outputTransform, ExprError, type NetOptions, type ProblemSpec } from '../pinn/index.js';
import { ConfigError } from './errors.js';

const positive = z.number().positive().refine(Number.isFinite, 'expected a finite number');
const name = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected an identifier (letters, digits, _)');

/** Spread into the `network:` object of the PINN schema (all optional, so existing configs hash as before). */
export const networkShape = {
  type: z
    .enum(NETWORK_TYPES as unknown as [string, ...string[]])
    .optional()
    .describe('Architecture: mlp, modified-mlp, resnet or pfnn (one network per field).')
    .meta({ default: 'mlp' }),
  init: z
    .enum(INIT_KINDS as unknown as [string, ...string[]])
    .optional()
    .describe('Weight initialisation.')
    .meta({ default: 'glorot-normal' }),
  fourier_features: z
    .strictObject({
      count: z.number().int().positive().default(64).describe('Random Fourier features (the first layer sees sin and cos of each).'),
      sigma: positive.default(1).describe('Standard deviation of the random frequencies.'),
    })
    .optional()
    .describe('Random Fourier feature embedding of the inputs.')
    .meta({ examples: [{ count: 64, sigma: 1 }] }),
  adaptive_activation: z
    .strictObject({
      kind: z
        .enum(['laaf', 'gaaf'])
        .describe('Trainable slope per neuron (laaf) or per layer (gaaf).')
        .meta({ examples: ['laaf'] }),
      scale: positive.default(10).describe('Slope scale factor n.'),
    })
    .optional()
    .describe('Adaptive activation functions (Jagtap et al.).')
    .meta({ examples: [{ kind: 'laaf' }] }),
  weight_factorization: z
    .strictObject({
      mu: z.number().refine(Number.isFinite, 'expected a finite number').default(1).describe('Mean of the log scale factors.'),
      sigma: z.number().nonnegative().default(0.1).describe('Standard deviation of the log scale factors.'),
    })
    .optional()
    .describe('Random weight factorization (Wang et al. 2022).')
    .meta({ examples: [{ mu: 1, sigma: 0.1 }] }),
  periodic: z
    .record(
      name,
      z.union([
        positive,
        z.strictObject({
          period: positive.describe('Period of the coordinate.'),
          harmonics: z.number().int().positive().default(1).describe('Harmonics of the sin/cos embedding.'),
        }),
      ]),
    )
    .optional()
    .describe('Exactly periodic inputs: coordinate -> period, or { period, harmonics }.')
    .meta({ examples: [{ x: 2 }] }),
  output_transform: z
    .record(name, z.string().min(1))
    .optional()
    .describe('Hard constraints: field -> expression in the coordinates, N_<field> (raw outputs) and constants.')
    .meta({ examples: [{ u: 'x*(1-x)*N_u' }] }),
  input_features: z
    .record(name, z.string().min(1))
    .optional()
    .describe(
      'Extra network inputs: name -> expression in the coordinates and constants (e.g. the distance to a boundary piece), appended to the coordinates; derivatives go through them.',
    )
    .meta({ examples: [{ d: 'sqrt(x^2 + y^2) - 0.5' }] }),
};

type NetworkConfig = {
  layers: number[];
  activation: string;
  type?: string;
  init?: string;
  fourier_features?: { count: number; sigma: number };
  adaptive_activation?: { kind: 'laaf' | 'gaaf'; scale: number };
  weight_factorization?: { mu: number; sigma: number };
  periodic?: Record<string, number | { period: number; harmonics: number }>;
  output_transform?: Record<string, string>;
  input_features?: Record<string, string>;
};

/** Cross-field rules of `network:` (keys name coordinates / fields, widths fit the architecture). */
export function checkNetwork(n: NetworkConfig, coords: readonly string[], fields: readonly string[], ctx: z.RefinementCtx): void {
  for (const k of Object.keys(n.periodic ?? {})) {
    if (!coords.includes(k))
      ctx.addIssue({ code: 'custom', path: ['network', 'periodic', k], message: `expected one of the coordinates ${coords.join(', ')}` });
  }
  for (const k of Object.keys(n.output_transform ?? {})) {
    if (!fields.includes(k))
      ctx.addIssue({
        code: 'custom',
        path: ['network', 'output_transform', k],
        message: `expected one of the fields ${fields.join(', ')}`,
      });
  }
  if ((n.type === 'modified-mlp' || n.type === 'resnet') && n.layers.some((w) => w !== n.layers[0])) {
    ctx.addIssue({
      code: 'custom',
      path: ['network', 'layers'],
      message: `expected equal widths for ${n.type}, got [${n.layers.join(', ')}]`,
    });
  }
  if (n.type === 'modified-mlp' && n.layers.length < 2) {
    ctx.addIssue({
      code: 'custom',
      path: ['network', 'layers'],
      message: `expected at least 2 layers for modified-mlp (H1 and one gated layer), got ${n.layers.length}`,
    });
  }
}

/** TrainerOptions.net from the config. */
export function netOptions(n: NetworkConfig, seed: number): NetOptions {
  return {
    type: n.type as NetOptions['type'],
    hidden: n.layers,
    activation: n.activation as NetOptions['activation'],
    seed,
    init: n.init as NetOptions['init'],
    fourierFeatures: n.fourier_features,
    adaptiveActivation: n.adaptive_activation,
    weightFactorization: n.weight_factorization,
    periodic: n.periodic,
  };
}

/** Runs an expression compile; its ExprErrors (which name the key) become ConfigErrors (exit 2). */
export function compiled<T>(compile: () => T): T {
  try {
    return compile();
  } catch (e) {
    if (e instanceof ExprError) throw new ConfigError(e.message);
    throw e;
  }
}

/** ProblemSpec.transform from `network.output_transform`, or undefined; expression errors are ConfigErrors. */
export function configTransform(
  n: NetworkConfig,
  scope: { coords: readonly string[]; fields: readonly string[]; constants: Record<string, number> },
): ProblemSpec['transform'] {
  const exprs = n.output_transform;
  return exprs && compiled(() => outputTransform(exprs, scope, 'network.output_transform'));
}

/** ProblemSpec.features from `network.input_features`, or undefined; expression errors are ConfigErrors. */
export function configFeatures(
  n: NetworkConfig,
  scope: { coords: readonly string[]; constants: Record<string, number> },
): ProblemSpec['features'] {
  const exprs = n.input_features;
  return exprs && compiled(() => inputFeatures(exprs, scope, 'network.input_features'));
}
