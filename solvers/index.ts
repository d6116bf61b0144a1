// Classical reference solvers: spectral, finite-difference, CG/multigrid, plus data generators.
export { rfftWavenumbers, twoThirdsMask, periodicGrid } from './spectral.js';
export { etdrk4Coefficients, Etdrk4Stepper, etdrk4Integrate, pointwiseNonlinearity } from './etdrk4.js';
export type { Etdrk4Coefficients, SpectralNonlinearity, Etdrk4RunOptions, Etdrk4Result } from './etdrk4.js';
export { burgersOperators, solveBurgers1d, burgersStepper } from './burgers.js';
export type { BurgersOptions } from './burgers.js';
export { besselI, burgersSineExact } from './burgersExact.js';
export { solveAllenCahn1d, allenCahnEnergy } from './allenCahn.js';
export type { AllenCahnOptions } from './allenCahn.js';
export { grf1dEigenvalues, grf1dSpectrum, sampleGrf1d, grf2dStd, sampleGrf2d, thresholdCoefficient } from './grf.js';
export type { GrfParams, Grf1dOptions, Grf2dOptions } from './grf.js';
export { FivePointOperator, diffusionOperator, laplacianOperator, interiorOf, withZeroBoundary } from './stencil2d.js';
export type { NeighbourCouplings } from './stencil2d.js';
export { pcg } from './cg.js';
export type { LinearMap, PcgOptions, PcgResult } from './cg.js';
export { jacobiPreconditioner, ic0Preconditioner } from './preconditioners.js';
export { Multigrid, coarsenOperator } from './multigrid.js';
export type { MultigridOptions } from './multigrid.js';
export { BandedCholesky, factorFivePoint } from './bandedCholesky.js';
export { makePreconditioner, preconditionerFor, solveFivePoint, solveFivePointInterior } from './spdSolve.js';
export type { PreconditionerKind, SpdSolveOptions, GridSolveResult } from './spdSolve.js';
export { solveDarcy } from './darcy.js';
export type { DarcyOptions } from './darcy.js';
export { solveTridiagonal } from './tridiagonal.js';
export { solvePoisson1d, solvePoisson2d } from './poisson.js';
export type { Poisson1dOptions, Poisson2dOptions } from './poisson.js';
export { solveHeat1d, solveHeat2d } from './heat.js';
export type { Heat1dOptions, Heat2dOptions } from './heat.js';
export { burgersDataset, darcyDataset, antiderivativeDataset } from './datasets.js';
export type { OperatorDataset, BurgersDatasetOptions, DarcyDatasetOptions, AntiderivativeDatasetOptions } from './datasets.js';
export { solveReactionDiffusion1d } from './reactionDiffusion.js';
export type { ReactionDiffusionOptions } from './reactionDiffusion.js';
export { solveKuramotoSivashinsky1d } from './kuramotoSivashinsky.js';
export type { KuramotoSivashinskyOptions } from './kuramotoSivashinsky.js';
export { solveGrayScott2d } from './grayScott.js';
export type { GrayScottOptions, GrayScottResult } from './grayScott.js';
export { solveWave2dNeumann } from './wave2d.js';
export type { Wave2dOptions, Wave2dResult } from './wave2d.js';
export { solveChannelFlow } from './navierStokesChannel.js';
export type { ChannelFlowOptions, ChannelFlowFrame } from './navierStokesChannel.js';
export { solveCellHelmholtz } from './cellHelmholtz.js';
export type { CellHelmholtzOptions, CellHelmholtzResult } from './cellHelmholtz.js';
export { solveBurgers2dPeriodic } from './burgers2d.js';
export type { Burgers2dOptions, Burgers2dFrame } from './burgers2d.js';
export { NumpyRandomState } from './numpyRandom.js';
export { solveHeatVaryingCoef } from './heatVaryingCoef.js';
export type { HeatVaryingCoefOptions, HeatFrame } from './heatVaryingCoef.js';
export { solveHeatRobinP1 } from './heatRobinP1.js';
export type { HeatRobinP1Options, P1Frame } from './heatRobinP1.js';
export { solveSemilinear, solveSemilinearJacobian, semilinearResidual } from './semilinear.js';
export type { NewtonOptions, NewtonResult } from './semilinear.js';
export { diffusionApply, interior, zeroBoundary } from './diffusionOps.js';
export { diffusionSolver, semilinearSolver } from './differentiable.js';
export type { DiffusionSolveOptions, DifferentiableSolveOptions, GridSolver } from './differentiable.js';
export {
  nodeGrid,
  forcingStack,
  gridStack,
  coefficientOf,
  parameterOf,
  solveEach,
  syntheticObservations,
  recoveryLoss,
  relativeL2,
  maxAbs,
} from './coefficientRecovery.js';
export type { Positivity, RecoveryLossOptions, RecoveryTerms } from './coefficientRecovery.js';
