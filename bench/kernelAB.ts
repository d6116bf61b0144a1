// A/B of two builds of the wasm kernels on issue 24's compiled PINN steps: the value-and-gradient graph of
// bench/core.ts's step is compiled once per build (the baseline build's .wasm files from --base, the current
// core/wasm/build), and the two executables run alternately, one step each, in one process, so both see the same
// machine load. Reports wall and process CPU time per step (user + system, both threads), the median of the paired
// CPU ratios, each kernel label's median time under both builds, and whether every output is bitwise equal.
// Run: npx tsx bench/kernelAB.ts --base DIR [--case pinnStep|pinnStepWide] [--reps 40] [--write]
// (DIR holds the baseline's kernels.relaxed.wasm / kernels.simd.wasm, e.g. a copy of main's core/wasm/build made
// before rebuilding; --write updates bench/results-kernelAB.json). FLUXION_THREADS=1 keeps one thread.
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import * as fx from '../index.js';
import { Executable } from '../core/compile/executable.js';
import { setStepProfiler } from '../core/compile/profile.js';
import { ensureThreads, wasmKernels } from '../core/backend/wasm.js';
import { WasmKernels } from '../core/wasm/kernels.js';
import { compileWasmFile } from '../core/wasm/module.js';
import { mdTable } from './markdown.js';
import { writeResults } from './results.js';
import { pinnGraph } from './stepGraphs.js';
import { median, Recorder } from './stepRecorder.js';
import { wallAndCpu } from './timing.js';

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const CASES = [
  { key: 'pinnStep', label: '4096 points, 2-64-64-64-1 tanh', points: 4096, layers: [2, 64, 64, 64, 1] },
  { key: 'pinnStepWide', label: '8192 points, 2-128x4-1 tanh', points: 8192, layers: [2, 128, 128, 128, 128, 1] },
] as const;

function fail(message: string): never {
  console.error(`bench/kernelAB.ts: ${message}`);
  process.exit(2);
}

const baseDir = arg('--base') ?? fail('--base DIR is required: a folder with the baseline build (kernels.relaxed.wasm, kernels.simd.wasm)');
const only = arg('--case');
if (only && !CASES.some((c) => c.key === only)) fail(`--case ${only}: expected one of ${CASES.map((c) => c.key).join(', ')}`);
const REPS = Number(arg('--reps') ?? 40);
if (!(Number.isInteger(REPS) && REPS > 0)) fail(`--reps ${arg('--reps')}: expected a positive integer`);

type Build = 'base' | 'new';
const BUILDS: readonly Build[] = ['base', 'new'];

function compare(kernels: Record<Build, WasmKernels>, c: (typeof CASES)[number]) {
  const { graph, args } = pinnGraph(c.points, c.layers);
  const recs = { base: new Recorder(), new: new Recorder() };
  const exes = {} as Record<Build, Executable>;
  for (const b of BUILDS) {
    setStepProfiler(recs[b]);
    try {
      exes[b] = new Executable(graph, kernels[b]);
    } finally {
      setStepProfiler(null);
    }
  }
  const outs = { base: exes.base.run(args).map((t) => t.dataSync()), new: exes.new.run(args).map((t) => t.dataSync()) };
  const bitwise = outs.base.every((o, i) => o.every((v, j) => Object.is(v, outs.new[i][j])));
  const wall = { base: [] as number[], new: [] as number[] };
  const cpu = { base: [] as number[], new: [] as number[] };
  for (let r = 0; r < REPS; r++) {
    // alternate which build goes first: each pair sees the same load, neither always runs on the other's caches
    for (const b of r % 2 ? (['new', 'base'] as const) : (['base', 'new'] as const)) {
      recs[b].rep = r;
      const t = wallAndCpu(() => exes[b].run(args));
      recs[b].rep = -1;
      wall[b].push(t.wall * 1e3);
      cpu[b].push(t.cpu * 1e3);
    }
  }
  for (const e of Object.values(exes)) e.dispose();
  const labels = [...recs.base.byLabel.values()].map((r) => {
    const other = recs.new.byLabel.get(r.info.label);
    const ms = { base: median(r.ms), new: other ? median(other.ms) : NaN };
    const gflops = (b: Build) => (r.info.flops ? (r.info.flops * r.calls) / ms[b] / 1e6 : null);
    return {
      kind: r.info.kind,
      label: r.info.label,
      calls: r.calls,
      baseMs: ms.base,
      newMs: ms.new,
      baseGflops: gflops('base'),
      newGflops: gflops('new'),
    };
  });
  labels.sort((x, y) => y.baseMs - x.baseMs);
  const summary = (b: Build) => ({
    wallMs: median(wall[b]),
    wallMsMin: Math.min(...wall[b]),
    cpuMs: median(cpu[b]),
    cpuMsMin: Math.min(...cpu[b]),
  });
  const base = summary('base'),
    next = summary('new');
  const pairedCpu = median(cpu.new.map((t, i) => t / cpu.base[i]));
  const pairedWall = median(wall.new.map((t, i) => t / wall.base[i]));
  const f = (x: number | null, d = 2) => (x === null || !Number.isFinite(x) ? '' : x.toFixed(d));
  console.log(`\n### ${c.label}\n`);
  console.log(
    mdTable(
      ['kind', 'op', 'calls', 'base ms', 'new ms', 'new/base', 'base GFLOP/s', 'new GFLOP/s'],
      labels
        .filter((l) => l.baseMs >= 0.05)
        .map((l) => [
          l.kind,
          l.label,
          String(l.calls),
          f(l.baseMs, 3),
          f(l.newMs, 3),
          f(l.newMs / l.baseMs, 3),
          f(l.baseGflops, 1),
          f(l.newGflops, 1),
        ]),
    ),
  );
  console.log(
    `\n${c.label}: base wall ${base.wallMs.toFixed(2)} ms (min ${base.wallMsMin.toFixed(2)}), cpu ${base.cpuMs.toFixed(2)} (min ${base.cpuMsMin.toFixed(2)}); ` +
      `new wall ${next.wallMs.toFixed(2)} ms (min ${next.wallMsMin.toFixed(2)}), cpu ${next.cpuMs.toFixed(2)} (min ${next.cpuMsMin.toFixed(2)}); ` +
      `paired new/base: wall ${pairedWall.toFixed(3)}, cpu ${pairedCpu.toFixed(3)}; outputs bitwise equal: ${bitwise}`,
  );
  return {
    problem: `value and gradient, ${c.label}; f32, compiled wasm graph`,
    base,
    new: next,
    pairedWall,
    pairedCpu,
    bitwiseEqual: bitwise,
    kernels: labels,
  };
}

function main(): void {
  fx.setBackend('wasm');
  const current = wasmKernels() ?? fail('the wasm kernels are not built (npm run build:wasm)');
  const file = join(baseDir, `kernels.${current.variant}.wasm`);
  if (!existsSync(file)) fail(`--base ${baseDir}: no kernels.${current.variant}.wasm there`);
  const kernels: Record<Build, WasmKernels> = {
    base: new WasmKernels(compileWasmFile(file, current.variant), current.variant),
    new: current,
  };
  for (const k of Object.values(kernels)) ensureThreads(k);
  const load0 = loadavg();
  const steps = Object.fromEntries(CASES.filter((c) => !only || c.key === only).map((c) => [c.key, compare(kernels, c)]));
  const load1 = loadavg();
  console.log(`load average ${load0.map((l) => l.toFixed(2)).join(' ')} -> ${load1.map((l) => l.toFixed(2)).join(' ')}`);
  writeResults('kernelAB', {
    date: new Date().toISOString(),
    node: process.version,
    variant: current.variant,
    threads: current.threads,
    base: baseDir,
    loadavgBefore: load0,
    loadavgAfter: load1,
    note: 'one step of each build alternately; medians over reps; cpuMs: process user+system time per step (both threads); pairedCpu: median of new/base over the pairs',
    ...steps,
  });
  kernels.base.dispose();
}

main();
