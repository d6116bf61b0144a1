// A sweep directory (runs/<sweep>/, written by `fluxion sweep`) for the viewer: its results.csv as typed rows
// and one run's loss / l2re curves. Run files are reached only through resolveInside and only for run ids
// listed in results.csv.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { metricCurves, parseMetrics } from './app/metrics.js';
import { parseCsv } from './csv.js';
import { resolveInside } from './safePath.js';
import type { WireRunMetrics, WireSweep, WireSweepRow } from './wire.js';

export const RESULTS_FILE = 'results.csv';
/** results.csv columns around the swept keys (runner/sweepResults.ts resultsCsv). */
const LEAD = ['run_id', 'setting', 'seed'];
const TAIL = ['status', 'steps', 'loss', 'l2re', 'wall_time'];

/** A sweep directory is one with results.csv at its root (a run directory never has one). */
export function isSweepDir(realRoot: string): boolean {
  const p = join(realRoot, RESULTS_FILE);
  return existsSync(p) && statSync(p).isFile();
}

const num = (cell: string | undefined): number | undefined => {
  if (cell === undefined || cell.trim() === '') return undefined;
  const v = Number(cell);
  return Number.isNaN(v) ? undefined : v;
};

export function parseResults(name: string, text: string): WireSweep {
  const [head, ...body] = parseCsv(text);
  if (!head || LEAD.some((c, i) => head[i] !== c) || TAIL.some((c, i) => head[head.length - TAIL.length + i] !== c))
    throw new Error(
      `${RESULTS_FILE}: expected the columns ${[...LEAD, '<swept keys>', ...TAIL].join(',')}, got '${(head ?? []).join(',')}'`,
    );
  const keys = head.slice(LEAD.length, head.length - TAIL.length);
  const col = (r: string[], c: string): string | undefined => r[head.indexOf(c)];
  const rows = body
    .filter((r) => r.length === head.length)
    .map(
      (r): WireSweepRow => ({
        id: r[0],
        setting: r[1],
        seed: num(r[2]) ?? 0,
        params: Object.fromEntries(keys.map((k, i) => [k, r[LEAD.length + i]])),
        status: col(r, 'status') ?? '',
        steps: num(col(r, 'steps')),
        loss: num(col(r, 'loss')),
        l2re: num(col(r, 'l2re')),
        wallTime: num(col(r, 'wall_time')),
      }),
    );
  return { name, keys, rows };
}

export function readSweep(realRoot: string): WireSweep {
  return parseResults(basename(realRoot), readFileSync(join(realRoot, RESULTS_FILE), 'utf8'));
}

/** The real directory of run `id` of the sweep, or why not: the id must be a row of results.csv. */
export function sweepRunDir(realRoot: string, id: string): { ok: true; path: string } | { ok: false; status: 403 | 404; reason: string } {
  if (!readSweep(realRoot).rows.some((r) => r.id === id)) return { ok: false, status: 404, reason: `no run '${id}' in ${RESULTS_FILE}` };
  const r = resolveInside(realRoot, encodeURIComponent(id));
  if (!r.ok) return { ok: false, status: r.status === 400 ? 403 : r.status, reason: r.reason };
  if (!statSync(r.path).isDirectory()) return { ok: false, status: 404, reason: `run '${id}' has no directory` };
  return r;
}

/** The loss and l2re curves of a run directory's metrics.jsonl (none yet for a pending run). */
export function runMetrics(run: string, realRunDir: string): WireRunMetrics {
  const f = resolveInside(realRunDir, 'metrics.jsonl');
  const text = f.ok && statSync(f.path).isFile() ? readFileSync(f.path, 'utf8') : '';
  return { run, curves: metricCurves(parseMetrics(text)).filter((c) => c.name === 'loss' || c.name === 'l2re') };
}
