// The chaos guard's per-step reference for the mass-spring robot: fx.rolloutGrowth (core/lyapunov.ts) one step at a
// time on [state (flat), clock], the clock carried in the state with a zero tangent so the step is autonomous.
import * as fx from '../../core/index.js';
import type { Tensor } from '../../core/index.js';
import { type MassSpringProgram, packState, unpackState } from '../../sim/index.js';

function clockedStep(sim: MassSpringProgram, params: Tensor): (y: Tensor) => Tensor {
  const n = 4 * sim.n;
  return (y) => {
    const s = fx.reshape(fx.sliceAxis(y, 0, 0, n), [1, 2 * sim.n, 2]);
    const t = fx.reshape(fx.sliceAxis(y, 0, n, n + 1), []);
    const [x, v] = sim.step(params, ...unpackState(sim, s), t);
    return fx.concat([fx.reshape(packState(x, v), [n]), fx.reshape(fx.add(t, 1), [1])], 0);
  };
}

/** rolloutGrowth of one environment's packed state s0 [1, 2n, 2] along v0 (same shape) through T steps. */
export function perStepGrowth(sim: MassSpringProgram, params: Tensor, s0: Tensor, v0: Tensor, T: number): fx.RolloutGrowth {
  const flat = (x: Tensor, last: number) => fx.concat([fx.reshape(x, [x.size]), fx.tensor([last], [1], 'f64')], 0);
  return fx.rolloutGrowth(clockedStep(sim, params), flat(s0, 0), flat(v0, 0), T);
}
