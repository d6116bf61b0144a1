// `fluxion view`: a loopback-only HTTP server for one run directory. It serves the bundled app
// (viewer/dist), the in-browser training demo at /demo.html (viewer/demo), the run's own files under
// /run/, and three JSON endpoints:
//   /api/list                     files with sizes and mtimes (polled by the app for live runs)
//   /api/dataset?path=fields/x.vtu  a VTK file decoded by meshes/ (binary, see wire.ts)
//   /api/series?path=fields/f.pvd   a .pvd collection with run-relative frame paths
// Given a sweep directory (results.csv at its root, see sweepData.ts) it serves the sweep page at / instead,
// two more endpoints, and each run's own page under /runs/<id>/ (the same routes as above, relative to it):
//   /api/sweep                    results.csv as typed rows
//   /api/metrics?run=<id>         one run's loss and l2re curves
// Nothing outside the run (or sweep) directory is ever read: see safePath.ts.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { extname, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeVtk, readPvd } from '../meshes/index.js';
import { encodeWire } from './encode.js';
import { listRun } from './listing.js';
import { resolveInside } from './safePath.js';
import { isSweepDir, readSweep, runMetrics, sweepRunDir } from './sweepData.js';
import type { WireSeries } from './wire.js';

export interface ServeOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Only '127.0.0.1' is accepted: the viewer must never be reachable from another machine. */
  host?: string;
  /** Folder holding the bundled app (index.html, app.js); default viewer/dist. */
  appDir?: string;
}

export interface ViewerServer {
  /** e.g. http://127.0.0.1:38121/ */
  url: string;
  close(): Promise<void>;
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.jsonl': 'text/plain; charset=utf-8',
  '.yaml': 'text/plain; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.png': 'image/png',
};
const APP_FILES = new Set(['index.html', 'app.js', 'app.css', 'app.js.map', 'sweep.html', 'sweep.js', 'sweep.js.map']);
/** The in-browser training demo (viewer/demo), bundled into the same folder and served at the root. */
const DEMO_FILES = new Set(['demo.html', 'demo.js', 'demo.css', 'demo.js.map']);
const VTK_EXT = new Set(['.vti', '.vtu', '.vtp']);

/** The bundle sits in viewer/dist next to the sources; compiled code lives in dist/viewer/. */
export function defaultAppDir(): string {
  const candidates = [new URL('./dist/', import.meta.url), new URL('../../viewer/dist/', import.meta.url)].map((u) => fileURLToPath(u));
  return candidates.find((d) => existsSync(`${d}/index.html`)) ?? candidates[0];
}

function send(res: ServerResponse, status: number, body: string | Uint8Array, type = 'text/plain; charset=utf-8'): void {
  res.writeHead(status, {
    'content-type': type,
    'cache-control': 'no-store', // the app polls files that the runner rewrites
    'x-content-type-options': 'nosniff',
  });
  res.end(body);
}

const sendJson = (res: ServerResponse, value: unknown): void => send(res, 200, JSON.stringify(value), MIME['.json']);

export async function serveRun(runDir: string, options: ServeOptions = {}): Promise<ViewerServer> {
  const { port = 0, host = '127.0.0.1' } = options;
  if (host !== '127.0.0.1') throw new Error(`serveRun host: expected '127.0.0.1' (the viewer serves loopback only), got '${host}'`);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`serveRun port: expected an integer in 0..65535, got ${port}`);
  if (!existsSync(runDir) || !statSync(runDir).isDirectory()) throw new Error(`serveRun runDir: '${runDir}' is not a directory`);
  const root = realpathSync(runDir);
  const sweep = isSweepDir(root);
  const appDir = options.appDir ?? defaultAppDir();
  let boundPort = 0;

  const runFile = (res: ServerResponse, root: string, encoded: string): string | undefined => {
    const r = resolveInside(root, encoded);
    if (!r.ok) {
      send(res, r.status, `${r.status}: ${r.reason}\n`);
      return undefined;
    }
    if (!statSync(r.path).isFile()) {
      send(res, 404, '404: not a file\n');
      return undefined;
    }
    return r.path;
  };

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    // A page on another origin could point a DNS name at 127.0.0.1 (rebinding); only our own
    // host names are answered.
    const hostHeader = req.headers.host ?? '';
    if (hostHeader !== `127.0.0.1:${boundPort}` && hostHeader !== `localhost:${boundPort}`)
      return send(res, 403, '403: unexpected Host header\n');
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, '405: only GET\n');
    // Work on the raw target: WHATWG URL parsing would silently collapse '..' segments.
    const raw = req.url ?? '/';
    const q = raw.indexOf('?');
    const pathname = q < 0 ? raw : raw.slice(0, q);
    const query = new URLSearchParams(q < 0 ? '' : raw.slice(q + 1));

    if (pathname === '/favicon.ico') return send(res, 204, '');
    if (pathname.startsWith('/app/')) return sendApp(res, pathname.slice(5));
    if (DEMO_FILES.has(pathname.slice(1))) return sendApp(res, pathname.slice(1));
    if (!sweep) return handleRun(res, root, pathname, query);
    if (pathname === '/' || pathname === '/index.html') return sendApp(res, 'sweep.html');
    if (pathname === '/api/sweep') return sendJson(res, readSweep(root));
    if (pathname === '/api/metrics') {
      const id = query.get('run');
      if (!id) return send(res, 400, '400: missing ?run=\n');
      const dir = sweepRunDir(root, id);
      if (!dir.ok) return send(res, dir.status, `${dir.status}: ${dir.reason}\n`);
      return sendJson(res, runMetrics(id, dir.path));
    }
    const m = /^\/runs\/([^/]+)(\/.*)?$/.exec(pathname);
    if (m) {
      // A run's own page: the run app under /runs/<id>/ requests its routes relative to that prefix.
      let id: string;
      try {
        id = decodeURIComponent(m[1]);
      } catch {
        return send(res, 400, '400: malformed percent-encoding\n');
      }
      const dir = sweepRunDir(root, id);
      if (!dir.ok) return send(res, dir.status, `${dir.status}: ${dir.reason}\n`);
      if (m[2] === undefined) return redirect(res, `/runs/${encodeURIComponent(id)}/`);
      return handleRun(res, dir.path, m[2], query);
    }
    // The sweep's own files (results.csv, summary.md, <id>/metrics.jsonl) stay under /run/.
    handleRun(res, root, pathname, query);
  };

  /** The single-run routes against the run directory `root` (the served one, or a run of the served sweep). */
  const handleRun = (res: ServerResponse, root: string, pathname: string, query: URLSearchParams): void => {
    if (pathname === '/' || pathname === '/index.html') return sendApp(res, 'index.html');
    if (pathname.startsWith('/run/')) {
      const file = runFile(res, root, pathname.slice(5));
      if (file) send(res, 200, readFileSync(file), MIME[extname(file).toLowerCase()] ?? 'application/octet-stream');
      return;
    }
    if (pathname === '/api/list') return sendJson(res, listRun(root));
    if (pathname === '/api/dataset' || pathname === '/api/series') {
      const rel = query.get('path');
      if (!rel) return send(res, 400, '400: missing ?path=\n');
      const file = runFile(res, root, encodeURIComponent(rel));
      if (!file) return;
      const ext = extname(file).toLowerCase();
      if (pathname === '/api/dataset') {
        if (!VTK_EXT.has(ext)) return send(res, 400, `400: expected a .vti/.vtu/.vtp path, got '${rel}'\n`);
        return send(res, 200, encodeWire(decodeVtk(readFileSync(file), rel)), 'application/octet-stream');
      }
      if (ext !== '.pvd') return send(res, 400, `400: expected a .pvd path, got '${rel}'\n`);
      const dir = posix.dirname(rel);
      const series: WireSeries = {
        path: rel,
        frames: readPvd(file).map((f) => ({ time: f.time, file: posix.normalize(posix.join(dir, f.file)) })),
      };
      return sendJson(res, series);
    }
    send(res, 404, '404: not found\n');
  };

  const redirect = (res: ServerResponse, location: string): void => {
    res.writeHead(301, { location, 'cache-control': 'no-store' });
    res.end();
  };

  const sendApp = (res: ServerResponse, name: string): void => {
    if (!APP_FILES.has(name) && !DEMO_FILES.has(name)) return send(res, 404, '404: not an app file\n');
    const file = `${appDir}/${name}`;
    if (!existsSync(file)) return send(res, 500, `500: viewer app not built (missing ${file}); run 'node viewer/build.mjs'\n`);
    send(res, 200, readFileSync(file), MIME[extname(name)]);
  };

  const server = createServer((req, res) => {
    try {
      handle(req, res);
    } catch (e) {
      // A half-written file from a live run decodes badly; the app retries on the next poll.
      if (!res.headersSent) send(res, 500, `500: ${(e as Error).message}\n`);
      else res.destroy();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  boundPort = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${boundPort}/`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((e) => (e ? reject(e) : resolve()));
      }),
  };
}
