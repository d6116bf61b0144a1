// results.csv as the sweep writes it, read back by the viewer (viewer/sweepData.ts), and the page's sort.
import { expect } from 'chai';
import type { PlannedRun } from '../../runner/sweepPlan.js';
import { resultsCsv, type RunRow } from '../../runner/sweepResults.js';
import { sortRows, sweepColumns } from '../../viewer/app/sweepTable.js';
import { parseResults } from '../../viewer/sweepData.js';

const run = (id: string, setting: Record<string, unknown>, seed: number): PlannedRun => ({ id, settingId: id.slice(0, 1), setting, seed });

describe('viewer: sweep results table', () => {
  // Settings whose cells need quoting: a list (commas) and a string with a quote and a comma.
  const rows: RunRow[] = [
    {
      run: run('a-s0', { 'network.layers': [32, 32], name: 'say "hi", bye' }, 0),
      status: 'completed',
      steps: 5,
      loss: 0.5,
      l2re: 0.2,
      wallTime: 3,
    },
    { run: run('b-s0', { 'network.layers': [64], name: 'x' }, 0), status: 'failed' },
    { run: run('c-s1', { 'network.layers': [8, 8, 8], name: 'y' }, 1), status: 'completed', steps: 5, loss: 0.1, l2re: 10, wallTime: 2 },
    { run: run('d-s1', { 'network.layers': [8], name: 'z' }, 1), status: 'pending' },
  ];
  const sweep = parseResults('s', resultsCsv(rows));

  it('reads back every row and value that resultsCsv wrote, quoted cells included', () => {
    expect(sweep.keys).to.deep.equal(['network.layers', 'name']);
    expect(sweep.rows.map((r) => r.id)).to.deep.equal(['a-s0', 'b-s0', 'c-s1', 'd-s1']);
    expect(sweep.rows[0].params).to.deep.equal({ 'network.layers': '[32,32]', name: 'say "hi", bye' });
    expect(sweep.rows.map((r) => [r.status, r.seed, r.steps, r.loss, r.l2re, r.wallTime])).to.deep.equal(
      rows.map((r) => [r.status, r.run.seed, r.steps, r.loss, r.l2re, r.wallTime]),
    );
  });

  it('refuses a file that is not a results.csv, naming the columns', () => {
    expect(() => parseResults('s', 'a,b\n1,2\n')).to.throw(/results\.csv: expected the columns run_id,setting,seed/);
  });

  it('sorts numerically (10 after 0.2), empty cells last in both directions, ties in file order', () => {
    const col = (key: string) => sweepColumns(sweep.keys).find((c) => c.key === key)!;
    const ids = (key: string, desc: boolean) => sortRows(sweep.rows, col(key), desc).map((r) => r.id);
    expect(ids('l2re', false)).to.deep.equal(['a-s0', 'c-s1', 'b-s0', 'd-s1']);
    expect(ids('l2re', true)).to.deep.equal(['c-s1', 'a-s0', 'b-s0', 'd-s1']);
    expect(ids('seed', true)).to.deep.equal(['c-s1', 'd-s1', 'a-s0', 'b-s0']);
    expect(ids('status', false)).to.deep.equal(['a-s0', 'c-s1', 'b-s0', 'd-s1']);
  });
});
