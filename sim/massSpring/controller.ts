/**
 * One-hidden-layer tanh controller (DiffTaichi mass_spring nn1/nn2): inputs are nSin sinusoids
 * sin(omega t + 2 pi k / nSin) and, per particle, position relative to the centre and velocity
 * (scaled by sensorScale), then optional goal inputs; output act = tanh(W2 tanh(W1 u + b1) + b2), one value per spring.
 * Parameters live in one flat Float64Array: W1 (nHidden x nIn, row-major), b1, W2 (nOut x nHidden), b2.
 */
import { Mulberry32 } from '../../core/random.js';

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
  const nIn = controllerInputs(shape);
  return shape.nHidden * nIn + shape.nHidden + shape.nOut * shape.nHidden + shape.nOut;
}

/** Glorot-normal weights (std sqrt(2 / (fanIn + fanOut))), zero biases, seeded. */
export function initController(shape: ControllerShape, seed: number): Float64Array {
  for (const [k, v] of Object.entries(shape)) {
    if (!Number.isInteger(v) || v < 0) throw new Error(`initController: ${k} must be a non-negative integer, got ${v}`);
  }
  const rng = new Mulberry32(seed);
  const nIn = controllerInputs(shape);
  const p = new Float64Array(controllerParamCount(shape));
  const s1 = Math.sqrt(2 / (nIn + shape.nHidden));
  const s2 = Math.sqrt(2 / (shape.nHidden + shape.nOut));
  const w1 = shape.nHidden * nIn;
  for (let i = 0; i < w1; i++) p[i] = rng.normal() * s1;
  const w2 = w1 + shape.nHidden;
  for (let i = 0; i < shape.nOut * shape.nHidden; i++) p[w2 + i] = rng.normal() * s2;
  return p;
}

/** Forward/backward of the MLP with caller-owned scratch (no allocation per step). */
export class MlpController {
  readonly nIn: number;
  readonly hidden: Float64Array;
  readonly out: Float64Array;
  private readonly hBar: Float64Array;
  constructor(readonly shape: ControllerShape) {
    this.nIn = controllerInputs(shape);
    this.hidden = new Float64Array(shape.nHidden);
    this.out = new Float64Array(shape.nOut);
    this.hBar = new Float64Array(shape.nHidden);
  }

  /** Writes this.hidden and this.out from inputs u. */
  forward(p: Float64Array, u: Float64Array): void {
    const { nHidden, nOut } = this.shape;
    const nIn = this.nIn;
    const b1 = nHidden * nIn;
    const w2 = b1 + nHidden;
    const b2 = w2 + nOut * nHidden;
    for (let i = 0; i < nHidden; i++) {
      let acc = p[b1 + i];
      const row = i * nIn;
      for (let j = 0; j < nIn; j++) acc += p[row + j] * u[j];
      this.hidden[i] = Math.tanh(acc);
    }
    for (let i = 0; i < nOut; i++) {
      let acc = p[b2 + i];
      const row = w2 + i * nHidden;
      for (let j = 0; j < nHidden; j++) acc += p[row + j] * this.hidden[j];
      this.out[i] = Math.tanh(acc);
    }
  }

  /**
   * Given d loss / d out, accumulate parameter cotangents into gp and write d loss / d u into uBar.
   * Requires forward(p, u) to have been called with the same inputs.
   */
  backward(p: Float64Array, u: Float64Array, outBar: Float64Array, gp: Float64Array, uBar: Float64Array): void {
    const { nHidden, nOut } = this.shape;
    const nIn = this.nIn;
    const b1 = nHidden * nIn;
    const w2 = b1 + nHidden;
    const b2 = w2 + nOut * nHidden;
    const hBar = this.hBar;
    hBar.fill(0);
    for (let i = 0; i < nOut; i++) {
      const a = this.out[i];
      const z = outBar[i] * (1 - a * a);
      if (z === 0) continue;
      gp[b2 + i] += z;
      const row = w2 + i * nHidden;
      for (let j = 0; j < nHidden; j++) {
        gp[row + j] += z * this.hidden[j];
        hBar[j] += z * p[row + j];
      }
    }
    uBar.fill(0);
    for (let i = 0; i < nHidden; i++) {
      const h = this.hidden[i];
      const z = hBar[i] * (1 - h * h);
      gp[b1 + i] += z;
      const row = i * nIn;
      for (let j = 0; j < nIn; j++) {
        gp[row + j] += z * u[j];
        uBar[j] += z * p[row + j];
      }
    }
  }
}
