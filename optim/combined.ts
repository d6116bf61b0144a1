// Shared skeleton of the loss-balancing methods (LRA, ReLoBRaLo, PCGrad, NTK, ConFIG): each picks
// per-loss weights w_i, the direction sum_i w_i g_i goes to an inner single-gradient optimizer.
import type { JsonValue, MultiLossOptimizer, Optimizer, OptimState, Vec } from './types.js';
import { checkShapes, expectKind, readSub } from './state.js';
import { weightedSum } from './vec.js';

export function checkLosses(losses: readonly number[], grads: readonly Vec[]): void {
  if (grads.length === 0) throw new Error('grads: expected at least one loss gradient, got none');
  if (losses.length !== grads.length) {
    throw new Error(`losses: expected ${grads.length} values (one per gradient), got ${losses.length}`);
  }
  losses.forEach((l, i) => {
    if (!Number.isFinite(l)) throw new Error(`losses[${i}]: expected a finite number, got ${l}`);
  });
}

export abstract class CombinedGradientOptimizer implements MultiLossOptimizer {
  private direction: Float64Array | null = null;

  protected constructor(
    readonly kind: string,
    protected readonly base: Optimizer,
  ) {}

  /** Per-loss weights for this step; may update the method's own statistics. */
  protected abstract weights(losses: number[], grads: Vec[]): number[];
  protected abstract ownState(): Record<string, JsonValue>;
  protected abstract loadOwn(s: OptimState): void;

  step(params: Vec, losses: number[], grads: Vec[]): { weights: number[] } {
    checkLosses(losses, grads);
    checkShapes(params, grads, `${this.kind} grads`);
    if (this.direction === null || this.direction.length !== params.length) {
      this.direction = new Float64Array(params.length);
    }
    const w = this.weights(losses, grads);
    this.base.step(params, weightedSum(w, grads, this.direction));
    return { weights: w };
  }

  currentLr(): number {
    return this.base.currentLr?.() ?? NaN;
  }

  state(): OptimState {
    return { ...this.ownState(), kind: this.kind, base: this.base.state() };
  }

  load(s: OptimState): void {
    expectKind(s, this.kind);
    this.loadOwn(s);
    this.base.load(readSub(s, 'base'));
  }
}
