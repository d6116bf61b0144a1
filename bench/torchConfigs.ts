// The CPU settings PyTorch's performance guides recommend, tried for every PyTorch baseline
// (bench/baselines/*.py) so a comparison is against PyTorch at its best on this machine, not at
// Debian's defaults: OpenBLAS instead of the reference BLAS behind libblas.so.3 (chosen by
// LD_LIBRARY_PATH, whatever the Debian alternative points at), tcmalloc preloaded instead of glibc
// malloc, and 1 or 2 ATen (OpenMP) threads; OpenBLAS itself single-threaded inside ATen's threads.
// Each script reports the BLAS and malloc it really mapped, so a setting that did not take is visible.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

export const PYTHON = '/usr/bin/python3'; // Debian's python3-torch lives in the system interpreter
const LIB = `/usr/lib/${process.arch === 'arm64' ? 'aarch64' : 'x86_64'}-linux-gnu`;
const BLAS_DIRS = { reference: [`${LIB}/blas`, `${LIB}/lapack`], openblas: [`${LIB}/openblas-pthread`] } as const;
const TCMALLOC = `${LIB}/libtcmalloc_minimal.so.4`;

export type Blas = keyof typeof BLAS_DIRS;
export type Malloc = 'glibc' | 'tcmalloc';
export interface TorchConfig {
  blas: Blas;
  malloc: Malloc;
  /** ATen intra-op threads (torch.set_num_threads), passed to the script as its first argument */
  threads: number;
}
/** What a baseline script prints (one JSON line): its timing and the configuration it really ran with. */
export interface TorchRun {
  ms_per_step: number;
  /** CPU time of the process per step, all threads (scripts using torch_runtime.report) */
  cpu_ms_per_step?: number;
  threads: number;
  blas: string;
  malloc: string;
  torch: string;
}
export interface TorchResult {
  config: TorchConfig;
  label: string;
  /** the script's time, or why there is none (missing library, failure, setting that did not take) */
  ms: number | null;
  /** CPU milliseconds per step, where the script reports them */
  cpuMs?: number;
  note?: string;
}

export const configLabel = (c: TorchConfig): string =>
  `${c.blas} BLAS, ${c.malloc} malloc, ${c.threads} ATen thread${c.threads > 1 ? 's' : ''}`;

/** Every combination of BLAS, malloc and thread count (1 and 2: on a loaded 2-core machine 1 often wins). */
export function torchConfigs(threads: readonly number[] = [1, 2]): TorchConfig[] {
  return (['reference', 'openblas'] as const).flatMap((blas) =>
    (['glibc', 'tcmalloc'] as const).flatMap((malloc) => threads.map((t) => ({ blas, malloc, threads: t }))),
  );
}

/** The environment that selects `c`, or why it cannot (a library of it is not installed). */
export function torchEnv(c: TorchConfig, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv | string {
  const dirs = BLAS_DIRS[c.blas];
  if (!dirs.every((d) => existsSync(`${d}/${d.endsWith('lapack') ? 'liblapack' : 'libblas'}.so.3`))) {
    return `not installed: ${dirs.join(', ')} (apt-get install ${c.blas === 'openblas' ? 'libopenblas0-pthread' : 'libblas3 liblapack3'})`;
  }
  if (c.malloc === 'tcmalloc' && !existsSync(TCMALLOC)) return `not installed: ${TCMALLOC} (apt-get install libtcmalloc-minimal4)`;
  const env: NodeJS.ProcessEnv = { ...base, LD_LIBRARY_PATH: [...dirs, base.LD_LIBRARY_PATH].filter(Boolean).join(':') };
  delete env.LD_PRELOAD;
  if (c.malloc === 'tcmalloc') env.LD_PRELOAD = TCMALLOC;
  env.OMP_NUM_THREADS = String(c.threads);
  if (c.blas === 'openblas') env.OPENBLAS_NUM_THREADS = '1';
  return env;
}

/** Whether PyTorch can be imported at all (else the reason, for the results file). */
export function torchMissing(): string | null {
  const probe = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
  return probe.status === 0 ? null : `skipped: python3-torch not installed (apt-get install python3-torch)`;
}

/** Runs `script threads ...args` under configuration `c`; the time only if the script ran with that BLAS and malloc. */
export function runTorch(script: string, args: readonly string[], c: TorchConfig): TorchResult {
  const label = configLabel(c);
  const env = torchEnv(c);
  if (typeof env === 'string') return { config: c, label, ms: null, note: env };
  const r = spawnSync(PYTHON, [script, String(c.threads), ...args], { encoding: 'utf8', env });
  if (r.status !== 0) return { config: c, label, ms: null, note: `failed: ${r.stderr.trim().split('\n').pop()}` };
  const run = JSON.parse(r.stdout.trim().split('\n').pop() as string) as TorchRun;
  if (run.blas !== c.blas || run.malloc !== c.malloc || run.threads !== c.threads) {
    return { config: c, label, ms: null, note: `ran with ${run.blas} BLAS, ${run.malloc} malloc, ${run.threads} threads instead` };
  }
  return { config: c, label, ms: run.ms_per_step, cpuMs: run.cpu_ms_per_step, note: `torch ${run.torch}` };
}

/** Tries every configuration; merges into `best` (per label, the minimum so far) and returns it. */
export function tryTorchConfigs(
  script: string,
  args: readonly string[],
  best: Map<string, TorchResult> = new Map(),
  configs = torchConfigs(),
): Map<string, TorchResult> {
  for (const c of configs) keepBest(best, runTorch(script, args, c));
  return best;
}

/** A peer's timing in one configuration (PyTorch's here, TF.js's in bench/tfjsConfigs.ts): null ms = did not run. */
export interface PeerTiming {
  label: string;
  ms: number | null;
}

/** Keeps per label the fastest run so far (a failed run only where nothing ran yet, so its note shows). */
export function keepBest<R extends PeerTiming>(best: Map<string, R>, r: R): void {
  const prev = best.get(r.label);
  if (!prev || (r.ms !== null && (prev.ms === null || r.ms < prev.ms))) best.set(r.label, r);
}

/** The fastest configuration that ran, or null. */
export function fastest<R extends PeerTiming>(results: Iterable<R>): R | null {
  let b: R | null = null;
  for (const r of results) if (r.ms !== null && (b === null || r.ms < (b.ms as number))) b = r;
  return b;
}
