/**
 * The grid update of MLS-MPM as elementwise ops on [G] node arrays: momentum -> velocity where there is
 * mass, gravity, and the wall rule of the hand-written oracle (test/sim/oracle/mpm/mpmBase.ts) (a component moving into the wall layer of
 * `boundCells` cells is zeroed; sticky zeroes every component of a node once any one hits).
 */
import * as fx from '../../core/index.js';
import type { Tensor, DType } from '../../core/index.js';
import type { MpmBoundary } from '../mpmOptions.js';

export interface GridRule {
  nGrid: number;
  dim: number;
  dt: number;
  gravity: number;
  boundary: MpmBoundary;
  boundCells: number;
}

/** Per axis: 1 on the nodes of the low / high wall layers (constants of the compiled step). */
export function wallMasks(r: GridRule, dtype: DType): { low: Tensor[]; high: Tensor[] } {
  const g = r.nGrid ** r.dim;
  const low: Tensor[] = [];
  const high: Tensor[] = [];
  for (let a = 0; a < r.dim; a++) {
    const stride = r.nGrid ** (r.dim - 1 - a);
    const lo = new Float64Array(g);
    const hi = new Float64Array(g);
    for (let i = 0; i < g; i++) {
      const cell = Math.floor(i / stride) % r.nGrid;
      lo[i] = cell < r.boundCells ? 1 : 0;
      hi[i] = cell >= r.nGrid - r.boundCells ? 1 : 0;
    }
    low.push(fx.tensor(lo, [g], dtype));
    high.push(fx.tensor(hi, [g], dtype));
  }
  return { low, high };
}

/** Grid velocities (d rows of [G]) from mass [G] and momentum (d rows of [G]). */
export function gridVelocity(r: GridRule, walls: { low: Tensor[]; high: Tensor[] }, mass: Tensor, momentum: readonly Tensor[]): Tensor[] {
  const has = fx.greater(mass, 0);
  // empty nodes divide by 1 instead of 0: the unselected branch must stay finite for the gradient
  const safe = fx.where(has, mass, 1);
  const u = momentum.map((m, a) => (a === 1 ? fx.add(fx.div(m, safe), r.dt * r.gravity) : fx.div(m, safe)));
  let v = u;
  if (r.boundary !== 'none') {
    const hits = u.map((ua, a) => fx.add(fx.mul(walls.low[a], fx.greater(0, ua)), fx.mul(walls.high[a], fx.greater(ua, 0))));
    if (r.boundary === 'sticky') {
      const any = fx.greater(
        hits.reduce((s, h) => fx.add(s, h)),
        0,
      );
      v = u.map((ua) => fx.where(any, 0, ua));
    } else {
      v = u.map((ua, a) => fx.where(hits[a], 0, ua));
    }
  }
  return v.map((va) => fx.where(has, va, 0));
}
