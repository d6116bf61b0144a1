/**
 * Viewer throughput. Run: npx tsx bench/viewer.ts
 * - Server: GET /api/dataset (meshes/ decode + binary body, wire.ts) on a 128x128x32 space-time grid with
 *   three Float64 fields, against GET /run/<same file> (raw bytes, no decoding: the peer that
 *   any static file server reaches) and against the machine's memcpy bandwidth (Buffer copy of
 *   the same payload) as the bytes/s limit.
 * - App side (in Node, same code the browser runs): body decode (views, no copy) and one time slice to a surface.
 * The HTTP client is curl in its own process when available: an in-process fetch shares the
 * server's event loop and measured ~30x slower than the server itself.
 * The machine has 2 cores shared with other developers: numbers are noisy (best of repeats).
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeVtk } from '../meshes/index.js';
import { decodeDataset } from '../viewer/app/dataset.js';
import { toSurface } from '../viewer/app/surface.js';
import { serveRun } from '../viewer/index.js';
import { bestAsync } from './timing.js';

/** Best seconds of `reps` awaited calls after a warm-up call. */
const best = (reps: number, f: () => Promise<unknown> | unknown): Promise<number> => bestAsync(reps, async () => f(), true);

/** Runs f n times one after another (requests must not overlap). */
async function sequential<T>(n: number, f: () => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < n; i++) out.push(await f());
  return out;
}

const [nx, ny, nt] = [128, 128, 32];
const n = nx * ny * nt;
const tmp = mkdtempSync(join(tmpdir(), 'fluxion-bench-viewer-'));
const run = join(tmp, 'run');
mkdirSync(join(run, 'fields'), { recursive: true });
const u = new Float64Array(n).map((_, i) => Math.sin(i * 1e-3));
const ref = u.map((v, i) => v + 1e-3 * Math.cos(i));
const err = u.map((v, i) => Math.abs(v - ref[i]));
const file = join(run, 'fields', 'solution.vti');
writeVtk(file, {
  kind: 'ImageData',
  dims: [nx, ny, nt],
  origin: [0, 0, 0],
  spacing: [1, 1, 1],
  pointData: [
    { name: 'u', values: u },
    { name: 'u_ref', values: ref },
    { name: 'u_err', values: err },
  ],
});
const bytes = statSync(file).size;
const server = await serveRun(run);
try {
  // Seconds for one request, as curl times it (process start-up excluded), else by fetch.
  const curl = (url: string) =>
    new Promise<number>((resolve, reject) =>
      execFile('curl', ['-sf', '-o', '/dev/null', '-w', '%{time_total}', url], (e, out) => (e ? reject(e) : resolve(Number(out)))),
    );
  const hasCurl = await curl(server.url + 'api/list').then(
    () => true,
    () => false,
  );
  const get = async (path: string): Promise<number> => {
    const url = new URL(path, server.url).href;
    if (hasCurl) return curl(url);
    const t0 = performance.now();
    await (await fetch(url)).arrayBuffer();
    return (performance.now() - t0) / 1000;
  };
  // Best of 5 after one warm-up request.
  const bestGet = async (path: string) => Math.min(...(await sequential(6, () => get(path))).slice(1));
  const raw = await bestGet('/run/fields/solution.vti');
  const api = await bestGet('/api/dataset?path=fields/solution.vti');
  const body = await (await fetch(new URL('/api/dataset?path=fields/solution.vti', server.url))).arrayBuffer();
  const src = Buffer.alloc(bytes, 1);
  const dst = Buffer.alloc(bytes);
  const copy = await best(20, () => src.copy(dst));
  const decode = await best(5, () => decodeDataset(body));
  const ds = decodeDataset(body);
  const slice = await best(5, () => toSurface(ds, nt >> 1));
  const mb = bytes / 1e6;
  console.log(
    `viewer bench: ${nx}x${ny}x${nt} grid, 3 Float64 fields, ${mb.toFixed(1)} MB .vti, body ${(body.byteLength / 1e6).toFixed(1)} MB, client ${hasCurl ? 'curl' : 'fetch'}`,
  );
  console.log(`  GET /run (raw file)     ${(raw * 1e3).toFixed(1)} ms  ${(mb / raw).toFixed(0)} MB/s`);
  console.log(
    `  GET /api/dataset        ${(api * 1e3).toFixed(1)} ms  ${(mb / api).toFixed(0)} MB/s  (${(api / raw).toFixed(1)}x the raw file)`,
  );
  console.log(
    `  memcpy limit            ${(copy * 1e3).toFixed(2)} ms  ${(mb / copy).toFixed(0)} MB/s  (api at ${((100 * copy) / api).toFixed(1)}% of it)`,
  );
  console.log(`  app: decode body        ${(decode * 1e6).toFixed(0)} µs  (typed-array views into the body, no copy)`);
  console.log(`  app: one slice surface  ${(slice * 1e3).toFixed(1)} ms  (${nx * ny} points, ${(nx - 1) * (ny - 1)} quads)`);
} finally {
  await server.close();
  rmSync(tmp, { recursive: true, force: true });
}
