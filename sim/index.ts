/** Differentiable simulators: mass-spring robots as core programs, MLS-MPM with hand-written adjoints. */
export { rollout, reverseThroughTime, type TimeStepper, type CheckpointMode, type StateLoss, type ReverseResult } from './checkpoint.js';
export { buildMassSpring, defaultRobot, springPairs, type MassSpringModel, type SpringSpec } from './massSpring/robot.js';
export { initController, controllerParamCount, controllerInputs, type ControllerShape } from './massSpring/controller.js';
export { MASS_SPRING_DEFAULTS, resolveMassSpringOptions, type MassSpringOptions } from './massSpring/options.js';
export { MassSpringProgram } from './massSpring/coreStep.js';
export {
  rollout as massSpringRollout,
  segment as massSpringSegment,
  packState,
  unpackState,
  initialPackedState,
  SegmentRunner,
  type SegmentRunnerOptions,
  type Segment,
  type RolloutOptions,
  type FinalLoss,
  type TrajectoryLoss,
  type ThroughTimeResult,
} from './massSpring/coreRollout.js';
export {
  centreOfMass,
  walkLoss,
  walkDistance,
  walkLossAndGrad,
  trainWalk,
  type WalkResult,
  type TrainWalkOptions,
  type TrainWalkResult,
} from './massSpring/coreWalk.js';
export {
  Locomotion,
  locomotionGoals,
  type LocomotionGoal,
  type LocomotionOptions,
  type LocomotionEvaluation,
} from './massSpring/locomotion.js';
export { resolveMpmOptions, ParticleLeftGridError, type MpmOptions, type MpmBoundary, type MpmGrads } from './mpm/mpmBase.js';
export { Mpm2D } from './mpm/mpm2d.js';
export {
  kirchhoff2,
  kirchhoff2Backward,
  snowPlasticity2,
  snowPlasticity2Backward,
  polarAngle2,
  type MpmMaterial,
  type StressParams,
  type StressBar,
} from './mpm/materials2d.js';
export { lame, lameBackward, type Lame } from './mpm/lame.js';
export {
  blockParticles2D,
  hitTarget,
  targetLoss,
  sharedVelocityState,
  observeTrajectory,
  identifyYoungsModulus,
  type HitTargetOptions,
  type HitTargetResult,
  type IdentifyEOptions,
  type IdentifyEResult,
} from './mpm/tasks.js';
export { massSpringFrames, mpmFrames, type SimFrame, type MpmLike } from './frames.js';
export { Mpm3D } from './mpm/mpm3d.js';
export { kirchhoff3, kirchhoff3Backward, type StressParams3 } from './mpm/materials3d.js';
export { polar3, det3 } from './mpm/mat3.js';
export { mpm, massSpring } from './api.js';
// MLS-MPM as core programs (fx.grad / fx.jit / fx.vjp over whole rollouts); the hand-written sim/mpm above is its oracle.
export {
  coreMpm,
  mpmRollout,
  CoreMpmStepper,
  type CoreMpm,
  type CoreMpmOptions,
  type MpmParams,
  type RolloutParams,
  MaterialLearning,
  bodyParticles,
  generateTrajectories,
  type Body2D,
  type GroundTruth,
  type MaterialErrors,
  type MaterialSimOptions,
  type Prediction,
  type Trajectory,
} from './coreMpm/index.js';
export * as mpmCore from './coreMpm/index.js';
