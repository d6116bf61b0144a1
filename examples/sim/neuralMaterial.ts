// Learning an elastic constitutive law from particle motion (NCLaw, Ma et al. 2023, elastic part) through the
// differentiable core MLS-MPM (2D, 32^2 grid, f64). Ground truth: neo-Hookean, E = 200, nu = 0.3. The network's
// moduli start relative to a prior stiffness E0 = 100 (a 2x wrong guess); it is trained on the first 40 steps of
// two motions of a 16x16-particle square and evaluated on unseen motions (another velocity field; a disc of another
// size) over 160 steps, against the untrained network and against neo-Hookean / fixed-corotated with wrong or
// mismatched parameters. Metric: mean particle distance to the ground truth, relative to the body's size.
// Run: nice -n 5 npx tsx examples/sim/neuralMaterial.ts [iterations=150]   (about 2 minutes on one core)
// Results: bench/results-neural-material.md
import type * as fx from '../../index.js';
import { type Body2D, bodyParticles } from '../../sim/coreMpm/bodies.js';
import { coreMpm, type CoreMpmOptions, neuralElasticity } from '../../sim/coreMpm/index.js';
import { fitNeuralMaterial, type Observation, observeFrames, relativeDistances } from '../../sim/coreMpm/learnMaterial.js';
import type { MpmMaterial } from '../../sim/mpm/materials2d.js';

const iterations = Number(process.argv[2] ?? 150);
const nGrid = 32;
const every = 5;
const trainFrames = 8; // 40 steps of 4e-4 s
const testFrames = 32; // 160 steps
const truthE = 200;
const truthNu = 0.3;
const prior = 100;
const base: CoreMpmOptions = { nGrid, nParticles: 1, dt: 4e-4, dim: 2, boundary: 'sticky' };

const train: Body2D[] = [
  { shape: 'square', centre: [0.5, 0.5], size: 0.25, v0: [0.5, 0], gradV: [24, 9, 0, -18] },
  { shape: 'square', centre: [0.5, 0.5], size: 0.25, v0: [0, 0.5], gradV: [-15, 0, 12, 21] },
];
const test: Array<[string, Body2D]> = [
  [
    'square, unseen velocity field (shear + spin)',
    { shape: 'square', centre: [0.5, 0.5], size: 0.25, v0: [-0.4, 0.3], gradV: [12, 27, -9, -6] },
  ],
  ['disc d = 0.3, unseen velocity field', { shape: 'disc', centre: [0.5, 0.55], size: 0.3, v0: [0.3, -0.3], gradV: [-21, 6, 15, 18] }],
];

/** The ground-truth or a baseline analytic simulator for a body's particle count. */
const analytic = (material: MpmMaterial, n: number, E: number, nu: number) => coreMpm({ ...base, nParticles: n, material, E, nu });

const law = neuralElasticity({ dim: 2, stiffness: prior, seed: 1, hidden: [16, 16] });
const neural = (n: number) => coreMpm({ ...base, nParticles: n, material: 'neural', neural: law });

function observe(body: Body2D, frames: number): Observation {
  const p = bodyParticles(body, nGrid);
  const truth = analytic('neoHookean', p.n, truthE, truthNu);
  const state0 = truth.initialState(p.x, p.v);
  return { state0, frames: observeFrames(truth, state0, truth.params(), every, frames) };
}

const trainObs = train.map((b) => observe(b, trainFrames));
const t0 = performance.now();
const fit = fitNeuralMaterial(neural(trainObs[0].state0.x.shape[1]), trainObs, law.init(), {
  every,
  scale: 0.25,
  iterations,
  lr: 2e-2,
  onIteration: (it, loss) => {
    if (it % 25 === 0 || it === iterations - 1)
      console.log(`iteration ${it}: loss ${loss.toExponential(3)} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  },
});
console.log(`trained ${iterations} iterations in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

const fmt = (x: number): string => x.toExponential(2);
const rows: string[] = [
  '| case | model | error at step 40 (trained horizon) | error at step 160 | mean error over 160 steps |',
  '|---|---|---|---|---|',
];
const cases: Array<[string, Body2D]> = [['training motion 1', train[0]], ...test];
for (const [name, body] of cases) {
  const obs = observe(body, testFrames);
  const n = obs.state0.x.shape[1];
  const scale = body.size;
  const models: Array<[string, () => fx.Tensor[]]> = [
    ['neural, trained', () => observeFrames(neural(n), obs.state0, { ...neural(n).params(), theta: fit.theta }, every, testFrames)],
    ['neural, untrained', () => observeFrames(neural(n), obs.state0, { ...neural(n).params(), theta: law.init() }, every, testFrames)],
    [
      `neo-Hookean E = ${prior} (prior guess)`,
      () =>
        observeFrames(
          analytic('neoHookean', n, prior, truthNu),
          obs.state0,
          analytic('neoHookean', n, prior, truthNu).params(),
          every,
          testFrames,
        ),
    ],
    [
      'neo-Hookean E = 150, nu = 0.25',
      () =>
        observeFrames(analytic('neoHookean', n, 150, 0.25), obs.state0, analytic('neoHookean', n, 150, 0.25).params(), every, testFrames),
    ],
    [
      'fixed-corotated, true E, nu',
      () =>
        observeFrames(
          analytic('fixedCorotated', n, truthE, truthNu),
          obs.state0,
          analytic('fixedCorotated', n, truthE, truthNu).params(),
          every,
          testFrames,
        ),
    ],
  ];
  for (const [model, run] of models) {
    const err = relativeDistances(run(), obs.frames, scale);
    const mean = err.reduce((a, b) => a + b, 0) / err.length;
    rows.push(`| ${name} (N = ${n}) | ${model} | ${fmt(err[trainFrames - 1])} | ${fmt(err[testFrames - 1])} | ${fmt(mean)} |`);
  }
}
console.log(rows.join('\n'));
