// The sweep file (`fluxion sweep sweep.yaml`): a base config, fixed overrides, a grid and/or a seeded random search
// over key paths, the seeds each setting is repeated with, and a budget. Checked by zod with the config's error style.
import { z } from 'zod';

const posInt = z.number().int().positive();
const nonNegInt = z.number().int().nonnegative();
const sweepName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'expected a sweep name of letters, digits, ".", "_", "-"');
/** A record key that is a config key path: `training.lr`, `network.layers[0]` (checked in full by parseKeyPath). */
const keyPath = z.string().regex(/^[A-Za-z_][\w.[\]-]*$/, 'expected a key path such as training.lr or network.layers[0]');

const range = z.tuple([z.number(), z.number()]);

/** One random-search dimension: exactly one of its keys. */
export const distributionSchema = z
  .object({
    uniform: range
      .optional()
      .describe('Uniform on [low, high].')
      .meta({ examples: [[0, 1]] }),
    log_uniform: range
      .optional()
      .describe('Log-uniform on [low, high] (both > 0): learning rates, weights.')
      .meta({ examples: [[1e-4, 1e-2]] }),
    int: range
      .optional()
      .describe('A uniform integer in [low, high], both included.')
      .meta({ examples: [[1, 4]] }),
    choice: z
      .array(z.unknown())
      .min(1)
      .optional()
      .describe('One of these values, equally likely.')
      .meta({
        examples: [
          [
            [32, 32],
            [64, 64],
          ],
        ],
      }),
  })
  .strict()
  .superRefine((d, ctx) => {
    const kinds = Object.keys(d).filter((k) => d[k as keyof typeof d] !== undefined);
    if (kinds.length !== 1)
      ctx.addIssue({ code: 'custom', path: [], message: `expected exactly one of uniform, log_uniform, int, choice, got ${kinds.length}` });
    for (const k of ['uniform', 'log_uniform', 'int'] as const) {
      const r = d[k];
      if (!r) continue;
      if (!(r[0] <= r[1])) ctx.addIssue({ code: 'custom', path: [k], message: `expected low <= high, got [${r[0]}, ${r[1]}]` });
      if (k === 'log_uniform' && !(r[0] > 0)) ctx.addIssue({ code: 'custom', path: [k], message: `expected low > 0, got ${r[0]}` });
      if (k === 'int' && !(Number.isInteger(r[0]) && Number.isInteger(r[1])))
        ctx.addIssue({ code: 'custom', path: [k], message: `expected integer bounds, got [${r[0]}, ${r[1]}]` });
    }
  });
export type Distribution = z.output<typeof distributionSchema>;

export const sweepSchema = z
  .object({
    name: sweepName
      .describe('Sweep name: runs go to runs/<name>/<run id>/ (letters, digits, ".", "_", "-").')
      .meta({ examples: ['poisson-lr'] }),
    base: z
      .union([z.string().min(1), z.record(z.string(), z.unknown())])
      .describe('The base config: a path (relative to the sweep file) or the config itself, inline.')
      .meta({ examples: ['../poisson2d.yaml'] }),
    set: z
      .record(keyPath, z.unknown())
      .default({})
      .describe('Overrides applied to every run (key path: value), like `fluxion run --set`; a null value removes the key from the base.')
      .meta({ examples: [{ 'training.steps': 200 }] }),
    grid: z
      .record(keyPath, z.array(z.unknown()).min(1))
      .default({})
      .describe('Key path: list of values; every combination is a setting (crossed with the random samples, if any); null removes the key.')
      .meta({
        examples: [
          {
            'training.lr': [1e-3, 3e-3],
            'network.layers': [
              [16, 16],
              [32, 32],
            ],
          },
        ],
      }),
    random: z
      .object({
        count: posInt.describe('Random settings drawn.'),
        seed: nonNegInt.default(0).describe('Seed of the draws (the same seed draws the same settings).'),
        params: z.record(keyPath, distributionSchema).describe('Key path: distribution to draw it from.'),
      })
      .strict()
      .optional()
      .describe('A seeded random search; each draw is crossed with every grid setting.')
      .meta({ examples: [{ count: 4, seed: 0, params: { 'training.lr': { log_uniform: [1e-4, 1e-2] } } }] }),
    seeds: z
      .union([posInt, z.array(nonNegInt).min(1)])
      .default(1)
      .describe('Seeds each setting runs with (the config key `seed`): a list, or a count n for 0..n-1.'),
    metric: z
      .enum(['l2re', 'loss'])
      .default('l2re')
      .describe('Summary value the best run and the per-setting statistics use (lower is better).'),
    budget: z
      .object({
        max_runs: posInt.optional().describe('At most this many runs (settings in order, all seeds of each).'),
        max_wall_time: z
          .number()
          .positive()
          .optional()
          .describe('Seconds: after this, no run starts and running ones are stopped at a checkpoint (rerun to continue).'),
      })
      .strict()
      .default({})
      .describe('Limits of the sweep.'),
  })
  .strict();

export type SweepFile = z.output<typeof sweepSchema>;
