// `fluxion bench`: how fast this machine runs Fluxion's hot paths on each backend: the compiled PINN
// training step (value and gradient of a 2D Poisson loss with the exact Laplacian) and a square matmul
// with its GFLOP/s. Comparisons against peers (PyTorch, naive loops) live in the repository's bench/.
import { getBackend, setBackend, type BackendName } from '../index.js';
import { currentBackend } from '../core/backend/index.js';
import type { GpuBackend } from '../core/backend/gpu.js';
import { benchProblems, MATMUL_N } from './benchProblems.js';

export interface BenchRow {
  backend: string;
  problem: string;
  /** best wall time of one call, ms */
  ms: number;
  gflops?: number;
}

/** Times every problem on every backend (best of `reps` after a compiling call), restoring the backend. */
export function runBench(backends: readonly BackendName[], reps: number, onRow: (r: BenchRow) => void = () => {}): BenchRow[] {
  const previous = getBackend() as BackendName;
  const rows: BenchRow[] = [];
  try {
    for (const backend of backends) {
      setBackend(backend);
      const name = backend === 'gpu' ? `gpu/${(currentBackend() as GpuBackend).mode}` : backend;
      for (const [problem, make] of Object.entries(benchProblems)) {
        const run = make();
        run();
        let ms = Infinity;
        for (let r = 0; r < reps; r++) {
          const t0 = performance.now();
          run();
          ms = Math.min(ms, performance.now() - t0);
        }
        const gflops = problem.startsWith('matmul') ? (2 * MATMUL_N ** 3) / ms / 1e6 : undefined;
        const row = { backend: name, problem, ms, gflops };
        rows.push(row);
        onRow(row);
      }
    }
  } finally {
    setBackend(previous);
  }
  return rows;
}

// GFLOP/s depend on the shape (README's GEMM figures are bench/gemm.ts's other shapes), so each names its own.
export const formatBenchRow = (r: BenchRow): string =>
  `${r.backend.padEnd(11)} ${r.problem.padEnd(36)} ${r.ms.toFixed(1).padStart(9)} ms${r.gflops ? `  ${r.gflops.toFixed(1)} GFLOP/s (f32, ${MATMUL_N}x${MATMUL_N}x${MATMUL_N})` : ''}`;
