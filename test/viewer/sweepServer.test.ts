import { expect } from 'chai';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serveRun, type ViewerServer } from '../../viewer/index.js';
import type { RunListing, WireRunMetrics, WireSweep } from '../../viewer/wire.js';
import { writeFixtureRun } from './fixture.js';
import { rawGet } from './http.js';
import { SWEEP_STEPS, type SweepFixture, writeFixtureSweep } from './sweepFixture.js';

describe('viewer server on a sweep directory', () => {
  let tmp: string;
  let fx: SweepFixture;
  let appDir: string;
  let server: ViewerServer;

  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'fluxion-viewer-sweep-'));
    fx = writeFixtureSweep(join(tmp, 'lr'));
    // Stub pages: which one a route serves is all these tests look at.
    appDir = join(tmp, 'app');
    mkdirSync(appDir);
    writeFileSync(join(appDir, 'index.html'), 'RUN PAGE');
    writeFileSync(join(appDir, 'sweep.html'), 'SWEEP PAGE');
    // Outside the sweep: a secret, and a run directory that a listed row reaches through a symlink.
    writeFileSync(join(tmp, 'secret.txt'), 'TOP-SECRET');
    mkdirSync(join(tmp, 'outside'));
    writeFileSync(join(tmp, 'outside', 'metrics.jsonl'), '{"step":0,"loss":7,"l2re":7}\n');
    writeFileSync(join(tmp, 'outside', 'summary.json'), '"TOP-SECRET"');
    symlinkSync(join(tmp, 'outside'), join(fx.dir, 'evil'));
    symlinkSync(join(tmp, 'secret.txt'), join(fx.dir, fx.runs[0].id, 'leak.txt'));
    // Rows naming the symlinked directory and '..' (a tampered results.csv) must not open them either.
    appendFileSync(join(fx.dir, 'results.csv'), 'evil,x,0,1,completed,1,7,7,1\n..,x,0,1,pending,,,,\n');
    server = await serveRun(fx.dir, { appDir });
  });
  after(async () => {
    await server.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('serves the sweep page at / and the rows of results.csv at /api/sweep', async () => {
    expect((await rawGet(server.url, '/')).body).to.equal('SWEEP PAGE');
    const r = await rawGet(server.url, '/api/sweep');
    expect(r.status).to.equal(200);
    const sweep = JSON.parse(r.body) as WireSweep;
    expect(sweep.name).to.equal('lr');
    expect(sweep.keys).to.deep.equal(['training.lr']);
    const planned = sweep.rows.slice(0, 4);
    expect(planned.map((x) => x.id)).to.deep.equal(fx.runs.map((x) => x.id));
    expect(planned.map((x) => x.seed)).to.deep.equal([0, 1, 0, 1]);
    expect(planned.map((x) => x.params['training.lr'])).to.deep.equal(['0.003', '0.003', '1e-7', '1e-7']);
    expect(planned.map((x) => x.status)).to.deep.equal(['completed', 'completed', 'failed', 'pending']);
    expect(planned.map((x) => x.l2re)).to.deep.equal(fx.runs.map((x) => fx.l2re.get(x.id)));
    expect(planned.map((x) => x.steps)).to.deep.equal([SWEEP_STEPS, SWEEP_STEPS, undefined, undefined]);
    expect(planned[1].wallTime).to.equal(1.5);
  });

  it("serves a run's loss and l2re curves from its metrics.jsonl", async () => {
    const id = fx.runs[1].id;
    const r = await rawGet(server.url, `/api/metrics?run=${encodeURIComponent(id)}`);
    expect(r.status).to.equal(200);
    const m = JSON.parse(r.body) as WireRunMetrics;
    expect(m.run).to.equal(id);
    expect(m.curves.map((c) => c.name)).to.deep.equal(['loss', 'l2re']);
    const steps = Array.from({ length: SWEEP_STEPS }, (_, s) => s);
    expect(m.curves[0].steps).to.deep.equal(steps);
    // The fixture's second run decays at rate 0.4.
    m.curves[0].values.forEach((v, s) => expect(v).to.be.closeTo(Math.exp(-0.4 * s) + 1e-4, 1e-15));
    m.curves[1].values.forEach((v, s) => expect(v).to.be.closeTo(0.5 * Math.exp(-0.2 * s), 1e-15));
    // A failed run without metrics has no curves; an unknown run is a 404.
    expect((JSON.parse((await rawGet(server.url, `/api/metrics?run=${fx.runs[2].id}`)).body) as WireRunMetrics).curves).to.deep.equal([]);
    expect((await rawGet(server.url, '/api/metrics?run=nope-s0')).status).to.equal(404);
    expect((await rawGet(server.url, '/api/metrics')).status).to.equal(400);
  });

  it("serves each run's own page and files under /runs/<id>/", async () => {
    const id = fx.runs[0].id;
    const page = await rawGet(server.url, `/runs/${id}/`);
    expect(page.body).to.equal('RUN PAGE');
    expect((await rawGet(server.url, `/runs/${id}`)).status).to.equal(301);
    const listing = JSON.parse((await rawGet(server.url, `/runs/${id}/api/list`)).body) as RunListing;
    expect(listing.name).to.equal(id);
    expect(listing.files.map((f) => f.path)).to.deep.equal(['config.resolved.yaml', 'metrics.jsonl', 'summary.json']);
    const summary = JSON.parse((await rawGet(server.url, `/runs/${id}/run/summary.json`)).body) as { l2re: number };
    expect(summary.l2re).to.equal(fx.l2re.get(id));
    // The sweep's own files stay under /run/.
    expect((await rawGet(server.url, '/run/summary.md')).body).to.contain('# Sweep lr');
  });

  const attacks = [
    '/api/metrics?run=..',
    '/api/metrics?run=evil',
    '/api/metrics?run=..%2Fsecret.txt',
    `/api/metrics?run=%2F`,
    '/runs/../secret.txt',
    '/runs/..%2fsecret.txt',
    '/runs/%2e%2e/run/secret.txt',
    '/runs/../run/secret.txt',
    '/runs/evil/run/summary.json',
    '/runs/evil/api/list',
    '/runs/%2e%2e/',
    '/run/../secret.txt',
    '/run/evil/summary.json',
  ];
  it('refuses traversal through run ids, /runs/ and symlinked runs', async () => {
    for (const target of attacks) {
      const r = await rawGet(server.url, target);
      expect([400, 403, 404], `${target}: ${r.body}`).to.include(r.status);
      expect(r.body, target).to.not.contain('TOP-SECRET').and.not.contain('"loss":7');
    }
    // Reached through a run: a symlink out of the run is refused as in a single run.
    const leak = await rawGet(server.url, `/runs/${fx.runs[0].id}/run/leak.txt`);
    expect(leak.status).to.equal(403);
  });

  it('keeps serving a run directory as a single run (no sweep routes)', async () => {
    const run = writeFixtureRun(join(tmp, 'single'), 3);
    const single = await serveRun(run, { appDir });
    try {
      expect((await rawGet(single.url, '/')).body).to.equal('RUN PAGE');
      expect((await rawGet(single.url, '/api/sweep')).status).to.equal(404);
      expect((await rawGet(single.url, '/runs/x/')).status).to.equal(404);
    } finally {
      await single.close();
    }
  });
});
