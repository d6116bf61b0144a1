/**
 * Goal-conditioned running (or jumping) with a batch of environments. Run:
 *   npx tsx sim/examples/locomotion.ts [running|jumping] [iterations]
 * Prints the training loss and, before and after training, the held-out goals against what the robot achieved.
 */
import { Adam } from '../../optim/adam.js';
import { Locomotion, MassSpringProgram, SegmentRunner, defaultRobot, type LocomotionGoal } from '../index.js';

const goal = (process.argv[2] ?? 'running') as LocomotionGoal;
const iterations = Number(process.argv[3] ?? 120);
const horizon = 300;
const sim = new MassSpringProgram(defaultRobot(), {}, 1);
const loco = new Locomotion(new SegmentRunner(sim, Math.ceil(Math.sqrt(horizon))), {
  goal,
  range: goal === 'running' ? [0.02, 0.16] : [0.01, 0.06],
  horizon,
  envs: 8,
  evalGoals: 8,
  tolerance: goal === 'running' ? 0.014 : 0.005,
  seed: 0,
});
const show = (label: string, params: Float64Array): void => {
  const e = loco.evaluate(params);
  const pairs = Array.from(e.goals, (g, i) => `${g.toFixed(3)}->${e.achieved[i].toFixed(3)}`).join(' ');
  console.log(
    `${label}: goal distance ${e.goalDistance.toFixed(4)}, success ${(100 * e.successRate).toFixed(0)}%  (goal->achieved ${pairs})`,
  );
};
const params = Float64Array.from(sim.initController(0).dataSync());
show('untrained', params);
const adam = new Adam({ lr: 0.01 });
const t0 = performance.now();
for (let it = 0; it < iterations; it++) {
  const r = loco.lossAndGrad(params, it);
  adam.step(params, r.grad);
  if (it % 20 === 0) console.log(`iter ${it}: loss ${r.loss.toExponential(3)}`);
}
console.log(`${iterations} iterations in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
show('trained', params);
