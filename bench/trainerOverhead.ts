// What the trainers add over a hand-written jitted step (issue 24, item 5): per problem, one training step as
//   - a hand-written jit(valueAndGrad) (loss and gradient only, the gradient read out): the reference,
//   - the same plus the host Adam on a flat vector (f32 <-> f64 copies, bench/core.ts's pinnStep),
//   - the same loss stepped by FusedAdam (Adam inside the compiled step, optim/fusedAdam.ts),
//   - the trainer with its host Adam (fusedOptimizer: false, the code path before FusedAdam),
//   - the trainer with FusedAdam (the default for f32 runs),
// all in one process, interleaved so that every variant sees the same machine load; medians (and best) of every
// timed block (variants alternate block by block). Problems: FNO-1D (width 64, 16 modes, 4 layers, projection 128, batch 20, MSE) at n = 256 and 1024,
// DeepONet (100 sensors, width 40, batch 50) and the Poisson-2D PINN (2-64-64-64-1 tanh, 4096 + 256 points).
// Run: npx tsx bench/trainerOverhead.ts [--quick] [--rounds N] [--only fno256,fno1024,deeponet,pinn] [--write]
// (--write rewrites bench/results-trainer-overhead.md). The machine has 2 shared cores: compare ratios, not times.
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import * as fx from '../index.js';
import { deeponet, gridCoords, OperatorTrainer, type OperatorModel, type OperatorSamples } from '../operators/index.js';
import { PinnTrainer, problems } from '../pinn/index.js';
import { Adam, FusedAdam } from '../optim/index.js';
import { flattenTree, unflattenTree } from '../nn/flat.js';
import { mdTable } from './markdown.js';
import { WRITE_FLAG } from './results.js';
import { fnoStepModel } from './stepProbe.js';

const quick = process.argv.includes('--quick');
const onlyArg = process.argv.indexOf('--only');
const only = onlyArg >= 0 ? process.argv[onlyArg + 1].split(',') : null;
const roundsArg = process.argv.indexOf('--rounds');
const ROUNDS = roundsArg >= 0 ? Number(process.argv[roundsArg + 1]) : quick ? 2 : 6;

type Variant = { name: string; step: () => void };
interface Case {
  key: string;
  problem: string;
  /** blocks per round, and steps per block */
  blocks: number;
  block: number;
  variants: () => Variant[];
}

/** A loss-and-gradient function stepped four ways: bare, host Adam, FusedAdam; the trainer is added by the caller. */
function handWritten<P extends fx.PyTree, A extends fx.Tensor[]>(
  params: P,
  loss: (p: P, ...a: A) => fx.Tensor,
  args: A,
  adam: () => Adam,
): Variant[] {
  const vg = (p: P, ...a: A) => fx.valueAndGrad((q: P) => loss(q, ...a))(p) as [fx.Tensor, P];
  const jitted = fx.jit(vg);
  const withAux = (p: P, ...a: A): [[fx.Tensor, fx.Tensor], P] => {
    const [l, g] = vg(p, ...a);
    return [[l, l], g];
  };
  const host = adam();
  const flat = flattenTree(params, 'f32');
  let p = params;
  const fused = new FusedAdam(withAux, params, host.settings);
  return [
    {
      name: 'jit loss+grad (reference)',
      step: () => {
        const [l, g] = jitted(params, ...args);
        l.item();
        fx.leaves(g).forEach((t) => t.dataSync());
      },
    },
    {
      name: 'jit loss+grad + host Adam',
      step: () => {
        const [l, g] = jitted(p, ...args);
        l.item();
        host.step(flat, flattenTree(g, 'f32'));
        p = unflattenTree(p, flat);
      },
    },
    { name: 'jit step with FusedAdam', step: () => fused.update(...args)[0].item() },
  ];
}

function syntheticSamples(count: number, n: number, seed: number): OperatorSamples {
  const grid = Float64Array.from({ length: n }, (_, j) => j / n);
  const inputs = Float64Array.from(fx.random.normal(seed, [count * n], 'f64').dataSync());
  const outputs = Float64Array.from(fx.random.normal(seed + 1, [count * n], 'f64').dataSync());
  return { inputs, outputs, count, gridShape: [n], grid };
}

function operatorCase<P>(model: () => OperatorModel<P>, train: OperatorSamples, batch: number): Variant[] {
  const m = model();
  const n = train.gridShape[0];
  const coords = gridCoords([n], train.grid, 'f32');
  const per = train.inputs.length / train.count;
  const rows = (v: Float64Array) => fx.tensor(Float32Array.from(v.subarray(0, batch * per)), [batch, n]);
  const mse = (p: fx.PyTree, a: fx.Tensor, y: fx.Tensor) => fx.mean(fx.square(fx.sub(m.apply(p as P, a, coords), y)));
  const test = { ...train, count: batch, inputs: train.inputs.subarray(0, batch * per), outputs: train.outputs.subarray(0, batch * per) };
  const trainer = (fusedOptimizer: boolean) =>
    new OperatorTrainer({ model: model(), train, test, batchSize: batch, loss: 'mse', weightDecay: 1e-4, fusedOptimizer });
  const [before, after] = [trainer(false), trainer(true)];
  return [
    ...handWritten(m.params as fx.PyTree, mse, [rows(train.inputs), rows(train.outputs)], () => new Adam({ lr: 1e-3, weightDecay: 1e-4 })),
    { name: 'trainer, host Adam (before)', step: () => before.trainStep() },
    { name: 'trainer, FusedAdam (after)', step: () => after.trainStep() },
  ];
}

function pinnCase(): Variant[] {
  const net = fx.nn.mlp({ layers: [2, 64, 64, 64, 1], seed: 0 });
  const xd = fx.random.uniform(1, [4096, 2]);
  const xb = fx.random.uniform(2, [256, 2]);
  const col = (i: number) => fx.mul(fx.sliceAxis(xd, 1, i, i + 1), Math.PI);
  const f = fx.mul(fx.mul(fx.sin(col(0)), fx.sin(col(1))), 2 * Math.PI ** 2);
  const loss = (p: fx.nn.MlpParams, d: fx.Tensor, b: fx.Tensor) =>
    fx.add(
      fx.mean(
        fx.square(
          fx.add(
            fx.laplacian((z) => net.apply(p, z), d),
            f,
          ),
        ),
      ),
      fx.mean(fx.square(net.apply(p, b))),
    );
  const trainer = (fusedOptimizer: boolean) =>
    new PinnTrainer(problems.poisson2dSine(), {
      net: { hidden: [64, 64, 64], activation: 'tanh' },
      points: { domain: 4096, boundary: 256 },
      seed: 0,
      optimizer: 'adam',
      fusedOptimizer,
    });
  const [before, after] = [trainer(false), trainer(true)];
  // the trainer compiles its own loss from the problem (not the hand-written one): its jitted loss+grad alone is the reference
  const inner = before as unknown as {
    totalFn(p: unknown, b: unknown, w: unknown): [[fx.Tensor, unknown], fx.PyTree];
    params: unknown;
    batchAt(step: number): unknown;
    weightTensors(): unknown;
  };
  const [p0, b0, w0] = [inner.params, inner.batchAt(0), inner.weightTensors()];
  const own: Variant = {
    name: "the trainer's jit loss+grad (reference)",
    step: () => {
      const [[l], g] = inner.totalFn(p0, b0, w0);
      l.item();
      fx.leaves(g).forEach((t) => t.dataSync());
    },
  };
  return [
    own,
    ...handWritten(net.params, loss, [xd, xb], () => new Adam({ lr: 1e-3 })).map((v) => ({
      ...v,
      name: v.name.replace('reference', 'hand-written'),
    })),
    { name: 'trainer, host Adam (before)', step: () => before.trainStep() },
    { name: 'trainer, FusedAdam (after)', step: () => after.trainStep() },
  ];
}

const cases: Case[] = [
  {
    key: 'fno256',
    problem: 'FNO-1D n=256, batch 20',
    blocks: quick ? 3 : 10,
    block: 1,
    variants: () => operatorCase(fnoStepModel, syntheticSamples(1000, 256, 1), 20),
  },
  {
    key: 'fno1024',
    problem: 'FNO-1D n=1024, batch 20',
    blocks: quick ? 1 : 3,
    block: 1,
    variants: () => operatorCase(fnoStepModel, syntheticSamples(200, 1024, 3), 20),
  },
  {
    key: 'deeponet',
    problem: 'DeepONet 100 sensors, width 40, batch 50',
    blocks: quick ? 3 : 8,
    block: 20,
    variants: () =>
      operatorCase(() => deeponet({ branch: [100, 40, 40], trunk: [1, 40, 40], seed: 0 }), syntheticSamples(1000, 100, 5), 50),
  },
  { key: 'pinn', problem: 'Poisson-2D PINN, 4096 + 256 points', blocks: quick ? 3 : 12, block: 1, variants: pinnCase },
].filter((c) => (only ? only.includes(c.key) : !(quick && c.key === 'fno1024')));

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const load0 = loadavg();
const table: string[][] = [];
for (const c of cases) {
  const variants = c.variants();
  variants.forEach((v) => v.step()); // compile
  const times = variants.map((): number[] => []);
  const cpu = variants.map((): number[] => []);
  // variants alternate block by block (a block: `block` consecutive steps, timed together) so that a burst of
  // load from other jobs lands on all of them alike
  for (let r = 0; r < ROUNDS * c.blocks; r++) {
    variants.forEach((v, i) => {
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      for (let k = 0; k < c.block; k++) v.step();
      const used = process.cpuUsage(c0);
      times[i].push((performance.now() - t0) / c.block);
      cpu[i].push((used.user + used.system) / 1e3 / c.block);
    });
  }
  const refMin = Math.min(...times[0]);
  variants.forEach((v, i) => {
    const [ms, min] = [median(times[i]), Math.min(...times[i])];
    // each block against the reference's block of the same cycle: load that drifts over seconds cancels out
    const paired = median(times[i].map((t, r) => t / times[0][r]));
    // CPU time of the process (both threads): other jobs on the machine inflate it far less than wall time
    const cpuMs = median(cpu[i]);
    table.push([
      c.problem,
      v.name,
      ms.toFixed(2),
      paired.toFixed(3),
      min.toFixed(2),
      (min / refMin).toFixed(3),
      cpuMs.toFixed(2),
      (cpuMs / median(cpu[0])).toFixed(3),
    ]);
  });
}
const load = `load average ${load0.map((l) => l.toFixed(2)).join(' ')} -> ${loadavg()
  .map((l) => l.toFixed(2))
  .join(' ')}`;
const md = mdTable(
  ['problem', 'step', 'median ms', 'ratio (median of pairs)', 'best ms', 'ratio of bests', 'median CPU ms', 'CPU ratio'],
  table,
);
const note = `The PINN's reference is the trainer's own compiled loss+grad (the problem compiler's graph); the hand-written
Poisson loss beside it is a different graph.`;
console.log(md);
console.log(`${ROUNDS} rounds of alternating blocks; ${load} (2 shared cores)`);
if (process.argv.includes(WRITE_FLAG)) {
  const file = fileURLToPath(new URL('./results-trainer-overhead.md', import.meta.url));
  const text = `# Trainer overhead over a hand-written jitted step

\`npx tsx bench/trainerOverhead.ts --write\` (${new Date().toISOString().slice(0, 10)}, wasm backend, f32). Median wall time of
one training step (and the best), the variants alternating block by block over ${ROUNDS} rounds. Ratios against a hand-written
\`jit(valueAndGrad)\` of the same loss that reads its gradient out and applies no update: the median over cycles of each
block's time over the reference's block in the same cycle, the ratio of the best blocks, and the ratio of median CPU
time (user + system of the process, both its threads), which the machine's other jobs disturb least. ${load} on 2 shared cores.

${md}

${note}
`;
  writeFileSync(file, text);
  console.log(`wrote ${file}`);
}
