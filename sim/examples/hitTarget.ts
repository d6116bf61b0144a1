/** MPM soft block hits a target by optimising its initial velocity. Run: npx tsx sim/examples/hitTarget.ts */
import { blockParticles2D, hitTarget } from '../index.js';

const pos = blockParticles2D(16, 16, 0.15, 0.15, 0.15, 0.15, 0);
const opts = { nGrid: 64, nParticles: 256, dt: 2e-4, E: 2000, nu: 0.3, gravity: -9.8, material: 'fixedCorotated' as const };
const target: [number, number] = [0.7, 0.5];
const t0 = performance.now();
const r = hitTarget(opts, pos, target, { steps: 1000, iterations: 40, lr: 0.3 });
r.history.forEach((l, i) => {
  if (i % 5 === 0 || i === r.history.length - 1) console.log(`iter ${i}: |centre - target|^2 = ${l.toExponential(3)}`);
});
console.log(`initial velocity ${r.velocity.map((v) => v.toFixed(4)).join(', ')} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
