// `npm run bench`: runs every benchmark script in its own process, then prints one summary table and
// writes bench/results.json (the per-script results merged). The default is the quick suite (minutes:
// short runs of every case); `npm run bench -- --full` runs the full one (the Burgers case alone trains
// up to 1500 s of L-BFGS). The tracked bench/results-*.json change only with `--write`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WRITE_FLAG, resultsFile } from './results.js';

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));
const quick = !process.argv.includes('--full');
const write = process.argv.includes(WRITE_FLAG);
// each script prints its own table; its results land in a temporary folder (or, with --write, in bench/)
const scripts = [
  'gemm',
  'core',
  'vmap',
  'forwardGrad',
  'odeint',
  'truncation',
  'chaosCheck',
  'implicitSolvers',
  'gpu',
  'solvers',
  'meshes',
  'optim',
  'operators',
  'fno',
  'sim',
  'massSpringCore',
  'simCore',
  'mpmLocomotion',
  'pinn',
  'stde',
  'runner',
  'sweep',
];
const tmp = mkdtempSync(join(tmpdir(), 'fluxion-bench-'));
const env = { ...process.env, BENCH_RESULTS_DIR: tmp };

const summary: Record<string, unknown> = { date: new Date().toISOString(), quick };
for (const name of scripts) {
  const file = here(`./${name}.ts`);
  if (!existsSync(file)) continue;
  console.log(`\n== bench/${name}.ts${quick ? ' --quick' : ''}`);
  const t0 = performance.now();
  const args = [...(quick ? ['--quick'] : []), ...(write ? [WRITE_FLAG] : [])];
  const r = spawnSync(process.execPath, ['--import', 'tsx', file, ...args], { stdio: 'inherit', env });
  const seconds = (performance.now() - t0) / 1e3;
  const json = resultsFile(name, args, env) as string;
  summary[name] = {
    exitCode: r.status,
    seconds,
    ...(existsSync(json) ? { results: JSON.parse(readFileSync(json, 'utf8')) } : {}),
  };
}
rmSync(tmp, { recursive: true, force: true });
writeFileSync(here('./results.json'), JSON.stringify(summary, null, 2) + '\n');
console.log('\n| benchmark | exit | seconds |\n|---|---|---|');
for (const [name, v] of Object.entries(summary)) {
  if (typeof v === 'object' && v && 'seconds' in v) {
    const { exitCode, seconds } = v as { exitCode: number; seconds: number };
    console.log(`| ${name} | ${exitCode} | ${seconds.toFixed(1)} |`);
  }
}
console.log(`\nwritten: bench/results.json (${quick ? 'quick suite; --full for the full one' : 'full suite'})`);
