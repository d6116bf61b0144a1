// Core benchmarks: the compiled PINN training step against PyTorch run side by side, and the
// throughput of a fused tanh-jet loop (eager js / compiled with JS loops / compiled with wasm SIMD loops).
// Run: npx tsx bench/core.ts [--quick] [--write] (--write updates bench/results-core.json)
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import * as fx from '../index.js';
import { Executable } from '../core/compile/executable.js';
import { wasmKernels } from '../core/backend/wasm.js';
import { medianMs } from './timing.js';
import { poissonStepProblem } from './stepProbe.js';
import { writeResults } from './results.js';
import { tfjsLabel, tryTfjsConfigs, type TfjsResult } from './tfjsConfigs.js';
import { configLabel, fastest, torchConfigs, torchMissing, tryTorchConfigs, type TorchResult } from './torchConfigs.js';

const quick = process.argv.includes('--quick');
const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

/**
 * The PINN step: 2D Poisson, exact Laplacian, Adam inside the compiled step (fx.optim.FusedAdam, as the trainers run
 * it); 4096 points and a 2-64-64-64-1 tanh MLP unless given.
 */
function pinnStep(points?: number, layers?: readonly number[]): () => number {
  const { net, loss } = poissonStepProblem(points, layers);
  const lossAndGrad = (p: fx.nn.MlpParams): [[fx.Tensor, fx.Tensor], fx.nn.MlpParams] => {
    const [value, grads] = fx.valueAndGrad(loss)(p) as [fx.Tensor, fx.nn.MlpParams];
    return [[value, value], grads];
  };
  const adam = new fx.optim.FusedAdam(lossAndGrad, net.params, { lr: 1e-3 });
  return () => adam.update()[0].item();
}

function tanhJet(n: number): Record<string, number> {
  const x = fx.random.normal(1, [n, 64]);
  const v = fx.random.normal(2, [n, 64]);
  const f = (z: fx.Tensor, w: fx.Tensor) => {
    const [, [y1, y2]] = fx.jet(fx.tanh, z, [w, null]);
    return fx.add(y1, y2);
  };
  const g = fx.makeGraph(
    f,
    [x, v].map((t) => ({ shape: t.shape, dtype: t.dtype })),
  );
  const kernels = wasmKernels();
  const rows: Record<string, number> = {};
  fx.setBackend('js');
  rows['eager js'] = medianMs(5, () => f(x, v));
  fx.setBackend('wasm');
  if (kernels) {
    for (const fusion of ['js', 'wasm'] as const) {
      const exe = new Executable(g, kernels, { fusion });
      rows[`compiled, ${fusion} loops`] = medianMs(15, () => exe.run([x, v]));
      exe.dispose();
    }
  }
  return Object.fromEntries(Object.entries(rows).map(([k, ms]) => [k, (n * 64) / (ms / 1e3)]));
}

/** Issue 24's two PINN steps: the reference one and the wider one (2-128x4-1 on 8192 points). */
const CASES = [
  { key: 'pinnStep', points: 4096, layers: [2, 64, 64, 64, 1] },
  { key: 'pinnStepWide', points: 8192, layers: [2, 128, 128, 128, 128, 1] },
] as const;

/** Ours, PyTorch in every configuration of bench/torchConfigs.ts (BLAS, malloc, threads) and TF.js (its backends),
 * interleaved round by round so all see the same machine load; each keeps its best round. */
function compare(points: number, layers: readonly number[]) {
  const step = pinnStep(points, layers);
  const reps = quick ? 5 : 15;
  const missing = torchMissing();
  const ours: number[] = [];
  const torchRuns = new Map<string, TorchResult>();
  const tfjsRuns = new Map<string, TfjsResult>();
  const shape = [String(points), layers.join(',')];
  for (let round = 0; round < (quick ? 1 : 3); round++) {
    ours.push(medianMs(reps, step));
    // later rounds repeat only the configurations within 2x of the fastest (the reference BLAS takes ~1 s a step)
    const lead = fastest(torchRuns.values());
    const configs =
      round === 0 || !lead
        ? torchConfigs()
        : [...torchRuns.values()].filter((r) => r.ms !== null && r.ms <= 2 * (lead.ms as number)).map((r) => r.config);
    if (!missing) tryTorchConfigs(here('./baselines/pinn_step.py'), [String(reps), ...shape], torchRuns, configs);
    // TF.js takes ~1 s a step: 5 steps a round, two rounds
    if (round < 2) tryTfjsConfigs(here('./baselines/tfjs_pinn_step.ts'), ['5', ...shape], tfjsRuns);
  }
  const oursMs = Math.min(...ours);
  const best = fastest(torchRuns.values());
  const torchMs = best?.ms ?? null;
  const bestTfjs = fastest(tfjsRuns.values());
  const label = `${points} points, ${layers.join('-')} tanh`;
  for (const r of torchRuns.values()) console.log(`${label}: PyTorch, ${r.label}: ${r.ms === null ? r.note : `${r.ms.toFixed(1)} ms`}`);
  for (const r of tfjsRuns.values()) console.log(`${label}: ${r.label}: ${r.ms === null ? r.note : `${r.ms.toFixed(1)} ms (${r.note})`}`);
  console.log(
    `PINN step, ${label}: fluxion ${oursMs.toFixed(1)} ms` +
      (best && torchMs ? `, PyTorch ${torchMs.toFixed(1)} ms (${configLabel(best.config)}), ratio ${(oursMs / torchMs).toFixed(2)}` : '') +
      (bestTfjs?.ms ? `; ${bestTfjs.label} ${bestTfjs.ms.toFixed(1)} ms, ratio ${(oursMs / bestTfjs.ms).toFixed(3)}` : ''),
  );
  return {
    problem: `2D Poisson, ${label}, exact Laplacian (jets), Adam; f32`,
    fluxionMs: oursMs,
    pytorchMs: torchMs,
    pytorchNote: best
      ? `Debian python3-torch (${best.note}), median step, Laplacian by double backward; fastest configuration: ${configLabel(best.config)}`
      : (missing ?? [...torchRuns.values()].map((r) => `${r.label}: ${r.note}`).join('; ')),
    pytorchConfig: best?.config ?? null,
    pytorchConfigsMs: Object.fromEntries([...torchRuns.values()].map((r) => [r.label, r.ms])),
    ratio: torchMs ? oursMs / torchMs : null,
    tfjsMs: bestTfjs?.ms ?? null,
    tfjsConfig: bestTfjs ? tfjsLabel(bestTfjs.config) : null,
    tfjsNote: 'forward-propagated Laplacian jets + tf.variableGrads (TF.js cannot take gradients of its gradients through matMul)',
    tfjsConfigsMs: Object.fromEntries([...tfjsRuns.values()].map((r) => [r.label, r.ms])),
    ratioTfjs: bestTfjs?.ms ? oursMs / bestTfjs.ms : null,
  };
}

const load0 = loadavg();
const steps = Object.fromEntries(CASES.map((c) => [c.key, compare(c.points, c.layers)]));
const jet = tanhJet(quick ? 8192 : 32768);
const results = {
  date: new Date().toISOString(),
  loadavgBefore: load0,
  loadavgAfter: loadavg(),
  ...steps,
  tanhJetElementsPerSecond: jet,
};
writeResults('core', results);
for (const [k, eps] of Object.entries(jet)) console.log(`tanh jet (order 2), ${k}: ${(eps / 1e6).toFixed(1)} M elements/s`);
console.log(
  `load average ${load0.map((l) => l.toFixed(1)).join(' ')} -> ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);
