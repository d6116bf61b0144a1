// The cost of training.chaos_check against a training step, on the shipped simulation configs run through the
// runner's own trainer: rounds of one training step then one check (interleaved, so both see the same load; the
// first round, which compiles, is dropped), best of the rest. Locomotion checks the held-out goals' episodes
// (eval_goals environments) where a step simulates envs of them forward and backward. Beside the cost: what the
// check measured at the seeded controller.
// learn_material checks its first training trajectory, where a step fits every training trajectory.
// Run: npx tsx bench/chaosCheck.ts [--quick] [--write]   (--quick: horizons cut to 100, 2 rounds)
import * as os from 'node:os';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../runner/config.js';
import { parseOverride } from '../runner/overrides.js';
import { createSimulationTrainer } from '../runner/simulation.js';
import type { SimulationConfig } from '../runner/schema.js';
import { mdTable } from './markdown.js';
import { writeResults } from './results.js';

const quick = process.argv.includes('--quick');
const rounds = quick ? 3 : 5;
const configs = ['mass-spring-walk', 'mass-spring-locomotion', 'mpm-locomotion', 'mpm-learn-material'];
const path = (name: string): string => fileURLToPath(new URL(`../configs/${name}.yaml`, import.meta.url));

const rows: Record<string, number | string>[] = [];
for (const name of configs) {
  const sets = ['training.chaos_check={ every: 1 }', ...(quick && name !== 'mpm-learn-material' ? ['task.horizon=100'] : [])];
  const c = loadConfig(path(name), () => {}, sets.map(parseOverride)) as SimulationConfig;
  const trainer = createSimulationTrainer(c, { configDir: '.' });
  let step = Infinity;
  let check = Infinity;
  let last: { exponent: number; amplification: number } | undefined;
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    trainer.trainStep();
    const ms = performance.now() - t0;
    const chaos = trainer.evaluate().chaos;
    if (!chaos) throw new Error(`${name}: no chaos report`);
    last = chaos;
    if (r === 0) continue; // compiles
    step = Math.min(step, ms);
    check = Math.min(check, chaos.seconds * 1e3);
  }
  const horizon = c.task.type === 'learn_material' ? c.task.train_steps : c.task.horizon;
  rows.push({ config: name, horizon, msStep: step, msCheck: check, ratio: check / step, ...last! });
}

console.log(`training.chaos_check against a training step (best of ${rounds - 1} rounds); load ${os.loadavg()[0].toFixed(2)}`);
console.log(
  mdTable(
    ['config', 'horizon', 'ms step', 'ms check', 'check / step', 'exponent / step', 'amplification'],
    rows.map((r) => [
      String(r.config),
      String(r.horizon),
      Number(r.msStep).toFixed(0),
      Number(r.msCheck).toFixed(0),
      Number(r.ratio).toFixed(2),
      Number(r.exponent).toExponential(2),
      Number(r.amplification).toExponential(2),
    ]),
  ),
);
writeResults('chaosCheck', { date: new Date().toISOString(), quick, rounds, loadavg: os.loadavg()[0], rows });
