/**
 * Test oracle: the hand-written forward/backward of the mass-spring MLP controller (act = tanh(W2 tanh(W1 u + b1) + b2)),
 * parameters flat [W1, b1, W2, b2] as sim/massSpring/controller.ts lays them out.
 */
import { controllerInputs, type ControllerShape } from '../../../sim/massSpring/controller.js';

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
