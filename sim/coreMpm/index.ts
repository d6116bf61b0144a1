/** MLS-MPM as programs of the autodiff core (the hand-written test/sim/oracle/mpm is its test oracle). */
export { coreMpm, lameTensors, type CoreMpm, type CoreMpmOptions, type MpmParams } from './step.js';
export { mpmRollout, segmentLength, CoreMpmStepper, type RolloutParams, type RolloutOptions, type CoreMpmGrads } from './rollout.js';
export { packState, unpackState, stateSize, fromParticleMajor, toParticleMajor, type MpmState, type StateShape } from './state.js';
export { kirchhoff, snowPlasticity, polarRotation, type StressInputs, type CoreMpmMaterial } from './materials.js';
export { polar2, polar3, polar3Tensor } from './polar.js';
export { neuralElasticity, type NeuralElasticity, type NeuralElasticityOptions } from './neuralMaterial.js';
export { neuralPlasticity, type NeuralPlasticity, type NeuralPlasticityOptions } from './neuralPlasticity.js';
export { bodyParticles, blockParticles2D, type Body2D, type Particles2D } from './bodies.js';
export { GridSegments, MpmSegments, mpmSegment } from './segments.js';
export { buildMpmRobot, difftaichiWalker, rectLattice, robotExtent, robotGroups, type MpmRobot, type RobotRect } from './robot.js';
export { MpmRobotProgram, MpmRobotSegments, type MpmControllerOptions, type MpmRobotSimOptions } from './controlled.js';
export { MpmLocomotion, mpmRobotBody } from './locomotion.js';
export {
  checkpointSegment,
  componentMajor,
  sharedVelocityState,
  targetLoss,
  hitTarget,
  observeTrajectory,
  identifyYoungsModulus,
  type HitTargetOptions,
  type HitTargetResult,
  type IdentifyEOptions,
  type IdentifyEResult,
} from './tasks.js';
export {
  fitNeuralMaterial,
  frameRollout,
  observeFrames,
  relativeDistances,
  trajectoryLoss,
  trajectoryValueAndGrad,
  type Observation,
} from './learnMaterial.js';
export { generateTrajectories, type GroundTruth, type MaterialSimOptions, type Trajectory } from './trajectories.js';
export {
  MaterialLearning,
  type MaterialErrors,
  type MaterialLearningOptions,
  type NeuralLawOptions,
  type Prediction,
} from './materialTask.js';
