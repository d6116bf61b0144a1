// The autodiff core's public surface.
export { Tensor, tensor, fromBuffer, full, zeros, ones, arange, eye, type TensorLike } from './tensor.js';
export * from './ops.js';
export { grad, valueAndGrad, forwardGrad, vjp, jvp, jet, jit, makeGraph, type GradOptions, type JitOptions } from './api.js';
export { derivative, laplacian, hessianTrace, type LaplacianOptions, type RowFn } from './derivatives.js';
export {
  stdeLaplacian,
  coordinateProbes,
  denseProbes,
  directionalDerivatives,
  probeSum,
  diagonalOperator,
  sigmaTrace,
  biharmonic,
  partitionsInto,
  faaDiBrunoWeight,
  slotPattern,
  jetPartial,
  residualLosses,
  stdeLosses,
  independentSeeds,
  type StdeOptions,
  type Probes,
  type Sigma,
  type SlotPattern,
  type JetPartialOptions,
  type ResidualLosses,
} from './stde.js';
export { rfft, irfft, fft, ifft, rdftModes, irdftModes, complexBlock } from './fft.js';
export { customVjp, customJvp } from './custom.js';
export { bsplineP2G, bsplineG2P } from './bspline.js';
export { splitVjp, type SplitVjp } from './splitVjp.js';
export { jitCarry, CarriedStep, type JitCarryOptions } from './jitCarry.js';
export { vmap, jacfwd, jacrev, hessian, type InAxis } from './vmap.js';
export { checkpoint } from './checkpoint.js';
export { hostCall, linearSolve, root, customLinearSolve, customRoot, type LinearSolveOptions } from './implicit.js';
export { odeint, type OdeintOptions, type Dynamics } from './odeint.js';
export type { Dopri5Stats } from './ode/dopri5.js';
export {
  rolloutGrowth,
  windowAmplification,
  tangentMap,
  unitTangent,
  growthOf,
  randomTangent,
  type RolloutGrowth,
  type TangentMap,
} from './lyapunov.js';
export {
  setBackend,
  withBackend,
  getBackend,
  registerBackend,
  findBackend,
  type Backend,
  type BackendName,
  type Compiled,
} from './backend/index.js';
export { primitiveNames } from './prims/registry.js';
export type { PrimName, PrimParams, PrimDef } from './prims/types.js';
export { printGraph, type Graph, type Eqn, type Var, type Params, type Aval } from './ir.js';
export { leaves, unflatten, mapTree, type PyTree } from './pytree.js';
export { Rng } from './random.js';
export { ShapeError } from './errors.js';
export type { DType, TypedArray } from './dtype.js';
export type { Shape } from './shape.js';

import { bind } from './trace.js';
import * as ops from './ops.js';
import type { Tensor as T } from './tensor.js';
import type { DType } from './dtype.js';

/** Seeded random tensors: the same (key, shape) always gives the same values, on every backend. */
function draw(dist: 'normal' | 'uniform' | 'rademacher') {
  return (key: number | T, shape: readonly number[], dtype: DType = 'f32'): T =>
    bind('random', [typeof key === 'number' ? ops.scalar(key, 'i32') : key], { dist, shape: [...shape], dtype });
}
export const random = { normal: draw('normal'), uniform: draw('uniform'), rademacher: draw('rademacher') };
