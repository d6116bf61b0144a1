// The TensorFlow.js peer (the JS library users would otherwise reach for) in each backend that runs under Node
// without native binaries: wasm (XNNPACK, SIMD; Node gets its single-threaded build, which the script reports)
// and the plain-JS cpu backend. (setThreadsCount(2) is accepted but Node runs 1 thread: the scripts report it.) Each bench/baselines/tfjs_*.ts script prints one JSON line with its timing and
// the runtime that really initialised, like the PyTorch scripts (bench/torchConfigs.ts).
import { spawnSync } from 'node:child_process';
import { keepBest } from './torchConfigs.js';

export interface TfjsConfig {
  backend: 'wasm' | 'cpu';
  threads: number;
}
export interface TfjsResult {
  config: TfjsConfig;
  label: string;
  /** median step time, or null when the script failed (note says why) */
  ms: number | null;
  note?: string;
}

/** The cpu backend runs the scripts too (`... tfjs_pinn_step.ts cpu 1`) but is 3-5x slower than wasm: not tried. */
export const TFJS_CONFIGS: readonly TfjsConfig[] = [{ backend: 'wasm', threads: 1 }];

export const tfjsLabel = (c: TfjsConfig): string => `TF.js ${c.backend} backend, ${c.threads} thread${c.threads > 1 ? 's' : ''}`;

/** Runs `script backend threads ...args`; the time only if the runtime really was the one asked for. */
export function runTfjs(script: string, args: readonly string[], c: TfjsConfig): TfjsResult {
  const label = tfjsLabel(c);
  const r = spawnSync(process.execPath, ['--import', 'tsx', script, c.backend, String(c.threads), ...args], { encoding: 'utf8' });
  if (r.status !== 0) return { config: c, label, ms: null, note: `failed: ${r.stderr.trim().split('\n').pop()}` };
  const run = JSON.parse(r.stdout.trim().split('\n').pop() as string) as {
    ms_per_step: number;
    backend: string;
    simd: boolean;
    threads: number;
    tfjs: string;
  };
  if (run.backend !== c.backend || run.threads !== c.threads) {
    return { config: c, label, ms: null, note: `ran with the ${run.backend} backend, ${run.threads} thread(s) instead` };
  }
  return { config: c, label, ms: run.ms_per_step, note: `tfjs ${run.tfjs}${run.simd ? ', SIMD' : ''}` };
}

/** Runs every configuration, keeping per label the minimum so far in `best`. */
export function tryTfjsConfigs(
  script: string,
  args: readonly string[],
  best: Map<string, TfjsResult> = new Map(),
): Map<string, TfjsResult> {
  for (const c of TFJS_CONFIGS) keepBest(best, runTfjs(script, args, c));
  return best;
}
