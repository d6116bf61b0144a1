// Learning a constitutive law from particle motion (NCLaw, Ma et al. 2023) through the differentiable core MLS-MPM
// (2D, 32^2 grid, f64). The networks are trained on the first 40 steps of two motions of a 16x16-particle square and
// evaluated on unseen motions (another velocity field; a disc of another size) over 160 steps, against the untrained
// network and analytic baselines. Metric: mean particle distance to the ground truth, relative to the body's size.
// - elastic: ground truth neo-Hookean E = 200, nu = 0.3; the elastic network's moduli start relative to a prior
//   stiffness E0 = 100 (a 2x wrong guess). Baselines: neo-Hookean with wrong parameters, fixed-corotated with the
//   true ones.
// - plastic: ground truth snow without hardening (fixed-corotated E = 200, nu = 0.3, singular values clamped to
//   [0.97, 1.03]); the elastic network alone vs elastic + plastic networks, and fixed-corotated (true E, nu, no
//   plasticity).
// Run: nice -n 5 npx tsx examples/sim/neuralMaterial.ts [elastic|plastic] [iterations=150]   (2-5 minutes on one core)
// Results: bench/results-neural-material.md
import * as fx from '../../index.js';
import { type Body2D, bodyParticles } from '../../sim/coreMpm/bodies.js';
import { type CoreMpm, type CoreMpmOptions, coreMpm, neuralElasticity, neuralPlasticity } from '../../sim/coreMpm/index.js';
import { fitNeuralMaterial, type Observation, observeFrames, relativeDistances } from '../../sim/coreMpm/learnMaterial.js';
import type { MpmMaterial } from '../../sim/mpmOptions.js';

const mode = process.argv[2] ?? 'elastic';
if (mode !== 'elastic' && mode !== 'plastic') throw new Error(`mode must be elastic or plastic, got ${mode}`);
const iterations = Number(process.argv[3] ?? 150);
const nGrid = 32;
const every = 5;
const trainFrames = 8; // 40 steps of 4e-4 s
const testFrames = 32; // 160 steps
const truthE = 200;
const truthNu = 0.3;
const prior = 100;
const base: CoreMpmOptions = { nGrid, nParticles: 1, dt: 4e-4, dim: 2, boundary: 'sticky', hardening: 0, thetaC: 0.03, thetaS: 0.03 };
const truthMaterial: MpmMaterial = mode === 'elastic' ? 'neoHookean' : 'snow';

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
const plastic = neuralPlasticity({ seed: 2, hidden: [16, 16] });
const neural = (n: number, withPlastic: boolean) =>
  coreMpm({ ...base, nParticles: n, material: 'neural', neural: law, neuralPlasticity: withPlastic ? plastic : undefined });

function observe(body: Body2D, frames: number): Observation {
  const p = bodyParticles(body, nGrid);
  const truth = analytic(truthMaterial, p.n, truthE, truthNu);
  const state0 = truth.initialState(p.x, p.v);
  return { state0, frames: observeFrames(truth, state0, truth.params(), every, frames) };
}

/** The state without snow's Jp (the neural and elastic simulators carry none). */
const elasticState = (o: Observation): Observation['state0'] => ({ x: o.state0.x, v: o.state0.v, C: o.state0.C, F: o.state0.F });

const trainObs = train.map((b) => observe(b, trainFrames)).map((o) => ({ ...o, state0: elasticState(o) }));
const nTrain = trainObs[0].state0.x.shape[1];

interface Trained {
  name: string;
  withPlastic: boolean;
  theta: fx.Tensor;
  theta0: fx.Tensor;
}

function trainModel(name: string, withPlastic: boolean): Trained {
  const theta0 = withPlastic ? fx.concat([law.init(), plastic.init()]) : law.init();
  const t0 = performance.now();
  const fit = fitNeuralMaterial(neural(nTrain, withPlastic), trainObs, theta0, {
    every,
    scale: 0.25,
    iterations,
    lr: 2e-2,
    onIteration: (it, loss) => {
      if (it % 25 === 0 || it === iterations - 1)
        console.log(`${name}: iteration ${it}: loss ${loss.toExponential(3)} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
    },
  });
  console.log(`${name}: trained ${iterations} iterations in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return { name, withPlastic, theta: fit.theta, theta0 };
}

const trained =
  mode === 'elastic'
    ? [trainModel('neural', false)]
    : [trainModel('neural elastic only', false), trainModel('neural elastic + plastic', true)];

const run = (sim: CoreMpm, s0: Observation['state0'], theta?: fx.Tensor): fx.Tensor[] =>
  observeFrames(sim, s0, { ...sim.params(), theta }, every, testFrames);

const fmt = (x: number): string => x.toExponential(2);
const rows: string[] = [
  '| case | model | error at step 40 (trained horizon) | error at step 160 | mean error over 160 steps |',
  '|---|---|---|---|---|',
];
const cases: Array<[string, Body2D]> = [['training motion 1', train[0]], ...test];
for (const [name, body] of cases) {
  const obs = observe(body, testFrames);
  const n = obs.state0.x.shape[1];
  const s0 = elasticState(obs);
  const models: Array<[string, () => fx.Tensor[]]> = [
    ...trained.map((t): [string, () => fx.Tensor[]] => [`${t.name}, trained`, () => run(neural(n, t.withPlastic), s0, t.theta)]),
    ...trained.map((t): [string, () => fx.Tensor[]] => [`${t.name}, untrained`, () => run(neural(n, t.withPlastic), s0, t.theta0)]),
    ...(mode === 'elastic'
      ? ([
          [`neo-Hookean E = ${prior} (prior guess)`, () => run(analytic('neoHookean', n, prior, truthNu), s0)],
          ['neo-Hookean E = 150, nu = 0.25', () => run(analytic('neoHookean', n, 150, 0.25), s0)],
        ] as Array<[string, () => fx.Tensor[]]>)
      : []),
    ['fixed-corotated, true E, nu, no plasticity', () => run(analytic('fixedCorotated', n, truthE, truthNu), s0)],
  ];
  for (const [model, frames] of models) {
    const err = relativeDistances(frames(), obs.frames, body.size);
    const mean = err.reduce((a, b) => a + b, 0) / err.length;
    rows.push(`| ${name} (N = ${n}) | ${model} | ${fmt(err[trainFrames - 1])} | ${fmt(err[testFrames - 1])} | ${fmt(mean)} |`);
  }
}
console.log(rows.join('\n'));
