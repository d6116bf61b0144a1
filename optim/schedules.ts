// Learning rates: schedules, and parseLr, the one parser of a learning rate (a number, a schedule function or a
// schedule spec) that optimizers, configs and trainers go through. `step` counts updates already taken, so
// step 0 is the first update.
import type { LearningRate, Schedule } from './types.js';
import { checkNumber, OptionReader, type Options } from './options.js';

export function constantLr(lr: number): Schedule {
  return () => lr;
}

/** lr * decayRate^(step/decaySteps), or ^floor(step/decaySteps) with `staircase`. */
export function exponentialDecay(o: { lr: number; decayRate: number; decaySteps?: number; staircase?: boolean }): Schedule {
  const every = o.decaySteps ?? 1;
  return (step) => {
    const p = step / every;
    return o.lr * o.decayRate ** (o.staircase ? Math.floor(p) : p);
  };
}

/** lr * gamma^floor(step/stepSize). */
export function stepDecay(o: { lr: number; stepSize: number; gamma?: number }): Schedule {
  const gamma = o.gamma ?? 0.1;
  return (step) => o.lr * gamma ** Math.floor(step / o.stepSize);
}

/** Half-cosine from lr to minLr over totalSteps, then minLr. */
export function cosineDecay(o: { lr: number; totalSteps: number; minLr?: number }): Schedule {
  const minLr = o.minLr ?? 0;
  return (step) => {
    if (step >= o.totalSteps) return minLr;
    return minLr + 0.5 * (o.lr - minLr) * (1 + Math.cos((Math.PI * step) / o.totalSteps));
  };
}

/** Straight line from lr to endLr over totalSteps, then endLr. */
export function linearDecay(o: { lr: number; totalSteps: number; endLr?: number }): Schedule {
  const endLr = o.endLr ?? 0;
  return (step) => o.lr + (endLr - o.lr) * Math.min(step / o.totalSteps, 1);
}

/**
 * Linear warmup: factor (step+1)/warmupSteps times after(0) for the first warmupSteps updates, then
 * after(step - warmupSteps), so a decaying schedule starts its decay at the end of warmup.
 */
export function warmup(o: { warmupSteps: number; after: LearningRate }): Schedule {
  const after = resolveLr(o.after);
  return (step) => (step < o.warmupSteps ? ((step + 1) / o.warmupSteps) * after(0) : after(step - o.warmupSteps));
}

/** A learning rate as a schedule; a number must be finite and > 0 (errors name `path`). */
export function resolveLr(lr: LearningRate, path = 'lr'): Schedule {
  const v = parseLr(lr, path);
  return typeof v === 'number' ? constantLr(v) : v;
}

const positive = { min: 0, minExclusive: true };
const positiveInt = { min: 1, integer: true };

/**
 * The learning rate at `path` of untyped options (YAML/JSON or a caller's object): a finite number > 0,
 * a schedule function, or a schedule spec such as `{ type: cosine, lr: 1e-3, totalSteps: 1000 }`;
 * `fallback` when absent. Errors name the key path, e.g. `training.lr.totalSteps: expected an integer ...`.
 */
export function parseLr(v: unknown, path: string, fallback?: LearningRate): LearningRate {
  if (v === undefined && fallback !== undefined) return fallback;
  if (typeof v === 'function') return v as Schedule;
  if (typeof v === 'object' && v !== null && !Array.isArray(v)) return makeSchedule(v as Options, path);
  return checkNumber(v, path, positive);
}

/** Builds a schedule from a config object `{ type: 'cosine', lr: 1e-3, totalSteps: 1000 }`. */
export function makeSchedule(spec: Options, path: string): Schedule {
  const r = new OptionReader(spec, path);
  const type = r.oneOf('type', ['constant', 'exponential', 'step', 'cosine', 'linear', 'warmup'] as const);
  let s: Schedule;
  switch (type) {
    case 'constant':
      s = constantLr(r.number('lr', undefined, positive));
      break;
    case 'exponential':
      s = exponentialDecay({
        lr: r.number('lr', undefined, positive),
        decayRate: r.number('decayRate', undefined, { min: 0, minExclusive: true, max: 1 }),
        decaySteps: r.number('decaySteps', 1, positive),
        staircase: r.boolean('staircase', false),
      });
      break;
    case 'step':
      s = stepDecay({
        lr: r.number('lr', undefined, positive),
        stepSize: r.number('stepSize', undefined, positiveInt),
        gamma: r.number('gamma', 0.1, { min: 0, minExclusive: true, max: 1 }),
      });
      break;
    case 'cosine':
      s = cosineDecay({
        lr: r.number('lr', undefined, positive),
        totalSteps: r.number('totalSteps', undefined, positiveInt),
        minLr: r.number('minLr', 0, { min: 0 }),
      });
      break;
    case 'linear':
      s = linearDecay({
        lr: r.number('lr', undefined, positive),
        totalSteps: r.number('totalSteps', undefined, positiveInt),
        endLr: r.number('endLr', 0, { min: 0 }),
      });
      break;
    case 'warmup':
      s = warmup({ warmupSteps: r.number('warmupSteps', undefined, positiveInt), after: parseLr(r.raw('after'), r.sub('after')) });
      break;
  }
  r.done();
  return s;
}
