// Sweep planning, statistics and the pool, without child processes: grid order, seeded random draws, stable run ids,
// the budget, mean / std against a hand computation, and the pool's concurrency limit and stop.
import { expect } from 'chai';
import { gridSettings, planRuns, randomSettings, settingId } from '../../runner/sweepPlan.js';
import { sweepSchema } from '../../runner/sweepSchema.js';
import { bestRun, resultsCsv, settingStats, summaryMarkdown, type RunRow } from '../../runner/sweepResults.js';
import { runPool } from '../../runner/sweepPool.js';

const sweepOf = (o: Record<string, unknown>) => sweepSchema.parse({ name: 's', base: 'b.yaml', ...o });

describe('sweep: plan', () => {
  it('crosses grid values in key order (last key fastest) and repeats each setting over the seeds', () => {
    expect(gridSettings({ a: [1, 2], b: ['x', 'y'] })).to.deep.equal([
      { a: 1, b: 'x' },
      { a: 1, b: 'y' },
      { a: 2, b: 'x' },
      { a: 2, b: 'y' },
    ]);
    const runs = planRuns(sweepOf({ grid: { 'training.lr': [0.1, 0.2] }, seeds: [5, 7] }));
    expect(runs.map((r) => [r.setting['training.lr'], r.seed])).to.deep.equal([
      [0.1, 5],
      [0.1, 7],
      [0.2, 5],
      [0.2, 7],
    ]);
    expect(runs[0].id).to.equal(`${runs[0].settingId}-s5`);
    expect(runs[0].settingId).to.equal(runs[1].settingId).and.not.equal(runs[2].settingId);
  });

  it('run ids depend on the setting and seed only (not key order, position or other settings)', () => {
    expect(settingId({ a: 1, b: [2, 3] })).to.equal(settingId({ b: [2, 3], a: 1 }));
    expect(settingId({ a: 1 })).to.not.equal(settingId({ a: '1' }));
    expect(settingId({})).to.equal('base');
    const small = planRuns(sweepOf({ grid: { x: [2] } }));
    const big = planRuns(sweepOf({ grid: { x: [1, 2, 3] } }));
    expect(big.map((r) => r.id)).to.include(small[0].id);
    expect(planRuns(sweepOf({ seeds: 2 })).map((r) => r.id)).to.deep.equal(['base-s0', 'base-s1']);
  });

  it('random draws are seeded, inside their ranges, and crossed with the grid', () => {
    const random = {
      count: 200,
      seed: 4,
      params: { u: { uniform: [2, 3] }, l: { log_uniform: [1e-4, 1e-2] }, i: { int: [1, 3] }, c: { choice: ['p', 'q'] } },
    };
    const a = randomSettings(sweepOf({ random }).random);
    expect(randomSettings(sweepOf({ random }).random)).to.deep.equal(a);
    expect(randomSettings(sweepOf({ random: { ...random, seed: 5 } }).random)).to.not.deep.equal(a);
    for (const s of a) {
      expect(s.u).to.be.within(2, 3);
      expect(s.l).to.be.within(1e-4, 1e-2);
      expect([1, 2, 3]).to.include(s.i);
      expect(['p', 'q']).to.include(s.c);
    }
    // log-uniform: about half the draws below the geometric mean 1e-3; every integer and choice drawn
    const below = a.filter((s) => (s.l as number) < 1e-3).length;
    expect(below).to.be.within(70, 130);
    expect(new Set(a.map((s) => s.i)).size).to.equal(3);
    const runs = planRuns(sweepOf({ grid: { g: [0, 1] }, random: { count: 3, params: { u: { uniform: [0, 1] } } } }));
    expect(runs).to.have.length(6);
    expect(runs.map((r) => r.setting.g)).to.deep.equal([0, 0, 0, 1, 1, 1]);
  });

  it('budget.max_runs keeps the first runs in plan order', () => {
    const runs = planRuns(sweepOf({ grid: { x: [1, 2, 3] }, seeds: 2, budget: { max_runs: 3 } }));
    expect(runs.map((r) => [r.setting.x, r.seed])).to.deep.equal([
      [1, 0],
      [1, 1],
      [2, 0],
    ]);
  });
});

describe('sweep: results', () => {
  const runs = planRuns(sweepOf({ grid: { 'training.lr': [0.1, 0.2] }, seeds: 3 }));
  const l2 = [0.1, 0.3, 0.2, 4, 5, Number.NaN];
  const rows: RunRow[] = runs.map((run, i) => ({
    run,
    status: i === 5 ? 'diverged' : 'completed',
    steps: 10,
    loss: l2[i] * 2,
    l2re: l2[i],
    wallTime: i,
  }));

  it('mean and sample std over the completed seeds of each setting', () => {
    const st = settingStats(rows, 'l2re');
    expect(st.map((s) => [s.n, s.runs])).to.deep.equal([
      [3, 3],
      [2, 3],
    ]);
    expect(st[0].mean).to.be.closeTo(0.2, 1e-15);
    expect(st[0].std).to.be.closeTo(0.1, 1e-15); // deviations -0.1, 0.1, 0 -> sqrt(0.02 / 2)
    expect(st[1].mean).to.equal(4.5);
    expect(st[1].std).to.be.closeTo(Math.SQRT1_2, 1e-15);
    expect(bestRun(rows, 'l2re')?.run.id).to.equal(runs[0].id);
  });

  it('results.csv has one row per run with the swept keys; summary.md names the best run', () => {
    const csv = resultsCsv(rows).trim().split('\n');
    expect(csv[0]).to.equal('run_id,setting,seed,training.lr,status,steps,loss,l2re,wall_time');
    expect(csv[1]).to.equal(`${runs[0].id},${runs[0].settingId},0,0.1,completed,10,0.2,0.1,0`);
    expect(csv).to.have.length(7);
    const md = summaryMarkdown('s', rows, 'l2re');
    expect(md).to.contain('6 runs: 5 completed, 1 diverged');
    expect(md).to.contain(`\`${runs[0].id}\` (seed 0): l2re 1.0000e-1; training.lr=0.1`);
    expect(md).to.contain(`| ${runs[3].settingId} | 0.2 | 2/3 | 4.5000e+0 | 7.0711e-1 |`);
  });
});

describe('sweep: pool', () => {
  const later = (ms: number) => new Promise((r) => setTimeout(r, ms));

  it('runs every job with at most `workers` at once', async () => {
    let active = 0;
    let peak = 0;
    const order: number[] = [];
    const results = await runPool([1, 2, 3, 4, 5], 2, (j) => {
      active++;
      peak = Math.max(peak, active);
      order.push(j);
      return {
        done: later(5 * (6 - j)).then(() => {
          active--;
          return j * 10;
        }),
        stop() {},
      };
    });
    expect(peak).to.equal(2);
    expect(order).to.deep.equal([1, 2, 3, 4, 5]);
    expect([...results.values()].sort((a, b) => a - b)).to.deep.equal([10, 20, 30, 40, 50]);
  });

  it('an abort launches nothing more and stops the running jobs', async () => {
    const ac = new AbortController();
    const stopped: number[] = [];
    const launched: number[] = [];
    const results = await runPool(
      [1, 2, 3, 4],
      2,
      (j) => {
        launched.push(j);
        let finish: (v: string) => void = () => {};
        const done = new Promise<string>((r) => (finish = r));
        if (j === 2) setTimeout(() => ac.abort(), 5);
        return {
          done,
          stop() {
            stopped.push(j);
            finish('stopped');
          },
        };
      },
      {},
      ac.signal,
    );
    expect(launched).to.deep.equal([1, 2]);
    expect(stopped.sort()).to.deep.equal([1, 2]);
    expect([...results.values()]).to.deep.equal(['stopped', 'stopped']);
  });
});
