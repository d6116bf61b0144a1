// The local sweep pool: 8 short runs (a tiny Poisson PINN, 4 learning rates x 2 seeds) on 2 workers against the same
// 8 runs one after another (1 worker), each sweep in a fresh directory; every run is a child process (`fluxion run`),
// so process start-up is part of what is timed. Best of `reps` per worker count (alternating), with the machine's
// load average beside each (the machine is shared). `--write` keeps bench/results-sweep.json and results-sweep.md.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runSweep } from '../runner/sweep.js';
import { mdTable } from './markdown.js';
import { WRITE_FLAG, writeResults } from './results.js';

const quick = process.argv.includes('--quick');
const reps = quick ? 1 : 2;
const STEPS = 300;
const SWEEP = [
  'name: bench-sweep',
  'base:',
  '  kind: pinn',
  '  name: bench-sweep',
  '  geometry: { type: rectangle, min: [0, 0], max: [1, 1] }',
  "  pde: ['-lap(u) = 2*pi^2*sin(pi*x)*sin(pi*y)']",
  '  conditions: [{ type: dirichlet, on: boundary, value: 0, weight: 10 }]',
  '  exact: sin(pi*x)*sin(pi*y)',
  '  network: { layers: [16, 16], activation: tanh }',
  `  training: { steps: ${STEPS}, lr: 0.01, points: { domain: 200, boundary: 40, test: 200 }, log_every: 100, checkpoint_every: 100 }`,
  '  output: { resolution: 9 }',
  'grid: { training.lr: [0.001, 0.003, 0.01, 0.03] }',
  'seeds: 2',
].join('\n');

/** Seconds for `n` node processes spinning a fixed CPU-bound loop at once: what the shared machine gives right now. */
function spin(n: number): Promise<number> {
  const code = 'let x = 0; for (let i = 0; i < 4e8; i++) x = (x + i * 7) % 1000003; if (x < 0) console.log(x);';
  const t0 = performance.now();
  return Promise.all(
    Array.from(
      { length: n },
      () => new Promise<void>((r) => spawn(process.execPath, ['-e', code], { stdio: 'ignore' }).on('exit', () => r())),
    ),
  ).then(() => (performance.now() - t0) / 1000);
}

interface Timing {
  workers: number;
  seconds: number;
  load_before: number;
  load_after: number;
}

// calibration: 2 CPU-bound processes at once against 2 one after another (0.5 on two idle cores)
const spin1 = (await spin(1)) * 2;
const spin2 = await spin(2);
const calibration = spin2 / spin1;
console.log(`calibration: 2 spinning processes at once / one after another = ${calibration.toFixed(2)} (0.5 on 2 idle cores)`);

const dir = mkdtempSync(join(tmpdir(), 'fluxion-bench-sweep-'));
const file = join(dir, 'sweep.yaml');
writeFileSync(file, `${SWEEP}\n`);
const timings: Timing[] = [];
let k = 0;
for (let r = 0; r < reps; r++) {
  for (const workers of r % 2 === 0 ? [1, 2] : [2, 1]) {
    const load = loadavg()[0];
    const t0 = performance.now();
    const res = await runSweep({ sweepPath: file, outDir: join(dir, `s${k++}`), workers, quiet: true, log: () => {} });
    const seconds = (performance.now() - t0) / 1000;
    if (res.exitCode !== 0 || res.rows.some((row) => row.status !== 'completed')) throw new Error(`sweep on ${workers} worker(s) failed`);
    timings.push({ workers, seconds, load_before: load, load_after: loadavg()[0] });
    console.log(`${workers} worker(s): ${seconds.toFixed(1)} s (1-min load ${load.toFixed(2)} -> ${loadavg()[0].toFixed(2)})`);
  }
}
rmSync(dir, { recursive: true, force: true });

const bestOf = (w: number): Timing => timings.filter((t) => t.workers === w).sort((a, b) => a.seconds - b.seconds)[0];
const [one, two] = [bestOf(1), bestOf(2)];
const ratio = two.seconds / one.seconds;
const cores = availableParallelism();
console.log(
  `8 runs: 1 worker ${one.seconds.toFixed(1)} s, 2 workers ${two.seconds.toFixed(1)} s: ratio ${ratio.toFixed(2)} (target <= 0.6)`,
);

const result = { date: new Date().toISOString(), cores, runs: 8, steps: STEPS, reps, timings, ratio, calibration };
writeResults('sweep', result);
if (process.argv.includes(WRITE_FLAG)) {
  const md = [
    '# Sweep pool: 8 short runs, 2 workers vs one after another',
    '',
    `\`npx tsx bench/sweep.ts --write\` on ${result.date.slice(0, 10)}, ${cores} cores (shared with other jobs).`,
    `8 runs of a tiny Poisson PINN (2x16 tanh, ${STEPS} Adam steps, 200 points), each a child process \`fluxion run\` under tsx`,
    '(start-up included). Best of the repeats; 1-min load average before and after each sweep.',
    '',
    mdTable(
      ['workers', 'wall time (s)', 'load before', 'load after'],
      timings.map((t) => [String(t.workers), t.seconds.toFixed(1), t.load_before.toFixed(2), t.load_after.toFixed(2)]),
    ),
    '',
    `Ratio 2 workers / 1 worker (best of each): **${ratio.toFixed(2)}** (target <= 0.6).`,
    `Calibration at the start: 2 CPU-bound node processes at once took ${calibration.toFixed(2)}x the time of the same two one`,
    'after another (0.5 on two idle cores): the floor the machine allowed a 2-worker pool at that moment.',
    '',
  ].join('\n');
  const path = fileURLToPath(new URL('./results-sweep.md', import.meta.url));
  writeFileSync(path, md);
  console.log(`wrote ${path}`);
}
