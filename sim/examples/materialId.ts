/** Recover Young's modulus of an MPM block from its observed trajectory. Run: npx tsx sim/examples/materialId.ts */
import { blockParticles2D, identifyYoungsModulus, observeTrajectory } from '../index.js';

const pos = blockParticles2D(12, 12, 0.3, 0.2, 0.2, 0.2, 0);
const n = pos.length / 2;
const vel = new Float64Array(2 * n).map((_, i) => (i % 2 === 0 ? 0.5 : -2));
const trueE = 800;
const opts = { nGrid: 32, nParticles: n, dt: 2e-4, E: trueE, nu: 0.3, gravity: -9.8 };
const obs = observeTrajectory(opts, pos, vel, 800, 20);
const t0 = performance.now();
const r = identifyYoungsModulus(opts, pos, vel, obs, { steps: 800, iterations: 40, E0: 300, observeEvery: 20 });
r.history.forEach((h, i) => {
  if (i % 5 === 0) console.log(`iter ${i}: E = ${h.E.toFixed(2)}, loss = ${h.loss.toExponential(3)}`);
});
console.log(
  `true E ${trueE}, recovered ${r.E.toFixed(3)} (${((100 * Math.abs(r.E - trueE)) / trueE).toFixed(3)}% error) in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
);
