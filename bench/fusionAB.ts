// A/B of the wasm executable's fusion options (core/compile/fusion.ts, WASM_FUSION: loops through reshapes, sums
// over a few leading blocks in place, uniform literals as constants, cheap values recomputed instead of stored)
// against the plain plan, on the compiled value-and-grad graphs of issue 24's PINN steps (bench/stepProbe.ts's
// Poisson problem, exact Laplacian by the collapsed Taylor jet) and FNO-1D step (n=256 and n=1024). Both executables are built from the same graph in
// one process and timed in alternating blocks, so both see the same machine load; wall and process CPU time
// (user + system, both threads) per step, fused loops and bytes their loops move per step, and whether every
// output is bitwise equal.
// Run: npx tsx bench/fusionAB.ts [--quick] [--case fnoStep1024] [--profile] [--without simdInLoops] [--write] (--without
// OPTION: the baseline is WASM_FUSION with that one option off instead of the plain plan; --write updates
// bench/results-fusionAB.json; --case runs one case; --profile also prints each plan's time per step kind and
// its largest steps, from executables built under core/compile/profile.ts's timer, interleaved the same way)
import { loadavg } from 'node:os';
import * as fx from '../index.js';
import { Executable } from '../core/compile/executable.js';
import { planFusion, WASM_FUSION, type FusionOptions } from '../core/compile/fusion.js';
import { describeStep, setStepProfiler, type StepInfo, type StepProfiler } from '../core/compile/profile.js';
import { ensureThreads, wasmKernels } from '../core/backend/wasm.js';
import type { Graph } from '../core/ir.js';
import { fnoGraph, pinnGraph } from './stepGraphs.js';
import { wallAndCpu } from './timing.js';
import { writeResults } from './results.js';

const quick = process.argv.includes('--quick');
const CASES = [
  { key: 'pinnStep', label: '4096 points, 2-64-64-64-1 tanh', graph: () => pinnGraph(4096, [2, 64, 64, 64, 1]) },
  { key: 'pinnStepWide', label: '8192 points, 2-128x4-1 tanh', graph: () => pinnGraph(8192, [2, 128, 128, 128, 128, 1]) },
  { key: 'fnoStep256', label: 'FNO-1D n=256 (bench/fno.ts)', graph: () => fnoGraph(256) },
  { key: 'fnoStep1024', label: 'FNO-1D n=1024 (bench/fno.ts)', graph: () => fnoGraph(1024) },
] as const;
const only = process.argv.includes('--case') ? process.argv[process.argv.indexOf('--case') + 1] : undefined;
if (only && !CASES.some((c) => c.key === only))
  throw new Error(`bench/fusionAB.ts: unknown --case ${only} (one of ${CASES.map((c) => c.key).join(', ')})`);
const profile = process.argv.includes('--profile');
const without = process.argv.includes('--without') ? process.argv[process.argv.indexOf('--without') + 1] : undefined;
if (without && !(without in WASM_FUSION)) throw new Error(`bench/fusionAB.ts: --without ${without}: not an option of WASM_FUSION`);
const PLANS: Record<'plain' | 'fused', FusionOptions> = { plain: without ? { ...WASM_FUSION, [without]: false } : {}, fused: WASM_FUSION };

const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Milliseconds per run by step label (summed over a run's steps of that label), one entry per run. */
class PerLabel implements StepProfiler {
  readonly ms = new Map<string, { info: StepInfo; runs: number[] }>();
  run = -1;
  record(info: StepInfo, ms: number): void {
    if (this.run < 0) return;
    let r = this.ms.get(info.label);
    if (!r) this.ms.set(info.label, (r = { info, runs: [] }));
    r.runs[this.run] = (r.runs[this.run] ?? 0) + ms;
  }
}

/** Each plan's median time per step kind and its largest step labels (interleaved runs under the step timer). */
function profilePlans(graph: Graph, args: fx.Tensor[], kernels: NonNullable<ReturnType<typeof wasmKernels>>): void {
  const recs = { plain: new PerLabel(), fused: new PerLabel() };
  const exes = {} as Record<keyof typeof recs, Executable>;
  for (const k of ['plain', 'fused'] as const) {
    setStepProfiler(recs[k]);
    try {
      exes[k] = new Executable(graph, kernels, { fusionOptions: PLANS[k] });
    } finally {
      setStepProfiler(null);
    }
  }
  const runs = quick ? 6 : 20;
  for (let r = 0; r < runs; r++) {
    for (const k of r % 2 ? (['fused', 'plain'] as const) : (['plain', 'fused'] as const)) {
      exes[k].run(args);
      recs[k].run = r;
      exes[k].run(args);
      recs[k].run = -1;
    }
  }
  for (const e of Object.values(exes)) e.dispose();
  const rows = (k: keyof typeof recs) =>
    [...recs[k].ms.values()].map((r) => ({ kind: r.info.kind, label: r.info.label, ms: median(r.runs.map((x) => x ?? 0)) }));
  const labels = new Set<string>();
  const byPlan = { plain: rows('plain'), fused: rows('fused') };
  for (const k of ['plain', 'fused'] as const) {
    const kinds = new Map<string, number>();
    for (const r of byPlan[k]) kinds.set(r.kind, (kinds.get(r.kind) ?? 0) + r.ms);
    const total = [...kinds.values()].reduce((a, b) => a + b, 0);
    console.log(
      `  ${k}: steps ${total.toFixed(2)} ms; ${[...kinds]
        .sort((a, b) => b[1] - a[1])
        .map(([kind, ms]) => `${kind} ${ms.toFixed(2)}`)
        .join(', ')}`,
    );
    for (const r of [...byPlan[k]].sort((a, b) => b.ms - a.ms).slice(0, 12)) labels.add(r.label);
  }
  const of = (k: keyof typeof byPlan, l: string): string => byPlan[k].find((r) => r.label === l)?.ms.toFixed(3) ?? '-';
  for (const l of labels) console.log(`    ${l}: plain ${of('plain', l)} ms, fused ${of('fused', l)} ms`);
}

function compare(label: string, { graph, args }: { graph: Graph; args: fx.Tensor[] }) {
  const kernels = wasmKernels();
  if (!kernels) throw new Error('bench/fusionAB.ts: the wasm kernels are not built (npm run build:wasm)');
  const exes = {
    plain: new Executable(graph, kernels, { fusionOptions: PLANS.plain }),
    fused: new Executable(graph, kernels, { fusionOptions: PLANS.fused }),
  };
  const outs = { plain: exes.plain.run(args).map((t) => t.dataSync()), fused: exes.fused.run(args).map((t) => t.dataSync()) };
  const bitwise = outs.plain.every((o, i) => o.every((v, j) => Object.is(v, outs.fused[i][j])));
  // largest difference of an output relative to that output's largest entry (f32 rounding where sums of more
  // than two blocks add in f32 instead of the reduction kernel's f64)
  const maxRelDiff = Math.max(
    ...outs.plain.map((o, i) => {
      let d = 0;
      let m = 0;
      o.forEach((v, j) => {
        d = Math.max(d, Math.abs(v - outs.fused[i][j]));
        m = Math.max(m, Math.abs(v));
      });
      return m ? d / m : d;
    }),
  );
  const plans = Object.fromEntries(
    (Object.keys(PLANS) as Array<keyof typeof PLANS>).map((k) => {
      const loops = planFusion(graph, true, PLANS[k]).steps.filter((s) => s.kernel);
      const mb = loops.reduce((s, l) => s + describeStep(l.eqn, l.kernel, true).bytes, 0) / 1e6;
      return [k, { fusedLoops: loops.length, loopMBPerStep: Math.round(mb * 10) / 10 }];
    }),
  );
  const reps = quick ? 5 : 15;
  const rounds = quick ? 2 : 6;
  const times = { plain: { wall: [] as number[], cpu: [] as number[] }, fused: { wall: [] as number[], cpu: [] as number[] } };
  for (let r = 0; r < rounds; r++) {
    for (const k of r % 2 ? (['fused', 'plain'] as const) : (['plain', 'fused'] as const)) {
      exes[k].run(args); // warm: the other plan's arena was in the caches
      for (let i = 0; i < reps; i++) {
        const t = wallAndCpu(() => exes[k].run(args));
        times[k].wall.push(t.wall * 1e3);
        times[k].cpu.push(t.cpu * 1e3);
      }
    }
  }
  const arena = { plain: exes.plain.arenaBytes, fused: exes.fused.arenaBytes };
  for (const e of Object.values(exes)) e.dispose();
  if (profile) profilePlans(graph, args, kernels);
  const summary = (k: keyof typeof times) => ({
    ...plans[k],
    arenaMB: Math.round(arena[k] / 1e5) / 10,
    wallMs: median(times[k].wall),
    wallMsMin: Math.min(...times[k].wall),
    cpuMs: median(times[k].cpu),
  });
  const plain = summary('plain');
  const fused = summary('fused');
  console.log(
    `${label}: plain ${plain.fusedLoops} loops ${plain.loopMBPerStep} MB (arena ${plain.arenaMB} MB), wall ${plain.wallMs.toFixed(2)} ms (min ${plain.wallMsMin.toFixed(2)}), cpu ${plain.cpuMs.toFixed(2)} ms; ` +
      `fused ${fused.fusedLoops} loops ${fused.loopMBPerStep} MB (arena ${fused.arenaMB} MB), wall ${fused.wallMs.toFixed(2)} ms (min ${fused.wallMsMin.toFixed(2)}), cpu ${fused.cpuMs.toFixed(2)} ms; ` +
      `ratio wall ${(fused.wallMs / plain.wallMs).toFixed(3)}, cpu ${(fused.cpuMs / plain.cpuMs).toFixed(3)}; outputs bitwise equal: ${bitwise} (max rel. diff ${maxRelDiff.toExponential(1)})`,
  );
  return {
    problem: `value and gradient, ${label}; f32, compiled wasm graph`,
    plain,
    fused,
    ratioWall: fused.wallMs / plain.wallMs,
    ratioCpu: fused.cpuMs / plain.cpuMs,
    bitwiseEqual: bitwise,
    maxRelDiff,
  };
}

fx.setBackend('wasm');
{
  // the second thread as jit gives it (FLUXION_THREADS=1 keeps one), so both plans split their large loops and GEMMs
  const k = wasmKernels();
  if (k) ensureThreads(k);
}
const load0 = loadavg();
const steps = Object.fromEntries(CASES.filter((c) => !only || c.key === only).map((c) => [c.key, compare(c.label, c.graph())]));
const load1 = loadavg();
console.log(`load average ${load0.map((l) => l.toFixed(2)).join(' ')} -> ${load1.map((l) => l.toFixed(2)).join(' ')}`);
writeResults('fusionAB', {
  date: new Date().toISOString(),
  node: process.version,
  threads: wasmKernels()?.threads ?? null,
  loadavgBefore: load0,
  loadavgAfter: load1,
  note: 'medians over interleaved blocks; cpuMs is process user+system time per step (both threads)',
  ...steps,
});
