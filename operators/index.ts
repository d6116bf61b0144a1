// Neural operators: FNO (1D/2D), DeepONet, PINO-style physics losses, data handling and a trainer.
export { fno, pointwise, type Fno, type FnoOptions, type FnoParams, type FourierLayerParams, type OperatorModel } from './fno.js';
export { spectralConv1d, spectralConv1dPointsFirst, spectralConv2d, complexMix } from './spectral.js';
export { deeponet, fourierFeatures, type DeepOnet, type DeepOnetOptions, type DeepOnetParams } from './deeponet.js';
export { spectralDerivative, burgersResidual, darcyResidual, type BurgersResidualOptions } from './physics.js';
export {
  gridCoords,
  takeSamples,
  splitSamples,
  subsample,
  Normalizer,
  relativeL2,
  relativeL2Host,
  type OperatorSamples,
  type NormalizerKind,
} from './data.js';
export {
  OperatorTrainer,
  epochPermutation,
  interpolateGrid,
  type OperatorTrainerOptions,
  type OperatorTrainerState,
  type PhysicsLoss,
} from './trainer.js';
export type { StepMetrics, EvalMetrics, Trainer } from './trainerTypes.js';
export { pointwiseInit, uniformTensor, type PointwiseParams } from './init.js';
