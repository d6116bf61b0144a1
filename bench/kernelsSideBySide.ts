// Before/after of the wasm kernels inside one process: the PINN step of bench/stepProbe.ts is traced and
// compiled once per kernel set, on this checkout's kernels and on another checkout's (its core/wasm/kernels.ts
// and its build), and the two are run alternately, so both see the same machine load. On a shared machine
// this says more than two processes timed one after the other (bench/sideBySide.ts).
// Run: npx tsx bench/kernelsSideBySide.ts --base ../other-checkout [--rounds 15] [--reps 5] [--threads 1|2]
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as fx from '../index.js';
import { Executable } from '../core/compile/executable.js';
import { inlineCustom } from '../core/compile/inline.js';
import { pruneDead } from '../core/compile/prune.js';
import { leaves, unflatten, type PyTree } from '../core/pytree.js';
import { loadKernels, type WasmKernels } from '../core/wasm/kernels.js';
import { poissonStepProblem } from './stepProbe.js';

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
  const ms: Record<'base' | 'this', number[]> = { base: [], this: [] };
  const load0 = loadavg();
  for (let r = 0; r < rounds; r++) {
    for (const name of r % 2 ? (['this', 'base'] as const) : (['base', 'this'] as const)) {
      for (let i = 0; i < reps; i++) {
        const t0 = performance.now();
        exes[name].run(params, { reuseOutputs: true });
        ms[name].push(performance.now() - t0);
      }
    }
  }
  const row = (name: 'base' | 'this'): string => `| ${name} | ${median(ms[name]).toFixed(2)} | ${Math.min(...ms[name]).toFixed(2)} |`;
  console.log(`base: ${resolve(base as string)}; ${threads} thread(s); ${rounds} rounds x ${reps} steps each, alternating`);
  console.log(
    `load average ${load0.map((v) => v.toFixed(2)).join(' ')} -> ${loadavg()
      .map((v) => v.toFixed(2))
      .join(' ')}`,
  );
  console.log(`largest relative difference of the outputs (loss, gradients): ${worst.toExponential(2)}`);
  console.log('| kernels | median step ms | min step ms |\n|---|---|---|');
  console.log(row('base'));
  console.log(row('this'));
  console.log(
    `median ratio base/this: ${(median(ms.base) / median(ms.this)).toFixed(3)}; min ratio: ${(Math.min(...ms.base) / Math.min(...ms.this)).toFixed(3)}`,
  );
  for (const k of Object.values(kernels)) k.setThreads(1);
}

void main();
