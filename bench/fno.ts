// FNO-1D training step side by side with PyTorch (bench/baselines/fno_step.py, the same architecture): lift to
// 64 channels, 4 Fourier layers with 16 modes, projection 128, batch 20, MSE, Adam, f32, at n = 256 and 1024.
// Ours: fx.optim.FusedAdam (the loss, its gradient and the Adam update as one compiled step, as the trainer runs it). The peer runs in every CPU configuration
// of bench/torchConfigs.ts once, then its fastest one is timed again in each round, interleaved with ours, so
// both see the same load (TensorFlow.js, bench/baselines/tfjs_fno_step.ts, in each of its backends once); the ratio is the median over rounds of (ours / torch) within a round. A split of our
// step times the spectral layers alone (4 x fwd+bwd of spectralConv1dPointsFirst), in each DFT path.
// Run: npx tsx bench/fno.ts [--quick] [--rounds N] [--write] (--write rewrites bench/results-fno.md and .json;
// --render only rewrites the .md from the .json).
import { readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import * as fx from '../index.js';
import { spectralConv1dPointsFirst } from '../operators/index.js';
import { fnoTrainingStep } from './stepProbe.js';
import { medianMs } from './timing.js';
import { mdTable } from './markdown.js';
import { WRITE_FLAG, writeResults } from './results.js';
import { configLabel, fastest, runTorch, torchMissing, tryTorchConfigs, type TorchResult } from './torchConfigs.js';
import { tfjsLabel, tryTfjsConfigs, type TfjsResult } from './tfjsConfigs.js';
import { SPECTRAL_PATHS, setSpectralPath, spectralChoices, type SpectralPath } from '../core/compile/spectralStep.js';
import { ensureThreads, wasmKernels } from '../core/backend/wasm.js';

const quick = process.argv.includes('--quick');
const argAt = (name: string): string | undefined => process.argv[process.argv.indexOf(name) + 1];
const rounds = Number(process.argv.includes('--rounds') ? argAt('--rounds') : quick ? 2 : 5);
const REPS = quick ? 5 : 15;
const SIZES = [256, 1024];
const [B, WIDTH, MODES, LAYERS, PROJ] = [20, 64, 16, 4, 128];
const script = fileURLToPath(new URL('./baselines/fno_step.py', import.meta.url));
const tfjsScript = fileURLToPath(new URL('./baselines/tfjs_fno_step.ts', import.meta.url));

/** The four spectral layers of the step alone, forward and backward (their share of the step). */
function spectralLayers(n: number): () => void {
  const x = fx.random.normal(3, [n, B, WIDTH]);
  const ws = Array.from({ length: LAYERS }, (_, l) => fx.random.normal(4 + l, [WIDTH, WIDTH, MODES, 2]));
  const r = fx.random.normal(9, [n, B, WIDTH]);
  const f = fx.jit((...w: fx.Tensor[]) =>
    fx.valueAndGrad(
      (xx: fx.Tensor, ...ww: fx.Tensor[]) =>
        ww.reduce((acc, wl) => fx.add(acc, fx.sum(fx.mul(spectralConv1dPointsFirst(xx, wl), r))), fx.scalar(0)),
      [0, 1, 2, 3, 4],
    )(x, ...w),
  );
  return () => {
    const [v] = f(...ws) as [fx.Tensor, fx.Tensor[]];
    v.item();
  };
}

const median = (xs: number[]): number => [...xs].sort((p, q) => p - q)[Math.floor(xs.length / 2)];

/** Median wall and CPU (all threads of the process) milliseconds of `reps` calls after one warm-up call. */
function wallAndCpu(reps: number, f: () => void): { wall: number; cpu: number } {
  f();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let r = 0; r < reps; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    f();
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1e3);
  }
  return { wall: median(wall), cpu: median(cpu) };
}

/** Our kernels on 1 or 2 threads (FLUXION_THREADS, read by ensureThreads), like torch's 1 or 2 ATen threads. */
function useThreads(t: 1 | 2): void {
  if (t === 1) process.env.FLUXION_THREADS = '1';
  else delete process.env.FLUXION_THREADS;
  const k = wasmKernels();
  if (k) ensureThreads(k);
}

const missing = torchMissing();
interface Row {
  n: number;
  /** the faster of our 1- and 2-thread medians */
  fluxionMs: number;
  fluxion1Ms: number;
  fluxion2Ms: number;
  torchMs: number | null;
  /** CPU ms per step single-threaded (ours at 1 thread, torch's fastest 1-thread configuration): the work, whatever the load */
  fluxionCpuMs: number;
  torchCpuMs: number | null;
  ratio: number | null;
  torchConfig: string;
  /** TensorFlow.js (its fastest backend, timed once before the rounds) */
  tfjsMs: number | null;
  tfjsConfig: string;
  spectralGemmMs: number;
  /** the folded GEMMs (absent from results written before that path existed) */
  spectralFoldMs?: number;
  spectralFftMs: number;
  load: string;
}
type Peer = TorchResult | TfjsResult;
interface Results {
  date: string;
  quick: boolean;
  rounds: number;
  load: string;
  rows: Row[];
  peers: Record<number, Peer[]>;
}

function measureAll(): Results {
  const rows: Row[] = [];
  const allConfigs: Record<number, Peer[]> = {};
  const load0 = loadavg()[0];
  for (const n of SIZES) {
    const ours = fnoTrainingStep(n);
    const peerArgs = [String(quick ? 10 : 20), String(n)];
    // every configuration once, to find the fastest on this machine now
    const torchRuns = missing ? [] : [...tryTorchConfigs(script, peerArgs).values()];
    // TF.js is 10-40x slower than both (its cpu backend minutes per run at n=1024): 5 steps are enough
    const tfjsRuns = [...tryTfjsConfigs(tfjsScript, ['5', String(n)]).values()];
    allConfigs[n] = [...torchRuns, ...tfjsRuns];
    const best = fastest(torchRuns);
    const bestTfjs = fastest(tfjsRuns);
    const mine: Record<1 | 2, number[]> = { 1: [], 2: [] };
    const cpuMine: number[] = [];
    const theirs: number[] = [];
    const ratios: number[] = [];
    const loads: number[] = [];
    for (let r = 0; r < rounds; r++) {
      loads.push(loadavg()[0]);
      const byThreads = ([2, 1] as const).map((th) => {
        useThreads(th);
        const t = wallAndCpu(REPS, ours);
        mine[th].push(t.wall);
        if (th === 1) cpuMine.push(t.cpu);
        return t.wall;
      });
      const t = Math.min(...byThreads);
      if (best) {
        const p = runTorch(script, peerArgs, best.config);
        if (p.ms !== null) {
          theirs.push(p.ms);
          ratios.push(t / p.ms);
        }
      }
    }
    const split: Record<SpectralPath, number> = { gemm: NaN, fold: NaN, fft: NaN };
    for (const path of SPECTRAL_PATHS) {
      setSpectralPath(path);
      split[path] = medianMs(REPS, spectralLayers(n));
    }
    setSpectralPath('auto');
    useThreads(2);
    const kern = wasmKernels();
    const chosen = kern ? [...spectralChoices(kern)].filter(([key]) => key.split(':')[1] === String(n)) : [];
    console.log(`n=${n}: measured DFT paths ${chosen.map(([key, path]) => `${key} ${path}`).join(', ')}`);
    rows.push({
      n,
      fluxionMs: Math.min(median(mine[1]), median(mine[2])),
      fluxion1Ms: median(mine[1]),
      fluxion2Ms: median(mine[2]),
      torchMs: theirs.length ? median(theirs) : null,
      fluxionCpuMs: median(cpuMine),
      torchCpuMs: fastest(torchRuns.filter((r) => r.config.threads === 1))?.cpuMs ?? null,
      ratio: ratios.length ? median(ratios) : null,
      torchConfig: best ? configLabel(best.config) : (missing ?? 'no configuration ran'),
      tfjsMs: bestTfjs?.ms ?? null,
      tfjsConfig: bestTfjs ? tfjsLabel(bestTfjs.config) : 'did not run',
      spectralGemmMs: split.gemm,
      spectralFoldMs: split.fold,
      spectralFftMs: split.fft,
      load: `${Math.min(...loads).toFixed(1)}-${Math.max(...loads).toFixed(1)}`,
    });
  }
  return {
    date: new Date().toISOString(),
    quick,
    rounds,
    load: `${load0.toFixed(1)} -> ${loadavg()[0].toFixed(1)}`,
    rows,
    peers: allConfigs,
  };
}

/** The markdown of bench/results-fno.md. */
function render(res: Results): string {
  const header = [
    'n',
    'fluxion ms (1 / 2 threads)',
    'torch ms',
    'ratio',
    'torch configuration',
    'CPU ms, 1 thread (ours / torch)',
    'CPU ratio',
    'TF.js ms',
    'spectral layers GEMM / folded GEMM / FFT ms',
    'load',
  ];
  const table = mdTable(
    header,
    res.rows.map((r) => [
      String(r.n),
      `${r.fluxion1Ms.toFixed(1)} / ${r.fluxion2Ms.toFixed(1)}`,
      r.torchMs === null ? '-' : r.torchMs.toFixed(1),
      r.ratio === null ? '-' : r.ratio.toFixed(2),
      r.torchConfig,
      `${r.fluxionCpuMs.toFixed(1)} / ${r.torchCpuMs === null ? '-' : r.torchCpuMs.toFixed(1)}`,
      r.torchCpuMs === null ? '-' : (r.fluxionCpuMs / r.torchCpuMs).toFixed(2),
      r.tfjsMs === null ? '-' : `${r.tfjsMs.toFixed(1)} (${r.tfjsConfig.replace('TF.js ', '')})`,
      `${r.spectralGemmMs.toFixed(1)} / ${r.spectralFoldMs?.toFixed(1) ?? '-'} / ${r.spectralFftMs.toFixed(1)}`,
      r.load,
    ]),
  );
  const peers = Object.entries(res.peers).map(([n, rs]) =>
    mdTable(
      [`peer at n=${n}`, 'ms', 'CPU ms', 'note'],
      rs.map((r) => [
        r.label,
        r.ms === null ? '-' : r.ms.toFixed(1),
        'cpuMs' in r && r.cpuMs !== undefined ? r.cpuMs.toFixed(1) : '-',
        r.note ?? '',
      ]),
    ),
  );
  return [
    '# FNO-1D training step: fluxion vs PyTorch',
    '',
    `Written by \`npx tsx bench/fno.ts${res.quick ? ' --quick' : ''} --write\` on ${res.date.slice(0, 10)} (load average ${res.load} on 2 ` +
      `shared cores): batch ${B}, width ${WIDTH}, ${LAYERS} Fourier layers with ${MODES} modes, projection ${PROJ}, MSE, Adam, f32. ` +
      `Each row: medians over ${res.rounds} interleaved rounds (ours: median of ${REPS} steps on 1 and on 2 threads; torch: its ` +
      "script's median in its fastest configuration); ratio: median over rounds of (our faster thread count / torch), < 1 " +
      'means fluxion is faster. CPU ms: process CPU time per step on 1 thread (ours; torch in its fastest 1-thread ' +
      'configuration), the work done whatever the load. The spectral column times our 4 spectral layers alone (forward + ' +
      'backward, 2 threads) with the truncated DFT as GEMM, as the folded GEMMs (cos/sin symmetry, half the flops) and as FFT.',
    '',
    table,
    '',
    'Every peer configuration tried (the fastest PyTorch one is timed again in each round; TF.js once, 5 steps):',
    '',
    ...peers.flatMap((p) => [p, '']),
  ].join('\n');
}

// --render rewrites bench/results-fno.md from bench/results-fno.json without measuring again
const jsonFile = new URL('./results-fno.json', import.meta.url);
const res = process.argv.includes('--render') ? (JSON.parse(readFileSync(jsonFile, 'utf8')) as Results) : measureAll();
const md = render(res);
console.log(md);
if (!process.argv.includes('--render')) writeResults('fno', res);
if (process.argv.includes(WRITE_FLAG) || process.argv.includes('--render')) writeFileSync(new URL('./results-fno.md', import.meta.url), md);
