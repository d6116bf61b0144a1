/**
 * configs/mpm-locomotion.yaml as the runner trains it (the same trainer, no outputs): the held-out goal distance and
 * success rate of the untrained controller and after every logged step, wall and CPU time per training step, and the
 * machine's load (2 shared cores: timings under load are upper bounds; the held-out figures do not depend on it).
 * Run: npx tsx bench/mpmLocomotion.ts [--quick | --steps N] [--write]   (--quick: 20 steps; --write rewrites
 * bench/results-mpmLocomotion.json and bench/results-mpm-locomotion.md; `npm run bench` runs it with --quick)
 */
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../runner/config.js';
import type { SimulationConfig } from '../runner/schema.js';
import { createSimulationTrainer } from '../runner/simulation.js';
import { LocomotionGoals } from '../sim/locomotionGoals.js';
import { mdTable } from './markdown.js';
import { WRITE_FLAG, writeResults } from './results.js';

const configPath = fileURLToPath(new URL('../configs/mpm-locomotion.yaml', import.meta.url));
const config = loadConfig(configPath) as SimulationConfig;
const at = process.argv.indexOf('--steps');
const steps = at > 0 ? Number(process.argv[at + 1]) : process.argv.includes('--quick') ? 20 : config.training.steps;
if (!(Number.isInteger(steps) && steps > 0))
  throw new Error(`bench/mpmLocomotion: --steps must be a positive integer, got ${process.argv[at + 1]}`);
const every = config.training.log_every;

interface Row {
  step: number;
  goalDistance: number;
  successRate: number;
  loss?: number;
  wallS: number;
  cpuS: number;
  load: number;
}

const scores = (m: { task?: Record<string, number> }): [number, number] => [m.task?.goal_distance ?? NaN, m.task?.success_rate ?? NaN];
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const trainer = createSimulationTrainer(config, { configDir: '.' });
const raw = (): [number, number] => {
  const c = process.cpuUsage(cpu0);
  return [(performance.now() - t0) / 1000, (c.user + c.system) / 1e6];
};
// time spent evaluating, taken off the training clock
const inEval = [0, 0];
const clock = (): [number, number] => {
  const [w, c] = raw();
  return [w - inEval[0], c - inEval[1]];
};
const rows: Row[] = [];
const log = (step: number, loss?: number): void => {
  const [wallS, cpuS] = clock();
  const before = raw();
  const [goalDistance, successRate] = scores(trainer.evaluate());
  const after = raw();
  inEval[0] += after[0] - before[0];
  inEval[1] += after[1] - before[1];
  rows.push({ step, goalDistance, successRate, loss, wallS, cpuS, load: loadavg()[0] });
  console.log(
    `step ${step}: held-out goal distance ${goalDistance.toFixed(4)}, success ${successRate.toFixed(3)}, wall ${wallS.toFixed(1)} s, cpu ${cpuS.toFixed(1)} s, load ${loadavg()[0].toFixed(2)}`,
  );
};
log(0);
for (let s = 1; s <= steps; s++) {
  const m = trainer.trainStep();
  if (s % every === 0 || s === steps) log(s, m.loss);
}
// what a goal-blind controller could reach at best on the held-out goals: one speed for all, the median goal
const task = config.task;
if (task.type !== 'locomotion') throw new Error('bench/mpmLocomotion: expected task locomotion');
const held = new LocomotionGoals(
  { goal: task.goal, range: task.goal_range, horizon: task.horizon, envs: task.envs, evalGoals: task.eval_goals, tolerance: 1, seed: 0 },
  config.simulator.dt,
  'f64',
)
  .evaluationGoals()
  .sort();
const median = held.length % 2 ? held[(held.length - 1) / 2] : (held[held.length / 2 - 1] + held[held.length / 2]) / 2;
const goalBlind = held.reduce((a, g) => a + Math.abs(g - median), 0) / held.length;
const first = rows[0];
const last = rows[rows.length - 1];
const meta = {
  config: 'configs/mpm-locomotion.yaml',
  steps,
  envs: task.envs,
  horizon: task.horizon,
  goal_blind_best: goalBlind,
  date: new Date().toISOString(),
  untrained: { goal_distance: first.goalDistance, success_rate: first.successRate },
  trained: { goal_distance: last.goalDistance, success_rate: last.successRate },
  wall_s: last.wallS,
  cpu_s: last.cpuS,
  rows,
};
writeResults('mpmLocomotion', meta);
if (process.argv.includes(WRITE_FLAG)) {
  const table = mdTable(
    ['step', 'held-out goal distance', 'success rate', 'training loss', 'wall s (cumulative)', 'CPU s', 'load avg (1 min)'],
    rows.map((r) => [
      String(r.step),
      r.goalDistance.toFixed(4),
      r.successRate.toFixed(3),
      r.loss === undefined ? '' : r.loss.toExponential(2),
      r.wallS.toFixed(1),
      r.cpuS.toFixed(1),
      r.load.toFixed(2),
    ]),
  );
  const md = [
    '# MPM locomotion (configs/mpm-locomotion.yaml)',
    '',
    `Written by \`npx tsx bench/mpmLocomotion.ts --write\` on ${meta.date}: ${steps} Adam steps of ${meta.envs} environments x ${meta.horizon} MPM`,
    'steps each; held-out goals evaluated at step 0 (the untrained controller) and every logged step. Times include',
    "compilation (the first step's segment and its vjp) and exclude evaluation; the machine has 2 cores shared with other",
    'jobs, so wall times are upper bounds (see the load column). Goals are target mean x velocities over the episode',
    '(distance = velocity x horizon x dt); the goal distance is the mean |achieved - goal| over the held-out goals.',
    '',
    `Held-out goal distance: untrained ${first.goalDistance.toFixed(4)}, trained ${last.goalDistance.toFixed(4)} (success rate ${first.successRate.toFixed(3)} -> ${last.successRate.toFixed(3)});`,
    `the best a goal-blind controller could do (one speed, the median goal, for every goal) is ${goalBlind.toFixed(4)}.`,
    '',
    table,
    '',
  ].join('\n');
  writeFileSync(fileURLToPath(new URL('./results-mpm-locomotion.md', import.meta.url)), md);
}
