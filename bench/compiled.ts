// The compiled package (dist/, what `fluxion` runs through bin/fluxion.js) for benches that time what users run:
// built here with `tsc -p tsconfig.build.json` when it is missing or a source is newer than it.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const MARKER = join(ROOT, 'dist', 'runner', 'cli.js');

/** Newest modification time (ms) of the .ts files under `dir`, skipping `exclude` (paths relative to the root). */
function newestTs(dir: string, exclude: ReadonlySet<string>): number {
  let newest = 0;
  for (const e of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
    const rel = join(dir, e.name);
    if (exclude.has(rel)) continue;
    if (e.isDirectory()) newest = Math.max(newest, newestTs(rel, exclude));
    else if (e.name.endsWith('.ts')) newest = Math.max(newest, statSync(join(ROOT, rel)).mtimeMs);
  }
  return newest;
}

/** Whether dist/ is missing or older than a source it compiles (tsconfig.build.json's include minus exclude). */
export function compiledIsStale(): boolean {
  if (!existsSync(MARKER)) return true;
  const cfg = JSON.parse(readFileSync(join(ROOT, 'tsconfig.build.json'), 'utf8')) as { include: string[]; exclude: string[] };
  const exclude = new Set(cfg.exclude);
  const built = statSync(MARKER).mtimeMs;
  return cfg.include.some((p) => {
    if (!existsSync(join(ROOT, p))) return false;
    return statSync(join(ROOT, p)).isDirectory() ? newestTs(p, exclude) > built : statSync(join(ROOT, p)).mtimeMs > built;
  });
}

/** Builds dist/ when stale (says so); returns whether it built. */
export function ensureCompiled(log: (line: string) => void = console.log): boolean {
  if (!compiledIsStale()) return false;
  log('building dist/ (tsc -p tsconfig.build.json): it is missing or older than the sources');
  const r = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  if (r.status !== 0) throw new Error(`tsc -p tsconfig.build.json exited ${r.status}`);
  return true;
}

/** Imports dist/<path> (e.g. 'runner/sweep.js'); type it with `as typeof import('../runner/sweep.js')`. */
export const importCompiled = (path: string): Promise<unknown> => import(pathToFileURL(join(ROOT, 'dist', path)).href);

/** bin/fluxion.js, the command users run. */
export const BIN = join(ROOT, 'bin', 'fluxion.js');
