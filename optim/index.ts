// Public surface of optim/: optimizers on flat parameter vectors, loss-balancing methods, schedules.
export type {
  Vec,
  JsonValue,
  OptimState,
  Schedule,
  LearningRate,
  Optimizer,
  MultiLossOptimizer,
  ClosureOptimizer,
  ObjectiveFn,
  Convergence,
} from './types.js';
export {
  constantLr,
  exponentialDecay,
  stepDecay,
  cosineDecay,
  linearDecay,
  warmup,
  resolveLr,
  makeSchedule,
  parseLr,
} from './schedules.js';
export { Adam, type AdamOptions, type AdamSettings } from './adam.js';
export { FusedAdam, type LossAndGrad } from './fusedAdam.js';
export { SGD, type SgdOptions } from './sgd.js';
export { LBFGS, type LbfgsOptions, type MinimizeOptions, type LbfgsResult, type StopReason } from './lbfgs.js';
export { strongWolfe, cubicMinimizer, type LinePoint, type LineSearchOptions, type LineSearchResult } from './lineSearch.js';
export { MultiAdam, type MultiAdamOptions } from './multiAdam.js';
export { ConFIG, configWeights, configWeightsFromGram, configDirection, configTwo } from './config.js';
export { MConFIG, type MConfigOptions } from './mconfig.js';
export { LearningRateAnnealing, type LraOptions } from './lra.js';
export { ReLoBRaLo, relativeBalance, type ReLoBRaLoOptions } from './relobralo.js';
export { PCGrad, pcgradDirection, pcgradWeightsFromGram } from './pcgrad.js';
export { UPGrad, upgradDirection, upgradWeightsFromGram } from './upgrad.js';
export { NtkWeighting, ntkTrace, ntkTraceWeights } from './ntk.js';
export { CombinedGradientOptimizer } from './combined.js';
export { makeOptimizer, optimizerNames, optimizerInputs, type OptimizerName, type OptimizerByName } from './factory.js';
export { Mulberry32 } from '../core/random.js';

import { Adam, type AdamOptions } from './adam.js';
import { LBFGS, type LbfgsOptions } from './lbfgs.js';
import { MultiAdam, type MultiAdamOptions } from './multiAdam.js';
import { ConFIG } from './config.js';
import { MConFIG, type MConfigOptions } from './mconfig.js';
import { LearningRateAnnealing, type LraOptions } from './lra.js';
import { ReLoBRaLo, type ReLoBRaLoOptions } from './relobralo.js';
import { PCGrad } from './pcgrad.js';
import { UPGrad } from './upgrad.js';
import { SGD, type SgdOptions } from './sgd.js';
import { NtkWeighting } from './ntk.js';
import type { Optimizer } from './types.js';

// Lower-case constructors matching the design's `fx.optim.adam | lbfgs | multiAdam | config | ...`.
export const adam = (o: AdamOptions = {}): Adam => new Adam(o);
export const adamw = (o: AdamOptions = {}): Adam => new Adam({ weightDecay: 1e-2, ...o, decoupled: true });
export const lbfgs = (o: LbfgsOptions = {}): LBFGS => new LBFGS(o);
export const multiAdam = (o: MultiAdamOptions = {}): MultiAdam => new MultiAdam(o);
export const config = (base: Optimizer = new Adam()): ConFIG => new ConFIG(base);
export const mconfig = (o: MConfigOptions = {}): MConFIG => new MConFIG(o);
export const lra = (o: LraOptions & { base?: Optimizer } = {}): LearningRateAnnealing => new LearningRateAnnealing(o.base ?? new Adam(), o);
export const relobralo = (o: ReLoBRaLoOptions & { base?: Optimizer } = {}): ReLoBRaLo => new ReLoBRaLo(o.base ?? new Adam(), o);
export const pcgrad = (o: { seed?: number; base?: Optimizer } = {}): PCGrad => new PCGrad(o.base ?? new Adam(), o);
export const upgrad = (o: { base?: Optimizer } = {}): UPGrad => new UPGrad(o.base ?? new Adam());
export const sgd = (o: SgdOptions = {}): SGD => new SGD(o);
export const ntk = (base: Optimizer = new Adam()): NtkWeighting => new NtkWeighting(base);
export type { StepMetrics, EvalMetrics, Trainer, HeldOutScore, FinishReport } from './trainer.js';
