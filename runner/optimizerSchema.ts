// YAML shape of learning rates and optimizer options: every key with its type, meaning and default, so the JSON
// Schema completes and checks them. Ranges, required combinations and which keys each optimizer accepts are
// checked by optim (parseLr, makeOptimizer) through runner/optimizer.ts, with the key path; the defaults here
// are documentation (`meta`), applied by optim, so an options block stays as written.
import { z } from 'zod';
import { optimizerNames } from '../optim/factory.js';

const num = z.number();
const int = z.number().int();

/** Optimizer names a `training.optimizer` key accepts. */
export const optimizerEnum = z.enum(optimizerNames as unknown as [string, ...string[]]);

const lrValue = num.describe('Learning rate (> 0).');

const schedule = (type: string, description: string, keys: z.ZodRawShape) =>
  z.strictObject({ type: z.literal(type).describe(`Schedule type: ${type}.`), ...keys }).describe(description);

/** A learning rate: a number, or a schedule `{ type, ... }` (warmup wraps another one in `after`). */
export const lrSpecSchema: z.ZodType<number | Record<string, unknown>> = z
  .union([
    num,
    z.discriminatedUnion('type', [
      schedule('constant', 'The same rate every step.', { lr: lrValue }),
      schedule('exponential', 'lr * decay_rate^(step / decay_steps) (floor of the exponent with staircase).', {
        lr: lrValue,
        decay_rate: num.describe('Factor per decay_steps steps, in (0, 1].').meta({ examples: [0.9] }),
        decay_steps: int.optional().describe('Steps per factor decay_rate.').meta({ default: 1 }),
        staircase: z.boolean().optional().describe('Decay in whole steps of decay_steps.').meta({ default: false }),
      }),
      schedule('step', 'lr * gamma^floor(step / step_size).', {
        lr: lrValue,
        step_size: int.describe('Steps between decays (>= 1).').meta({ examples: [1000] }),
        gamma: num.optional().describe('Factor per decay, in (0, 1].').meta({ default: 0.1 }),
      }),
      schedule('cosine', 'Half cosine from lr to min_lr over total_steps, then min_lr.', {
        lr: lrValue,
        total_steps: int.describe('Length of the decay in steps (>= 1).').meta({ examples: [10000] }),
        min_lr: num.optional().describe('Final rate (>= 0).').meta({ default: 0 }),
      }),
      schedule('linear', 'Straight line from lr to end_lr over total_steps, then end_lr.', {
        lr: lrValue,
        total_steps: int.describe('Length of the decay in steps (>= 1).').meta({ examples: [10000] }),
        end_lr: num.optional().describe('Final rate (>= 0).').meta({ default: 0 }),
      }),
      schedule('warmup', 'Rate rising linearly over warmup_steps to the rate of `after`, which then starts.', {
        warmup_steps: int.describe('Length of the warmup in steps (>= 1).').meta({ examples: [500] }),
        // the getter returns the one schema object, so JSON Schema output sees a cycle (a $ref), not a new tree
        after: z
          .lazy(() => lrSpecSchema)
          .describe('The rate or schedule after the warmup.')
          .meta({ examples: [0.001] }),
      }),
    ]),
  ])
  .meta({ id: 'learning_rate' });

const betas = z.tuple([num, num]).describe('Adam moment decay rates, each in [0, 1).');
const weightDecay = num.describe('Weight decay (>= 0): L2 for adam and sgd, decoupled for adamw.');

/** The inner optimizer of the gradient-balancing methods (config, lra, relobralo, pcgrad, ntk). */
const baseSchema = z
  .union([
    z.enum(['adam', 'adamw', 'sgd']),
    z.strictObject({
      name: z.enum(['adam', 'adamw', 'sgd']).describe('Inner optimizer.'),
      lr: lrSpecSchema.optional().describe('Learning rate of the inner optimizer.'),
      betas: betas.optional().meta({ default: [0.9, 0.999] }),
      eps: num.optional().describe('Adam epsilon (>= 0).').meta({ default: 1e-8 }),
      weight_decay: weightDecay.optional().meta({ default: 0 }),
      momentum: num.optional().describe('SGD momentum, in [0, 1).').meta({ default: 0 }),
      nesterov: z.boolean().optional().describe('SGD Nesterov momentum.').meta({ default: false }),
    }),
  ])
  .describe('Inner optimizer of config, lra, relobralo, pcgrad, upgrad and ntk: a name or { name, ...its options } (default adam).');

/** `optimizer_options`: every option of every optimizer; optim rejects the ones the chosen optimizer does not take. */
export const optimizerOptionsSchema = z
  .strictObject({
    lr: lrSpecSchema
      .optional()
      .describe('Learning rate or schedule (adam, adamw, sgd, multiadam, mconfig; the default Adam base of the balancing methods).')
      .meta({ default: 0.001 }),
    betas: betas.optional().describe('Moment decay rates (adam, adamw, mconfig: [0.9, 0.999]; multiadam: [0.99, 0.99]).'),
    eps: num.optional().describe('Denominator epsilon (adam, adamw, multiadam, mconfig).').meta({ default: 1e-8 }),
    weight_decay: weightDecay.optional().describe('Weight decay (adam: 0, adamw: 0.01 decoupled, sgd: 0).'),
    momentum: num.optional().describe('Momentum, in [0, 1) (sgd).').meta({ default: 0 }),
    nesterov: z.boolean().optional().describe('Nesterov momentum (sgd).').meta({ default: false }),
    weights: z
      .array(num)
      .optional()
      .describe('Fixed weights, one per loss group (multiadam; default 1/(number of groups) each).')
      .meta({ examples: [[1, 10]] }),
    groups: z
      .array(int)
      .optional()
      .describe(
        "Group (0, 1, ...) of each loss term, in the config's term order (multiadam; default the authors' two groups: the PDE residuals, then every condition).",
      )
      .meta({ examples: [[0, 1, 2]] }),
    history: int.optional().describe('Stored curvature pairs (lbfgs).').meta({ default: 10 }),
    c1: num.optional().describe('Armijo constant of the line search, in (0, 1) (lbfgs).').meta({ default: 1e-4 }),
    c2: num.optional().describe('Curvature constant of the line search, in (c1, 1) (lbfgs).').meta({ default: 0.9 }),
    max_line_search: int.optional().describe('Function evaluations per line search (lbfgs).').meta({ default: 25 }),
    tolerance_grad: num
      .optional()
      .describe('Stop when the largest gradient entry is at most this (lbfgs; none when absent).')
      .meta({ examples: [1e-8] }),
    tolerance_change: num
      .optional()
      .describe('Stop when the loss or a parameter changes by at most this (lbfgs; none when absent).')
      .meta({ examples: [1e-12] }),
    base: baseSchema.optional(),
    alpha: num.optional().describe('Moving-average factor (lra: 0.1, in (0, 1]; relobralo: 0.999, in [0, 1]).'),
    residual_index: int.optional().describe('Loss term the others are balanced against (lra).').meta({ default: 0 }),
    update_every: int.optional().describe('Steps between weight updates (lra).').meta({ default: 1 }),
    statistic: z.enum(['weighted', 'raw']).optional().describe('Gradient statistic of the weights (lra).').meta({ default: 'weighted' }),
    ranges: z
      .array(z.tuple([int, int]))
      .optional()
      .describe('Parameter index ranges [start, end) balanced separately (lra).')
      .meta({ examples: [[[0, 100]]] }),
    temperature: num.optional().describe('Softmax temperature (relobralo).').meta({ default: 0.1 }),
    expected_rho: num.optional().describe('Expected value of the random lookback (relobralo), in [0, 1].').meta({ default: 0.999 }),
    seed: int.optional().describe('Random seed (relobralo, pcgrad).').meta({ default: 0 }),
  })
  .meta({
    id: 'optimizer_options',
    description: 'Options of the optimizer (each optimizer reads its own; others are rejected naming the key).',
  });
