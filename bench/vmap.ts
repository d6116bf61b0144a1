// vmap and checkpoint: (1) per-example gradients of a 2-64-64-1 tanh MLP's squared error over 256
// examples, jit(vmap(grad)) against the same gradients written by hand as batched tensor code (the
// ceiling: what a user would write without vmap) and against a loop of jit(grad) per example (what vmap
// replaces). (2) The working memory (compiled arena) of the gradient of a T-step rollout with and without
// checkpointed segments. Run: npx tsx bench/vmap.ts [--write]
import * as fx from '../index.js';
import { findBackend } from '../core/backend/index.js';
import { best } from './timing.js';
import { writeResults } from './results.js';
import { configLabel, fastest, torchMissing, tryTorchConfigs } from './torchConfigs.js';

const B = 256;
const [D, H] = [2, 64];
const params = [
  fx.mul(fx.random.normal(1, [D, H]), 0.7),
  fx.zeros([H]),
  fx.mul(fx.random.normal(2, [H, H]), 0.2),
  fx.zeros([H]),
  fx.mul(fx.random.normal(3, [H, 1]), 0.2),
];
const xs = fx.random.uniform(4, [B, D]);
const ys = fx.random.uniform(5, [B]);

/** One example's loss: x [D], y [] -> (net(x) - y)^2. */
const loss = (x: fx.Tensor, y: fx.Tensor, w1: fx.Tensor, b1: fx.Tensor, w2: fx.Tensor, b2: fx.Tensor, w3: fx.Tensor) => {
  const h1 = fx.tanh(fx.add(fx.matmul(fx.reshape(x, [1, D]), w1), b1));
  const h2 = fx.tanh(fx.add(fx.matmul(h1, w2), b2));
  return fx.square(fx.sub(fx.reshape(fx.matmul(h2, w3), []), y));
};
const argnums = [2, 3, 4, 5, 6];
const perExample = fx.jit(fx.vmap(fx.grad(loss, argnums), [0, 0, null, null, null, null, null]));

/** The same per-example gradients by hand: backpropagation written on the batch, outer products per row. */
const byHand = fx.jit((x: fx.Tensor, y: fx.Tensor, w1: fx.Tensor, b1: fx.Tensor, w2: fx.Tensor, b2: fx.Tensor, w3: fx.Tensor) => {
  const h1 = fx.tanh(fx.add(fx.matmul(x, w1), b1)); // [B,H]
  const h2 = fx.tanh(fx.add(fx.matmul(h1, w2), b2));
  const r = fx.mul(fx.sub(fx.reshape(fx.matmul(h2, w3), [B]), y), 2); // dloss/dout [B]
  const d3 = fx.reshape(r, [B, 1]);
  const g3 = fx.mul(fx.reshape(h2, [B, H, 1]), fx.reshape(d3, [B, 1, 1]));
  const d2 = fx.mul(fx.matmul(d3, w3, { transB: true }), fx.sub(1, fx.square(h2))); // [B,H]
  const g2 = fx.mul(fx.reshape(h1, [B, H, 1]), fx.reshape(d2, [B, 1, H]));
  const d1 = fx.mul(fx.matmul(d2, w2, { transB: true }), fx.sub(1, fx.square(h1)));
  const g1 = fx.mul(fx.reshape(x, [B, D, 1]), fx.reshape(d1, [B, 1, H]));
  return [g1, d1, g2, d2, g3];
});
const single = fx.jit(fx.grad(loss, argnums));
const rows = Array.from({ length: B }, (_, b) => [
  fx.reshape(fx.sliceAxis(xs, 0, b, b + 1), [D]),
  fx.reshape(fx.sliceAxis(ys, 0, b, b + 1), []),
]);
const loop = () => rows.map(([x, y]) => single(x, y, ...(params as [fx.Tensor, fx.Tensor, fx.Tensor, fx.Tensor, fx.Tensor])));

// the two must agree before their times mean anything
const a = perExample(xs, ys, ...(params as [fx.Tensor, fx.Tensor, fx.Tensor, fx.Tensor, fx.Tensor])) as fx.Tensor[];
const h = byHand(xs, ys, ...(params as [fx.Tensor, fx.Tensor, fx.Tensor, fx.Tensor, fx.Tensor])) as fx.Tensor[];
let maxDiff = 0;
a.forEach((t, i) => {
  const p = t.dataSync();
  const q = h[i].dataSync();
  for (let k = 0; k < p.length; k++) maxDiff = Math.max(maxDiff, Math.abs(p[k] - q[k]));
});
if (maxDiff > 1e-4) throw new Error(`vmap and hand-batched per-example gradients differ by ${maxDiff}`);

const reps = process.argv.includes('--quick') ? 9 : 31;
const p5 = params as [fx.Tensor, fx.Tensor, fx.Tensor, fx.Tensor, fx.Tensor];
const minMs = (n: number, f: () => void) => 1e3 * best(n, f, true); // the least disturbed run: the machine is shared
const vmapMs = minMs(reps, () => perExample(xs, ys, ...p5));
const handMs = minMs(reps, () => byHand(xs, ys, ...p5));
const loopMs = minMs(Math.max(3, reps / 4), loop);

// the PyTorch peer (torch.func / functorch vmap of grad), in every CPU configuration its guides recommend
const torchNote = torchMissing();
const torchRuns = torchNote
  ? []
  : [...tryTorchConfigs(new URL('./baselines/per_example_grad.py', import.meta.url).pathname, [String(reps)]).values()];
const torchBest = fastest(torchRuns);

// (2) rollout memory: s <- tanh(s W), T steps, gradient wrt W and s0; checkpointed in segments of sqrt(T)
const rollout = (T: number, seg: number, remat: boolean) => {
  const segment = (s: fx.Tensor, w: fx.Tensor) => {
    let y = s;
    for (let k = 0; k < seg; k++) y = fx.tanh(fx.matmul(y, w));
    return y;
  };
  const run = remat ? fx.checkpoint(segment) : segment;
  return (w: fx.Tensor, s0: fx.Tensor) => {
    let s = s0;
    for (let k = 0; k < T / seg; k++) s = run(s, w);
    return fx.sum(fx.square(s));
  };
};
const wasm = findBackend('wasm');
const arenaMiB = (f: (w: fx.Tensor, s: fx.Tensor) => fx.Tensor) => {
  const aval = { shape: [64, 64], dtype: 'f32' as const };
  return (wasm?.compile?.(fx.makeGraph((w, s) => fx.leaves(fx.grad(f, [0, 1])(w, s)), [aval, aval])).arenaBytes ?? Number.NaN) / 2 ** 20;
};
const memory = [16, 64, 256].map((T) => {
  const seg = Math.round(Math.sqrt(T));
  return { T, segment: seg, keptMiB: arenaMiB(rollout(T, seg, false)), checkpointedMiB: arenaMiB(rollout(T, seg, true)) };
});

console.log(`per-example gradients, ${B} examples, ${D}-${H}-${H}-1 tanh MLP, f32, wasm backend (minimum of ${reps} runs, each side)`);
console.log('| version | ms | ratio to hand-batched |\n|---|---|---|');
for (const [name, ms] of [
  ['jit(vmap(grad))', vmapMs],
  ['hand-batched (jit)', handMs],
  [`loop of ${B} jit(grad) calls`, loopMs],
  ...(torchBest?.ms ? [[`PyTorch vmap(grad) (${configLabel(torchBest.config)}, ${torchBest.note})`, torchBest.ms] as const] : []),
] as const) {
  console.log(`| ${name} | ${ms.toFixed(2)} | ${(ms / handMs).toFixed(2)} |`);
}
if (torchNote) console.log(`PyTorch: ${torchNote}`);
for (const r of torchRuns) console.log(`  PyTorch ${r.label}: ${r.ms === null ? r.note : `${r.ms.toFixed(2)} ms`}`);
console.log('\nrollout s <- tanh(s W), s and W 64x64 f32, grad wrt (W, s0): compiled working memory');
console.log('| T | segment | all steps kept (MiB) | checkpointed segments (MiB) |\n|---|---|---|---|');
for (const m of memory) console.log(`| ${m.T} | ${m.segment} | ${m.keptMiB.toFixed(2)} | ${m.checkpointedMiB.toFixed(2)} |`);
writeResults('vmap', {
  date: new Date().toISOString(),
  examples: B,
  vmapMs,
  handMs,
  loopMs,
  ratio: vmapMs / handMs,
  maxDiff,
  torch: torchRuns,
  torchBestMs: torchBest?.ms ?? null,
  memory,
});
