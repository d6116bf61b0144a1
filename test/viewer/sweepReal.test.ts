// The sweep page's endpoints on a sweep directory written by the real `fluxion sweep` (child processes on a tiny
// PINN: 2 learning rates, 1 seed, 20 steps): the rows are results.csv's, the curves each run's metrics.jsonl.
import { expect } from 'chai';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../runner/cli.js';
import { readMetrics } from '../../runner/outputs.js';
import { serveRun, type ViewerServer } from '../../viewer/index.js';
import type { WireRunMetrics, WireSweep } from '../../viewer/wire.js';
import { sinks, tempDir, writeConfig } from '../runner/helpers.js';
import { rawGet } from './http.js';
import { tinySweep } from '../runner/tinySweep.js';

const SWEEP = tinySweep({
  name: 'tiny',
  lrs: [0.003, 0.02],
  seeds: 1,
  training: '{ steps: 20, lr: 0.01, points: { domain: 32, boundary: 8, test: 32 }, log_every: 5 }',
});

describe('viewer server on a sweep written by fluxion sweep', function () {
  this.timeout(300000);
  const dir = tempDir('fluxion-viewer-realsweep-');
  const out = join(dir, 'tiny');
  let server: ViewerServer;

  before(async () => {
    const s = sinks();
    const code = await main(['sweep', writeConfig(dir, SWEEP, 'sweep.yaml'), '--out', out, '--workers', '1', '--quiet'], s.deps);
    expect(code, s.err.join('')).to.equal(0);
    server = await serveRun(out, { appDir: join(dir, 'no-app') });
  });
  after(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("serves results.csv's rows and each run's metrics.jsonl curves", async () => {
    const sweep = JSON.parse((await rawGet(server.url, '/api/sweep')).body) as WireSweep;
    const csv = readFileSync(join(out, 'results.csv'), 'utf8').trim().split('\n').slice(1);
    expect(sweep.keys).to.deep.equal(['training.lr']);
    expect(sweep.rows.map((r) => r.id)).to.deep.equal(csv.map((l) => l.split(',')[0]));
    expect(sweep.rows.map((r) => r.params['training.lr'])).to.deep.equal(['0.003', '0.02']);
    for (const row of sweep.rows) {
      expect(row.status).to.equal('completed');
      const written = readMetrics(join(out, row.id, 'metrics.jsonl'));
      const m = JSON.parse((await rawGet(server.url, `/api/metrics?run=${row.id}`)).body) as WireRunMetrics;
      const loss = m.curves.find((c) => c.name === 'loss')!;
      expect(loss.steps).to.deep.equal(written.map((w) => w.step));
      expect(loss.values).to.deep.equal(written.map((w) => w.loss));
      expect(row.loss).to.equal(JSON.parse(readFileSync(join(out, row.id, 'summary.json'), 'utf8')).loss);
    }
  });
});
