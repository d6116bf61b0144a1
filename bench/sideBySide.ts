// Before/after benchmark of two checkouts on the same machine, interleaved so both see the same load:
// npx tsx bench/sideBySide.ts --base ../other-checkout [--rounds 3]
// Each round runs bench/stepProbe.ts once in this tree and once in the other (copied there as a temporary
// file: it uses only the public API); the best round of each is reported with the ratio base/this.
import { spawnSync } from 'node:child_process';
import { copyFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const base = arg('--base');
if (!base) {
  console.error('usage: npx tsx bench/sideBySide.ts --base <other checkout> [--rounds N]');
  process.exit(2);
}
const rounds = Number(arg('--rounds') ?? 3);
const probe = fileURLToPath(new URL('./stepProbe.ts', import.meta.url));
const here = resolve(fileURLToPath(new URL('..', import.meta.url)));
const copied = join(resolve(base), 'bench', '.stepProbe.sideBySide.ts');
copyFileSync(probe, copied);

type Probe = { compileMs: number; stepMs: number; gemm256: number; gemm1024: number };
const run = (file: string): Probe => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', file], { encoding: 'utf8', env: process.env });
  if (r.status !== 0) throw new Error(`${file}: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop() as string) as Probe;
};
const results: Record<'base' | 'this', Probe[]> = { base: [], this: [] };
try {
  for (let i = 0; i < rounds; i++) {
    results.base.push(run(copied));
    results.this.push(run(probe));
  }
} finally {
  rmSync(copied, { force: true });
}
const bestOf = (ps: Probe[]): Probe => ({
  compileMs: Math.min(...ps.map((p) => p.compileMs)),
  stepMs: Math.min(...ps.map((p) => p.stepMs)),
  gemm256: Math.max(...ps.map((p) => p.gemm256)),
  gemm1024: Math.max(...ps.map((p) => p.gemm1024)),
});
const [b, t] = [bestOf(results.base), bestOf(results.this)];
console.log(`base: ${resolve(base)}\nthis: ${here}\nbest of ${rounds} interleaved rounds (ratio > 1: this checkout is faster)`);
console.log('| measure | base | this | ratio |\n|---|---|---|---|');
console.log(`| PINN step (ms) | ${b.stepMs.toFixed(1)} | ${t.stepMs.toFixed(1)} | ${(b.stepMs / t.stepMs).toFixed(3)} |`);
console.log(
  `| jit compile + first PINN step (ms) | ${b.compileMs.toFixed(0)} | ${t.compileMs.toFixed(0)} | ${(b.compileMs / t.compileMs).toFixed(3)} |`,
);
console.log(`| fx.matmul 256^3 (GFLOP/s) | ${b.gemm256.toFixed(1)} | ${t.gemm256.toFixed(1)} | ${(t.gemm256 / b.gemm256).toFixed(3)} |`);
console.log(
  `| fx.matmul 1024^3 (GFLOP/s) | ${b.gemm1024.toFixed(1)} | ${t.gemm1024.toFixed(1)} | ${(t.gemm1024 / b.gemm1024).toFixed(3)} |`,
);
