// Builds the optimizer a config names, through optim's makeOptimizer (which validates the options).
import { makeOptimizer, type OptimizerByName, type OptimizerName } from '../optim/factory.js';
import { parseLr } from '../optim/schedules.js';
import type { Options } from '../optim/options.js';
import { ConfigError } from './errors.js';
import { toLibraryOptions, yamlMessage } from './keyStyle.js';

export interface TrainingOptimizerConfig {
  optimizer: string;
  optimizer_options: Record<string, unknown>;
  lr?: number | Record<string, unknown>;
}

/**
 * `training.lr` folded into the options (inside `base` for balancing methods that wrap one), in the library's
 * spelling (`weight_decay` -> `weightDecay`, keyStyle.ts).
 */
export function optimizerOptions(t: TrainingOptimizerConfig, path = 'training'): Options {
  const OPTIONS_PATH = `${path}.optimizer_options`;
  const opts: Options = toLibraryOptions({ ...t.optimizer_options });
  const lr = toLibraryOptions(t.lr);
  if (lr === undefined) return opts;
  if ('lr' in opts) throw new ConfigError(`${path}.lr: expected the learning rate in one place, but ${OPTIONS_PATH}.lr is also set`);
  const base = opts.base;
  if (base !== undefined) {
    const b = typeof base === 'string' ? { name: base } : (base as Options);
    if (typeof b === 'object' && b !== null && 'lr' in b) {
      throw new ConfigError(`${path}.lr: expected the learning rate in one place, but ${OPTIONS_PATH}.base.lr is also set`);
    }
    opts.base = { ...b, lr };
  } else {
    opts.lr = lr;
  }
  return opts;
}

/**
 * A fresh optimizer for these settings; option errors become ConfigError with their key path (`path` is
 * where the settings sit: 'training', or 'training.finetune').
 */
export function buildOptimizer(t: TrainingOptimizerConfig, path = 'training'): OptimizerByName[OptimizerName] {
  // checked at its own key path before it is folded into the options (possibly inside `base`)
  if (t.lr !== undefined) {
    try {
      parseLr(toLibraryOptions(t.lr), `${path}.lr`);
    } catch (e) {
      throw new ConfigError(yamlMessage((e as Error).message));
    }
  }
  const opts = optimizerOptions(t, path);
  try {
    return makeOptimizer(t.optimizer as OptimizerName, opts, `${path}.optimizer_options`);
  } catch (e) {
    throw new ConfigError(yamlMessage((e as Error).message).replace(`${path}.optimizer_options.name`, `${path}.optimizer`));
  }
}

/** Validation only (config load / `fluxion validate`). */
export function checkOptimizer(t: TrainingOptimizerConfig, path = 'training'): void {
  buildOptimizer(t, path);
}
