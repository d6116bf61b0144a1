import { expect } from 'chai';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serveRun, type ViewerServer } from '../../viewer/index.js';
import type { RunListing, WireSeries } from '../../viewer/wire.js';
import { decodeDataset } from '../../viewer/app/dataset.js';
import { encodeWire } from '../../viewer/encode.js';
import { decodeVtk } from '../../meshes/index.js';
import { FRAMES, GRID, writeFixtureRun } from './fixture.js';
import { rawGet } from './http.js';

describe('viewer server', () => {
  let tmp: string;
  let run: string;
  let server: ViewerServer;

  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'fluxion-viewer-'));
    run = writeFixtureRun(join(tmp, 'run'));
    writeFileSync(join(tmp, 'secret.txt'), 'TOP-SECRET');
    mkdirSync(join(tmp, 'elsewhere'));
    writeFileSync(join(tmp, 'elsewhere', 'data.vti'), 'not yours');
    symlinkSync(join(tmp, 'secret.txt'), join(run, 'leak.txt'));
    symlinkSync(join(tmp, 'elsewhere'), join(run, 'linkdir'));
    writeFileSync(join(run, 'fields', 'inner.txt'), 'inside');
    symlinkSync(join(run, 'fields', 'inner.txt'), join(run, 'alias.txt')); // stays inside: allowed
    server = await serveRun(run, { appDir: join(tmp, 'no-app') });
  });
  after(async () => {
    await server.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('listens on 127.0.0.1 only and refuses other hosts', async () => {
    expect(server.url).to.match(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    for (const host of ['0.0.0.0', '::', 'localhost', '192.168.0.1']) {
      let err: Error | undefined;
      try {
        await serveRun(run, { host });
      } catch (e) {
        err = e as Error;
      }
      expect(err?.message, host).to.contain('host').and.contain(host);
    }
  });

  it('rejects a missing run directory and a bad port with named errors', async () => {
    let msg = '';
    await serveRun(join(tmp, 'nope')).catch((e: Error) => (msg = e.message));
    expect(msg).to.contain('runDir').and.contain('nope');
    await serveRun(run, { port: -3 }).catch((e: Error) => (msg = e.message));
    expect(msg).to.contain('port').and.contain('-3');
  });

  it('serves run files and the listing', async () => {
    const r = await rawGet(server.url, '/run/summary.json');
    expect(r.status).to.equal(200);
    expect(JSON.parse(r.body).l2re).to.equal(0.012);
    const listing = JSON.parse((await rawGet(server.url, '/api/list')).body) as RunListing;
    const paths = listing.files.map((f) => f.path);
    expect(listing.name).to.equal('run');
    expect(paths).to.include.members(['metrics.jsonl', 'fields/solution.vti', 'fields/robot.pvd', 'alias.txt']);
    // Symlinks leading out of the run are not even listed.
    expect(paths.some((p) => p.startsWith('leak') || p.startsWith('linkdir'))).to.equal(false);
    expect((await rawGet(server.url, '/run/alias.txt')).body).to.equal('inside');
  });

  const attacks = [
    '/run/../secret.txt',
    '/run/fields/../../secret.txt',
    '/run/..%2fsecret.txt',
    '/run/..%2Fsecret.txt',
    '/run/%2e%2e/secret.txt',
    '/run/%2e%2e%2fsecret.txt',
    '/run/fields%2f..%2f..%2fsecret.txt',
    '/run/%2fetc%2fpasswd',
    '/run//etc/passwd',
    '/run/..%5csecret.txt',
    '/run/leak.txt',
    '/run/linkdir/data.vti',
    '/run/%00summary.json',
    '/run/%zz',
    '/api/dataset?path=../elsewhere/data.vti',
    '/api/dataset?path=%2Fetc%2Fpasswd',
    '/api/dataset?path=linkdir/data.vti',
    '/api/series?path=..%2Fsecret.txt',
    '/app/../../package.json',
  ];
  for (const target of attacks) {
    it(`refuses ${target}`, async () => {
      const r = await rawGet(server.url, target);
      expect([400, 403, 404], r.body).to.include(r.status);
      expect(r.body).to.not.contain('TOP-SECRET').and.not.contain('not yours').and.not.contain('root:');
    });
  }

  it('refuses requests whose Host header is not loopback (DNS rebinding)', async () => {
    const port = new URL(server.url).port;
    expect((await rawGet(server.url, '/api/list', `evil.example:${port}`)).status).to.equal(403);
    expect((await rawGet(server.url, '/api/list', `localhost:${port}`)).status).to.equal(200);
  });

  it('sends decoded datasets as one binary body, losslessly', async () => {
    const ds = decodeDataset((await rawGet(server.url, '/api/dataset?path=fields/solution.vti')).bytes);
    if (ds.kind !== 'ImageData') throw new Error(`expected ImageData, got ${ds.kind}`);
    expect(ds.dims).to.deep.equal([GRID.nx, GRID.ny, GRID.nt]);
    const u = ds.pointData.find((f) => f.name === 'u')!;
    const ref = ds.pointData.find((f) => f.name === 'u_ref')!;
    // Spot value of the analytic reference at (i, j, k) = (4, 6, 2): bit-exact through base64.
    const [i, j, k] = [4, 6, 2];
    const x = i / (GRID.nx - 1),
      y = j / (GRID.ny - 1),
      t = k / (GRID.nt - 1);
    expect(ref.values[(k * GRID.ny + j) * GRID.nx + i]).to.equal(Math.sin(2 * Math.PI * (x - 0.6 * t)) * Math.sin(Math.PI * y));
    expect(u.values.length).to.equal(GRID.nx * GRID.ny * GRID.nt);
    const mesh = decodeDataset((await rawGet(server.url, '/api/dataset?path=fields/mesh.vtu')).bytes);
    if (mesh.kind !== 'UnstructuredGrid') throw new Error('expected UnstructuredGrid');
    expect(mesh.types.length).to.equal(32);
    expect([...mesh.types].every((c) => c === 5)).to.equal(true);
    expect([...mesh.cells.connectivity.subarray(0, 6)]).to.deep.equal([0, 1, 6, 0, 6, 5]);
    expect([...mesh.points.subarray(3 * 7, 3 * 7 + 3)]).to.deep.equal([0.5, 0.25, 0]); // point (i, j) = (2, 1)
    const robot = decodeDataset((await rawGet(server.url, '/api/dataset?path=fields/robot_0001.vtp')).bytes);
    if (robot.kind !== 'PolyData') throw new Error('expected PolyData');
    expect(robot.verts?.offsets.length).to.equal(12);
    expect(robot.lines?.offsets.length).to.equal(17); // 3x4 lattice: 9 horizontal + 8 vertical springs
    expect(robot.pointData[0].components).to.equal(3);
  });

  it('rejects truncated dataset bodies with a message saying where', () => {
    const ds = decodeVtk(readFileSync(join(run, 'fields', 'mesh.vtu')));
    const body = encodeWire(ds);
    const whole = body.buffer.slice(body.byteOffset, body.byteOffset + body.length) as ArrayBuffer;
    expect(decodeDataset(whole).kind).to.equal('UnstructuredGrid');
    expect(() => decodeDataset(whole.slice(0, whole.byteLength - 8))).to.throw(/runs past the end/);
    expect(() => decodeDataset(whole.slice(0, 2))).to.throw(/at least 4 bytes/);
    expect(() => decodeDataset(whole.slice(0, 20))).to.throw(/header length \d+ exceeds/);
  });

  it('lists .pvd frames relative to the run directory', async () => {
    const s = JSON.parse((await rawGet(server.url, '/api/series?path=fields/robot.pvd')).body) as WireSeries;
    expect(s.frames.map((f) => f.file)).to.deep.equal(Array.from({ length: FRAMES }, (_, f) => `fields/robot_000${f}.vtp`));
    expect(s.frames[2].time).to.be.closeTo(0.2, 1e-12);
    const r = await rawGet(server.url, `/api/dataset?path=${encodeURIComponent(s.frames[1].file)}`);
    expect(r.status).to.equal(200);
  });

  it('answers clearly when the app is not built, and 400 for non-VTK dataset paths', async () => {
    const r = await rawGet(server.url, '/');
    expect(r.status).to.equal(500);
    expect(r.body).to.contain('viewer/build.mjs');
    expect((await rawGet(server.url, '/api/dataset?path=summary.json')).status).to.equal(400);
    expect((await rawGet(server.url, '/api/dataset')).status).to.equal(400);
  });
});
