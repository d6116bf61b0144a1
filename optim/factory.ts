// Name-based construction for configs: makeOptimizer('adam', { lr: 1e-3 }). Options are validated
// at run time and errors name the option path, e.g. `optimizer.betas: expected two numbers in [0,1)`.
import type { Optimizer } from './types.js';
import { type Adam, parseAdam } from './adam.js';
import { type SGD, parseSgd } from './sgd.js';
import { type LBFGS, parseLbfgs } from './lbfgs.js';
import { type MultiAdam, parseMultiAdam } from './multiAdam.js';
import { ConFIG } from './config.js';
import { type MConFIG, parseMConfig } from './mconfig.js';
import { LearningRateAnnealing } from './lra.js';
import { ReLoBRaLo } from './relobralo.js';
import { PCGrad } from './pcgrad.js';
import { UPGrad } from './upgrad.js';
import { NtkWeighting } from './ntk.js';
import { OptionReader, optionError, type Options } from './options.js';

export interface OptimizerByName {
  adam: Adam;
  adamw: Adam;
  sgd: SGD;
  lbfgs: LBFGS;
  multiadam: MultiAdam;
  config: ConFIG;
  mconfig: MConFIG;
  lra: LearningRateAnnealing;
  relobralo: ReLoBRaLo;
  pcgrad: PCGrad;
  upgrad: UPGrad;
  ntk: NtkWeighting;
}

export type OptimizerName = keyof OptimizerByName;

export const optimizerNames: readonly OptimizerName[] = [
  'adam',
  'adamw',
  'sgd',
  'lbfgs',
  'multiadam',
  'config',
  'mconfig',
  'lra',
  'relobralo',
  'pcgrad',
  'upgrad',
  'ntk',
];

/** What each method's step() consumes, so a trainer knows which gradients to compute. */
export const optimizerInputs: Readonly<Record<OptimizerName, 'gradient' | 'per-loss-gradients' | 'objective'>> = {
  adam: 'gradient',
  adamw: 'gradient',
  sgd: 'gradient',
  lbfgs: 'objective',
  multiadam: 'per-loss-gradients',
  config: 'per-loss-gradients',
  mconfig: 'per-loss-gradients', // only grads[activeLoss(n)] is read
  lra: 'per-loss-gradients',
  relobralo: 'per-loss-gradients',
  pcgrad: 'per-loss-gradients',
  upgrad: 'per-loss-gradients',
  ntk: 'per-loss-gradients',
};

const baseNames = ['adam', 'adamw', 'sgd'] as const;

/** Inner optimizer of a balancing method: `base: 'sgd'`, `base: { name: 'adam', lr: 1e-3 }`, or a top-level `lr` for the default Adam. */
function parseBase(r: OptionReader): Optimizer {
  const base = r.raw('base');
  const lr = r.raw('lr');
  if (base !== undefined && lr !== undefined) {
    throw new Error(`${r.sub('lr')}: give the learning rate inside ${r.sub('base')} when a base optimizer is set`);
  }
  if (base === undefined) return parseAdam(lr === undefined ? {} : { lr }, r.path, false);
  const path = r.sub('base');
  let name: unknown = base;
  let opts: Options = {};
  if (typeof base === 'object' && base !== null && !Array.isArray(base)) {
    ({ name, ...opts } = base as Options);
  }
  if (typeof name !== 'string' || !(baseNames as readonly string[]).includes(name)) {
    throw optionError(`${path}.name`, `one of ${baseNames.map((n) => `'${n}'`).join(', ')}`, name);
  }
  return makeOptimizer(name as (typeof baseNames)[number], opts, path);
}

/** Optional list of [start, end) integer pairs. */
function parseRanges(v: unknown, path: string): Array<[number, number]> | undefined {
  if (v === undefined) return undefined;
  const isPair = (p: unknown): p is [number, number] =>
    Array.isArray(p) && p.length === 2 && p.every(Number.isInteger) && p[0] >= 0 && p[1] > p[0];
  if (!Array.isArray(v) || !v.every(isPair)) throw optionError(path, 'a list of [start, end) integer pairs with 0 <= start < end', v);
  return v;
}

function build(name: OptimizerName, opts: Options, path: string): OptimizerByName[OptimizerName] {
  switch (name) {
    case 'adam':
    case 'adamw':
      return parseAdam(opts, path, name === 'adamw');
    case 'sgd':
      return parseSgd(opts, path);
    case 'lbfgs':
      return parseLbfgs(opts, path);
    case 'multiadam':
      return parseMultiAdam(opts, path);
    case 'mconfig':
      return parseMConfig(opts, path);
  }
  const r = new OptionReader(opts, path);
  const base = parseBase(r);
  let made: OptimizerByName[OptimizerName];
  switch (name) {
    case 'config':
      made = new ConFIG(base);
      break;
    case 'lra':
      made = new LearningRateAnnealing(base, {
        alpha: r.number('alpha', 0.1, { min: 0, minExclusive: true, max: 1 }),
        residualIndex: r.number('residualIndex', 0, { min: 0, integer: true }),
        updateEvery: r.number('updateEvery', 1, { min: 1, integer: true }),
        statistic: r.oneOf('statistic', ['weighted', 'raw'] as const, 'weighted'),
        ranges: parseRanges(r.raw('ranges'), r.sub('ranges')),
      });
      break;
    case 'relobralo':
      made = new ReLoBRaLo(base, {
        temperature: r.number('temperature', 0.1, { min: 0, minExclusive: true }),
        alpha: r.number('alpha', 0.999, { min: 0, max: 1 }),
        expectedRho: r.number('expectedRho', 0.999, { min: 0, max: 1 }),
        seed: r.number('seed', 0, { integer: true }),
      });
      break;
    case 'pcgrad':
      made = new PCGrad(base, { seed: r.number('seed', 0, { integer: true }) });
      break;
    case 'upgrad':
      made = new UPGrad(base);
      break;
    case 'ntk':
      made = new NtkWeighting(base);
      break;
  }
  r.done();
  return made;
}

export function makeOptimizer<K extends OptimizerName>(name: K, options: Options = {}, path = 'optimizer'): OptimizerByName[K] {
  if (typeof name !== 'string' || !(optimizerNames as readonly string[]).includes(name)) {
    throw optionError(`${path}.name`, `one of ${optimizerNames.map((n) => `'${n}'`).join(', ')}`, name);
  }
  return build(name, options, path) as OptimizerByName[K];
}
