// Before/after of the wasm kernels inside one process: the PINN step of bench/stepProbe.ts is traced and
// compiled once per kernel set, on this checkout's kernels and on another checkout's (its core/wasm/kernels.ts
// and its build), and the two are run alternately, so both see the same machine load. On a shared machine
// this says more than two processes timed one after the other (bench/sideBySide.ts). A step is the compiled
// value-and-grad plus a host Adam update of the flat gradients. With --torch, each round also runs PyTorch's
// PINN step (bench/baselines/pinn_step.py) in every configuration of bench/torchConfigs.ts (later rounds: those
// within 2x of the fastest), so the peer shares the same load.
// Run: npx tsx bench/kernelsSideBySide.ts --base ../other-checkout [--rounds 15] [--reps 5] [--threads 1|2] [--torch] [--rounds-detail]
// [--out FILE] (appends what it prints to FILE)
import { appendFileSync, existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as fx from '../index.js';
import { Executable } from '../core/compile/executable.js';
import { inlineCustom } from '../core/compile/inline.js';
import { pruneDead } from '../core/compile/prune.js';
import { leaves, unflatten, type PyTree } from '../core/pytree.js';
import { loadKernels, type WasmKernels } from '../core/wasm/kernels.js';
import { mdTable } from './markdown.js';
import { poissonStepProblem } from './stepProbe.js';
import { configLabel, fastest, torchConfigs, torchMissing, tryTorchConfigs, type TorchResult } from './torchConfigs.js';

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const base = arg('--base');
if (!base) {
  console.error('usage: npx tsx bench/kernelsSideBySide.ts --base <other checkout> [--rounds N] [--reps N] [--threads 1|2]');
  process.exit(2);
}
const rounds = Number(arg('--rounds') ?? 15);
const reps = Number(arg('--reps') ?? 5);
const threads = Number(arg('--threads') ?? 2) as 1 | 2;
const withTorch = process.argv.includes('--torch');

const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const other = (await import(pathToFileURL(resolve(base as string, 'core/wasm/kernels.ts')).href)) as { loadKernels: typeof loadKernels };
  const kernels: Record<'base' | 'this', WasmKernels> = {
    base: other.loadKernels({ relaxed: true, enableRelaxedFlag: true }),
    this: loadKernels({ relaxed: true, enableRelaxedFlag: true }),
  };
  const { net, loss } = poissonStepProblem();
  const like = net.params as PyTree;
  const params = leaves(like);
  const step = (...ws: fx.Tensor[]): fx.Tensor[] => {
    const [value, grads] = fx.valueAndGrad(loss)(unflatten(like, ws) as typeof net.params) as [fx.Tensor, PyTree];
    return [value, ...leaves(grads)];
  };
  const graph = pruneDead(inlineCustom(fx.makeGraph(step, params)));
  const exes = Object.fromEntries(
    Object.entries(kernels).map(([name, k]) => {
      k.setThreads(threads);
      return [name, new Executable(graph, k)];
    }),
  ) as Record<'base' | 'this', Executable>;
  const ref = exes.base.run(params).map((t) => t.dataSync());
  const got = exes.this.run(params).map((t) => t.dataSync());
  let worst = 0;
  ref.forEach((r, i) => r.forEach((v, j) => (worst = Math.max(worst, Math.abs(v - got[i][j]) / (Math.abs(v) + 1e-3)))));
  const flat = fx.nn.flattenTree(params, 'f32');
  const adam = fx.optim.adam({ lr: 1e-3 });
  const ms: Record<'base' | 'this', number[]> = { base: [], this: [] };
  const torchRuns = new Map<string, TorchResult>();
  const missing = withTorch ? torchMissing() : 'not asked for (--torch)';
  const script = fileURLToPath(new URL('./baselines/pinn_step.py', import.meta.url));
  const load0 = loadavg();
  for (let r = 0; r < rounds; r++) {
    for (const name of r % 2 ? (['this', 'base'] as const) : (['base', 'this'] as const)) {
      for (let i = 0; i < reps; i++) {
        const t0 = performance.now();
        const [, ...grads] = exes[name].run(params, { reuseOutputs: true });
        adam.step(flat, fx.nn.flattenTree(grads, 'f32')); // the parameters stay put: every step does the same work
        ms[name].push(performance.now() - t0);
      }
    }
    if (!missing) {
      const lead = fastest(torchRuns.values());
      const configs = lead
        ? [...torchRuns.values()].filter((t) => t.ms !== null && t.ms <= 2 * (lead.ms as number)).map((t) => t.config)
        : torchConfigs();
      tryTorchConfigs(script, [String(Math.max(15, reps))], torchRuns, configs);
    }
  }
  // per round the median of its steps; the best round is the least disturbed (PyTorch's figure is the same)
  const bestRound = (name: 'base' | 'this'): number =>
    Math.min(...Array.from({ length: rounds }, (_, r) => median(ms[name].slice(r * reps, (r + 1) * reps))));
  const row = (name: 'base' | 'this'): string[] => [
    name,
    median(ms[name]).toFixed(2),
    bestRound(name).toFixed(2),
    Math.min(...ms[name]).toFixed(2),
  ];
  const lines: string[] = [];
  const say = (line: string): void => {
    console.log(line);
    lines.push(line);
  };
  say(`base: ${resolve(base as string)}; ${threads} thread(s); ${rounds} rounds x ${reps} steps each, alternating`);
  say(
    `load average ${load0.map((v) => v.toFixed(2)).join(' ')} -> ${loadavg()
      .map((v) => v.toFixed(2))
      .join(' ')}`,
  );
  if (process.argv.includes('--rounds-detail'))
    for (const name of ['base', 'this'] as const)
      say(`${name}: ` + Array.from({ length: rounds }, (_, r) => median(ms[name].slice(r * reps, (r + 1) * reps)).toFixed(1)).join(' '));
  say(`largest relative difference of the outputs (loss, gradients): ${worst.toExponential(2)}`);
  // blank lines around the table: Markdown would read the lines next to it as more rows
  say(`\n${mdTable(['kernels', 'median step ms', 'best round (median) ms', 'min step ms'], [row('base'), row('this')])}\n`);
  say(
    `ratio base/this: median ${(median(ms.base) / median(ms.this)).toFixed(3)}, best round ${(bestRound('base') / bestRound('this')).toFixed(3)}, min ${(Math.min(...ms.base) / Math.min(...ms.this)).toFixed(3)}`,
  );
  const best = fastest(torchRuns.values());
  if (best?.ms) {
    say(
      `PyTorch, best configuration (${configLabel(best.config)}, ${best.note}): ${best.ms.toFixed(2)} ms (min over rounds of its median)`,
    );
    say(
      `ratio best round this/PyTorch: ${(bestRound('this') / best.ms).toFixed(3)}; base/PyTorch: ${(bestRound('base') / best.ms).toFixed(3)}`,
    );
  } else say(`PyTorch: ${missing ?? [...torchRuns.values()].map((t) => `${t.label}: ${t.note}`).join('; ')}`);
  const out = arg('--out');
  if (out) {
    const head = existsSync(out)
      ? ''
      : '## PINN step on two kernel sets, alternating in one process\n\nWritten by `npx tsx bench/kernelsSideBySide.ts --base <checkout> --out <file>` (one block per run).\n\n';
    appendFileSync(out, `${head}${new Date().toISOString()}, ${process.version}\n${lines.join('\n')}\n\n`);
  }
  for (const k of Object.values(kernels)) k.setThreads(1);
}

void main();
