/**
 * Shape and seeded initialisation of the one-hidden-layer tanh controller (DiffTaichi mass_spring nn1/nn2): inputs are nSin sinusoids
 * sin(omega t + 2 pi k / nSin) and, per particle, position relative to the centre and velocity
 * (scaled by sensorScale), then optional goal inputs; output act = tanh(W2 tanh(W1 u + b1) + b2), one value per spring.
 * Parameters live in one flat Float64Array: W1 (nHidden x nIn, row-major), b1, W2 (nOut x nHidden), b2.
 */
import { initMlp, mlpParamCount } from '../mlp.js';

export interface ControllerShape {
  nSin: number;
  nParticles: number;
  nHidden: number;
  nOut: number;
  /** Goal inputs appended after the particle sensors (a goal-conditioned controller); default 0. */
  nGoal?: number;
}

export function controllerInputs(shape: ControllerShape): number {
  return shape.nSin + 4 * shape.nParticles + (shape.nGoal ?? 0);
}

export function controllerParamCount(shape: ControllerShape): number {
  return mlpParamCount({ nIn: controllerInputs(shape), nHidden: shape.nHidden, nOut: shape.nOut });
}

/** Glorot-normal weights (std sqrt(2 / (fanIn + fanOut))), zero biases, seeded (sim/mlp.ts). */
export function initController(shape: ControllerShape, seed: number): Float64Array {
  for (const [k, v] of Object.entries(shape)) {
    if (!Number.isInteger(v) || v < 0) throw new Error(`initController: ${k} must be a non-negative integer, got ${v}`);
  }
  return initMlp({ nIn: controllerInputs(shape), nHidden: shape.nHidden, nOut: shape.nOut }, seed);
}
