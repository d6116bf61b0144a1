// Runner overheads: (1) the run loop per step (event-loop yield for SIGINT, divergence checks,
// metrics) against a bare `for` loop over the same trainer; (2) checkpoint writes (JSON + fsync +
// rename) against writing the raw Float64 bytes once (the disk's limit on this machine);
// (3) one metrics.jsonl line. The machine has 2 cores shared with other developers: noisy numbers.
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runConfig } from '../runner/run.js';
import { writeCheckpoint } from '../runner/checkpoint.js';
import { MetricsLog, metricsRecord } from '../runner/outputs.js';
import type { Trainer } from '../runner/trainer.js';

const dir = mkdtempSync(join(tmpdir(), 'fluxion-bench-runner-'));

/** A trainer whose step costs ~nothing, so the measured time is the runner's own. */
function idleTrainer(): Trainer {
  let step = 0;
  let w = 1;
  return {
    get step() {
      return step;
    },
    trainStep() {
      step++;
      w *= 0.999;
      return { step, loss: w * w + 1e-3, terms: { a: w * w, b: 1e-3 } };
    },
    evaluate: () => ({ l2re: w }),
    predict: () => {
      throw new Error('unused');
    },
    state: () => ({ step, w }),
    load(s) {
      ({ step, w } = s as { step: number; w: number });
    },
    fields: () => [],
  };
}

async function timedRun(steps: number): Promise<number> {
  const cfg = join(dir, `idle${steps}.yaml`);
  writeFileSync(
    cfg,
    `kind: simulation\nname: idle\nsimulator: { type: mass-spring }\ntask: { type: walk }\ntraining: { steps: ${steps}, log_every: 100, checkpoint_every: ${steps} }\n`,
  );
  const t0 = performance.now();
  await runConfig({ configPath: cfg, outDir: join(dir, `idle${steps}`), quiet: true, trainerFactory: idleTrainer, log: () => {} });
  return performance.now() - t0;
}

/** Steady-state per-step cost: the difference of two run lengths cancels setup and final writes. */
async function loopOverhead(steps: number, pinnStepMs: number): Promise<void> {
  await timedRun(1000); // warm-up (module loading, JIT)
  const perStep = ((await timedRun(2 * steps)) - (await timedRun(steps))) / steps;
  const bare = idleTrainer();
  const t1 = performance.now();
  for (let i = 0; i < steps; i++) bare.trainStep();
  const direct = (performance.now() - t1) / steps;
  console.log(
    `run loop: ${(perStep * 1e3).toFixed(2)} us/step (log_every 100) vs bare loop ${(direct * 1e3).toFixed(3)} us/step -> overhead ${((perStep - direct) * 1e3).toFixed(2)} us/step`,
  );
  console.log(
    `  = ${(((perStep - direct) / pinnStepMs) * 100).toFixed(3)}% of a ${pinnStepMs} ms poisson2d PINN step (measured on this machine, wasm backend)`,
  );
}

function checkpointThroughput(nParams: number): void {
  const params = Array.from({ length: nParams }, (_, i) => Math.sin(i) * 1e-3 + i * 1e-9);
  const state = { step: 1, params, optimizer: { kind: 'adam', m: params, v: params } };
  const reps = 3;
  let t0 = performance.now();
  for (let r = 0; r < reps; r++)
    writeCheckpoint(join(dir, 'ckpt'), { version: 1, step: r, wallTime: 0, bestLoss: 1, configHash: 'x', trainer: state });
  const json = (performance.now() - t0) / reps;
  const bytes = 3 * nParams * 8;
  const raw = new Float64Array(3 * nParams);
  t0 = performance.now();
  for (let r = 0; r < reps; r++) writeFileSync(join(dir, 'raw.bin'), raw);
  const rawMs = (performance.now() - t0) / reps;
  console.log(
    `checkpoint of ${nParams} params (+ Adam m, v): ${json.toFixed(1)} ms (${(bytes / json / 1e3).toFixed(0)} MB/s of f64 state) ` +
      `vs raw f64 write ${rawMs.toFixed(1)} ms (${(bytes / rawMs / 1e3).toFixed(0)} MB/s, no fsync) -> ratio ${(json / rawMs).toFixed(1)}x`,
  );
}

function metricsLine(n: number): void {
  const log = new MetricsLog(join(dir, 'metrics.jsonl'));
  log.reset();
  const t0 = performance.now();
  for (let i = 1; i <= n; i++)
    log.append(metricsRecord({ step: i, loss: 1 / i, terms: { pde: 1 / i, bc: 2 / i }, lr: 1e-3 }, { l2re: 0.1 }, i * 1e-3));
  console.log(`metrics.jsonl line: ${(((performance.now() - t0) / n) * 1e3).toFixed(1)} us (appendFileSync)`);
}

await loopOverhead(20000, 25);
for (const n of [1e4, 1e5, 1e6]) checkpointThroughput(n);
metricsLine(2000);
rmSync(dir, { recursive: true, force: true });
