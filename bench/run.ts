// `npm run bench`: runs every benchmark script in its own process, then prints one summary table and
// writes bench/results.json (the per-script results-*.json merged). Pass --quick for short runs.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));
const quick = process.argv.includes('--quick');
// each script prints its own table and may write bench/results-<name>.json
const scripts = ['gemm', 'core', 'gpu', 'solvers', 'meshes', 'optim', 'operators', 'sim', 'pinn', 'stde', 'runner'];

const summary: Record<string, unknown> = { date: new Date().toISOString(), quick };
for (const name of scripts) {
  const file = here(`./${name}.ts`);
  if (!existsSync(file)) continue;
  console.log(`\n== bench/${name}.ts`);
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['--import', 'tsx', file, ...(quick ? ['--quick'] : [])], { stdio: 'inherit' });
  const seconds = (performance.now() - t0) / 1e3;
  const json = here(`./results-${name}.json`);
  summary[name] = {
    exitCode: r.status,
    seconds,
    ...(existsSync(json) ? { results: JSON.parse(readFileSync(json, 'utf8')) } : {}),
  };
}
writeFileSync(here('./results.json'), JSON.stringify(summary, null, 2) + '\n');
console.log('\n| benchmark | exit | seconds |\n|---|---|---|');
for (const [name, v] of Object.entries(summary)) {
  if (typeof v === 'object' && v && 'seconds' in v) {
    const { exitCode, seconds } = v as { exitCode: number; seconds: number };
    console.log(`| ${name} | ${exitCode} | ${seconds.toFixed(1)} |`);
  }
}
console.log('\nwritten: bench/results.json');
