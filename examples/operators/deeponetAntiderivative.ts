// DeepONet (unstacked) learning the antiderivative operator v -> u(x) = int_0^x v (Lu et al. 2021 / DeepXDE):
// v ~ GRF sampled at m = 64 sensors, outputs on the same grid; target relative L2 <= 1e-2 on held-out v.
// Usage: npx tsx examples/operators/deeponetAntiderivative.ts [--train 500] [--test 100] [--steps 4000] [--m 64]
//   [--width 40] [--batch 50] [--lr 2e-3] [--relu] [--mse] [--branch-tanh] [--features 8]
// Defaults: a linear branch (the operator is linear in v) and 8 Fourier features in the trunk (a plain tanh
// trunk on x alone plateaus near 4e-2 here: its features are too smooth for the periodic part of u).
import { antiderivativeDataset } from '../../solvers/index.js';
import { deeponet, OperatorTrainer, splitSamples } from '../../operators/index.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}
const nTrain = arg('train', 500),
  nTest = arg('test', 100),
  steps = arg('steps', 4000),
  m = arg('m', 64);
const width = arg('width', 40),
  seed = arg('seed', 0),
  batch = arg('batch', 50);
const lossKind = process.argv.includes('--mse') ? 'mse' : 'relL2';
const activation = process.argv.includes('--relu') ? 'relu' : 'tanh';
const lr = arg('lr', 2e-3);
const features = arg('features', 8);

const { train, test } = splitSamples(antiderivativeDataset({ n: nTrain + nTest, resolution: m, seed: 3 }), nTrain);
const model = deeponet({
  branch: [m, width, width],
  trunk: [1 + 2 * features, width, width],
  trunkFeatures: features,
  activation,
  branchActivation: process.argv.includes('--branch-tanh') ? activation : 'linear',
  seed,
});
const stepsPerEpoch = Math.floor(nTrain / batch);
const trainer = new OperatorTrainer({
  model,
  train,
  test,
  batchSize: batch,
  loss: lossKind,
  lr,
  weightDecay: 0,
  decayEvery: Math.max(1, Math.round(steps / 4 / stepsPerEpoch)),
  gamma: 0.5,
  seed,
});
console.log(
  `DeepONet branch [${m}, ${width}, ${width}] (${process.argv.includes('--branch-tanh') ? activation : 'linear'}) trunk [${1 + 2 * features}, ${width}, ${width}] (${features} Fourier features): ${nTrain} train / ${nTest} test, batch ${batch}`,
);
console.log('  step   train-mse   test-relL2   ms/step');
let t0 = performance.now();
for (let s = 1; s <= steps; s++) {
  const metrics = trainer.trainStep();
  if (s % Math.max(1, Math.floor(steps / 10)) === 0 || s === steps) {
    const ms = (performance.now() - t0) / Math.max(1, Math.floor(steps / 10));
    console.log(
      `${String(s).padStart(6)}   ${metrics.loss.toExponential(3)}   ${trainer.evaluate().l2re?.toExponential(3)}    ${ms.toFixed(1)}`,
    );
    t0 = performance.now();
  }
}
const final = trainer.evaluate().l2re ?? NaN;
console.log(`final test relative L2 ${final.toExponential(3)} (target <= 1e-2: ${final <= 1e-2 ? 'met' : 'NOT met'})`);
