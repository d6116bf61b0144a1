/** Differentiable simulators as programs of the autodiff core: mass-spring robots and MLS-MPM (2D, 3D). */
export { rollout, reverseThroughTime, type TimeStepper, type CheckpointMode, type StateLoss, type ReverseResult } from './checkpoint.js';
export { buildMassSpring, defaultRobot, springPairs, type MassSpringModel, type SpringSpec } from './massSpring/robot.js';
export { initController, controllerParamCount, controllerInputs, type ControllerShape } from './massSpring/controller.js';
export { MASS_SPRING_DEFAULTS, resolveMassSpringOptions, type MassSpringOptions } from './massSpring/options.js';
export { MassSpringProgram, type MassSpringProgramOptions } from './massSpring/coreStep.js';
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
export { Locomotion, massSpringBody } from './massSpring/locomotion.js';
export { GoalLocomotion, type LocomotionBody } from './goalLocomotion.js';
export {
  LocomotionGoals,
  locomotionGoals,
  type LocomotionGoal,
  type LocomotionOptions,
  type LocomotionEvaluation,
} from './locomotionGoals.js';
export { applyMlp, initMlp, mlpParamCount, type MlpShape } from './mlp.js';
export {
  resolveMpmOptions,
  checkModuli,
  ParticleLeftGridError,
  type MpmOptions,
  type MpmBoundary,
  type MpmMaterial,
} from './mpmOptions.js';
export { SegmentedRollout } from './segments.js';
export { massSpringFrames, coreMpmFrames, mpmRobotFrames, type SimFrame } from './frames.js';
export { mpm, massSpring } from './api.js';
// MLS-MPM as core programs (fx.grad / fx.jit / fx.vjp over whole rollouts); the hand-written MPM is its test oracle
// (test/sim/oracle/mpm).
export {
  coreMpm,
  mpmRollout,
  CoreMpmStepper,
  MpmSegments,
  blockParticles2D,
  checkpointSegment,
  sharedVelocityState,
  targetLoss,
  hitTarget,
  observeTrajectory,
  identifyYoungsModulus,
  type HitTargetOptions,
  type HitTargetResult,
  type IdentifyEOptions,
  type IdentifyEResult,
  type CoreMpm,
  type CoreMpmOptions,
  type MpmParams,
  type RolloutParams,
  MaterialLearning,
  MpmRobotProgram,
  MpmRobotSegments,
  MpmLocomotion,
  mpmRobotBody,
  buildMpmRobot,
  difftaichiWalker,
  robotExtent,
  robotGroups,
  type MpmRobot,
  type RobotRect,
  type MpmControllerOptions,
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
