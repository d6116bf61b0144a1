// A/B of the spectral layers' DFT paths (core/compile/spectralStep.ts: plain GEMM, folded GEMMs, FFT) inside issue
// 24's FNO-1D training step (bench/stepProbe.ts's fnoTrainingStep: lift 64, 4 Fourier layers x 16 modes,
// projection 128, batch 20, MSE, FusedAdam), at n = 256 and 1024. One step is compiled per path with that path
// forced, plus one with the measured choice ('auto'), all in one process and timed in alternating blocks so that
// each sees the same load; on 1 thread (FLUXION_THREADS=1: process CPU time is the work) or 2 (wall time).
// Run: npx tsx bench/spectralPathsAB.ts [--quick] [--threads 1|2] [--write] (--write updates
// bench/results-spectralPathsAB.json)
import { loadavg } from 'node:os';
import * as fx from '../index.js';
import { ensureThreads, wasmKernels } from '../core/backend/wasm.js';
import { setSpectralPath, spectralChoices, type SpectralPath } from '../core/compile/spectralStep.js';
import { fnoTrainingStep } from './stepProbe.js';
import { wallAndCpu } from './timing.js';
import { writeResults } from './results.js';

const quick = process.argv.includes('--quick');
const threadsArg = process.argv.includes('--threads') ? process.argv[process.argv.indexOf('--threads') + 1] : '2';
if (threadsArg !== '1' && threadsArg !== '2') throw new Error(`bench/spectralPathsAB.ts: --threads must be 1 or 2, got ${threadsArg}`);
if (threadsArg === '1') process.env.FLUXION_THREADS = '1';
const PATHS: ReadonlyArray<SpectralPath | 'auto'> = ['gemm', 'fold', 'auto'];
const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

fx.setBackend('wasm');
const kernels = wasmKernels();
if (!kernels) throw new Error('bench/spectralPathsAB.ts: the wasm kernels are not built (npm run build:wasm)');
ensureThreads(kernels);
const load0 = loadavg();
const results: Record<string, unknown> = {};
for (const n of [256, 1024]) {
  const steps = PATHS.map((path) => {
    const step = fnoTrainingStep(n);
    setSpectralPath(path);
    try {
      step(); // compiles with this path
    } finally {
      setSpectralPath('auto');
    }
    return step;
  });
  const times = PATHS.map(() => ({ wall: [] as number[], cpu: [] as number[] }));
  const rounds = quick ? 2 : 6;
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 ? [...PATHS.keys()].reverse() : [...PATHS.keys()];
    for (const i of order) {
      steps[i](); // warm: another step's arena was in the caches
      for (let k = 0; k < (quick ? 3 : 5); k++) {
        const t = wallAndCpu(steps[i]);
        times[i].wall.push(t.wall * 1e3);
        times[i].cpu.push(t.cpu * 1e3);
      }
    }
  }
  const row = Object.fromEntries(
    PATHS.map((p, i) => [p, { wallMs: median(times[i].wall), wallMsMin: Math.min(...times[i].wall), cpuMs: median(times[i].cpu) }]),
  );
  const chosen = [...spectralChoices(kernels)].filter(([key]) => key.split(':')[1] === String(n));
  console.log(
    `n=${n}, ${kernels.threads} thread(s): ` +
      PATHS.map(
        (p) => `${p} wall ${row[p].wallMs.toFixed(1)} ms (min ${row[p].wallMsMin.toFixed(1)}), cpu ${row[p].cpuMs.toFixed(1)}`,
      ).join('; ') +
      `; fold/gemm wall ${(row.fold.wallMs / row.gemm.wallMs).toFixed(3)}, cpu ${(row.fold.cpuMs / row.gemm.cpuMs).toFixed(3)}; auto chose ${chosen.map(([k, p]) => `${k} ${p}`).join(', ')}`,
  );
  results[`n${n}`] = { ...row, autoChoices: Object.fromEntries(chosen) };
}
const load1 = loadavg();
console.log(`load average ${load0.map((l) => l.toFixed(2)).join(' ')} -> ${load1.map((l) => l.toFixed(2)).join(' ')}`);
writeResults('spectralPathsAB', {
  date: new Date().toISOString(),
  node: process.version,
  threads: kernels.threads,
  loadavgBefore: load0,
  loadavgAfter: load1,
  note: 'FNO-1D FusedAdam step per forced DFT path; medians over interleaved blocks; cpuMs is process user+system time per step',
  ...results,
});
