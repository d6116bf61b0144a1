/**
 * MPM soft robot (DiffTaichi mpm.py flavour): a block on sticky ground whose left and right halves
 * are actuated along y by open-loop sinusoid controllers a_g(t) = tanh(sum_k w_gk sin(omega t + 2 pi k / K) + b_g).
 * The per-particle actuation gradient from the simulator is chained to (w, b) by hand.
 * Run: npx tsx sim/examples/softRobot.ts [iterations]
 */
import { Adam } from '../../optim/adam.js';
import { CoreMpmStepper, blockParticles2D, coreMpm, reverseThroughTime, sharedVelocityState } from '../index.js';

const iterations = Number(process.argv[2] ?? 30);
const pos = blockParticles2D(16, 8, 0.1, 0.1 + 3 / 64, 0.2, 0.1);
const n = pos.length / 2;
const steps = 800;
// the core step jitted once behind a TimeStepper (state component-major: the x row first)
const sim = new CoreMpmStepper(
  coreMpm({ nGrid: 64, nParticles: n, dt: 2e-4, E: 2000, nu: 0.3, gravity: -9.8, boundary: 'sticky', actuationStrength: 400 }),
);
const s0 = sharedVelocityState(sim.sim, pos, [0, 0]).dataSync() as Float64Array;
const K = 4,
  omega = 40,
  groups = 2;
const group = Int32Array.from({ length: n }, (_, p) => (pos[2 * p] < 0.2 ? 0 : 1));
const theta = new Float64Array(groups * (K + 1)).map((_, i) => 0.3 * Math.sin(1.7 * i + 0.3));
const adam = new Adam({ lr: 0.1 });
const actuation = new Float64Array(steps * n);
const basis = (t: number, k: number): number => Math.sin(omega * t * sim.sim.opts.dt + (2 * Math.PI * k) / K);

function centreX(s: Float64Array): number {
  let c = 0;
  for (let p = 0; p < n; p++) c += s[p];
  return c / n;
}

const c0 = centreX(s0);
for (let it = 0; it <= iterations; it++) {
  const groupAct = new Float64Array(steps * groups);
  for (let t = 0; t < steps; t++) {
    for (let g = 0; g < groups; g++) {
      let z = theta[g * (K + 1) + K];
      for (let k = 0; k < K; k++) z += theta[g * (K + 1) + k] * basis(t, k);
      groupAct[t * groups + g] = Math.tanh(z);
    }
    for (let p = 0; p < n; p++) actuation[t * n + p] = groupAct[t * groups + group[p]];
  }
  sim.setActuation(actuation);
  const r = reverseThroughTime(
    sim,
    s0,
    steps,
    (t, s, g) => {
      if (t !== steps) return 0;
      for (let p = 0; p < n; p++) g[p] -= 1 / n;
      return -centreX(s);
    },
    'sqrt',
  );
  if (it % 5 === 0 || it === iterations) console.log(`iter ${it}: distance ${(-r.loss - c0).toFixed(4)}`);
  if (it === iterations) break;
  // chain d loss / d a[t, p] -> group activations -> (w, b)
  const grad = new Float64Array(theta.length);
  for (let t = 0; t < steps; t++) {
    for (let g = 0; g < groups; g++) {
      let ga = 0;
      for (let p = 0; p < n; p++) if (group[p] === g) ga += sim.grads.actuation[t * n + p];
      const a = groupAct[t * groups + g];
      const gz = ga * (1 - a * a);
      for (let k = 0; k < K; k++) grad[g * (K + 1) + k] += gz * basis(t, k);
      grad[g * (K + 1) + K] += gz;
    }
  }
  adam.step(theta, grad);
}
