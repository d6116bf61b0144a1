// What the viewer can show from a run listing: single VTK files and .pvd time series.
import type { ListedFile } from '../wire.js';

export interface Source {
  /** Run-relative path of the .vti/.vtu/.vtp file or the .pvd collection. */
  readonly path: string;
  readonly series: boolean;
}

const RANK: Record<string, number> = { vti: 0, vtu: 1, pvd: 2, vtp: 3 };

/**
 * Frames that belong to a series (`name_0003.vtp` next to `name.pvd`) are reached through the
 * series' time slider rather than listed one by one.
 */
export function viewableSources(files: readonly ListedFile[]): Source[] {
  const paths = new Set(files.map((f) => f.path));
  const ext = (p: string) => p.slice(p.lastIndexOf('.') + 1).toLowerCase();
  const isFrame = (p: string) => {
    const m = /^(.*)_\d+\.vt[ipu]$/i.exec(p);
    return !!m && paths.has(`${m[1]}.pvd`);
  };
  return files
    .map((f) => f.path)
    .filter((p) => ext(p) in RANK && !p.startsWith('checkpoint/') && !isFrame(p))
    .sort((a, b) => RANK[ext(a)] - RANK[ext(b)] || a.localeCompare(b))
    .map((path) => ({ path, series: ext(path) === 'pvd' }));
}

/** A series drawn over another one in the same panel, in one solid colour. */
export interface Overlay {
  readonly path: string;
  readonly kind: 'truth' | 'goal';
}

/**
 * What to draw over series `path`: its ground truth (`name_truth.pvd`, a learned material's reference rollout) and its
 * goal (`goal.pvd` beside `particles.pvd` / `robot.pvd`, `goal_<k>.pvd` beside `robot_<k>.pvd` / `test_<k>.pvd`), where
 * the listing has them. A truth or goal series itself gets none.
 */
export function overlaysOf(path: string, sources: readonly Source[]): Overlay[] {
  const m = /^(.*\/)?([^/]+?)(_\d+)?\.pvd$/i.exec(path);
  if (!m || /_truth$/.test(m[2] + (m[3] ?? '')) || m[2] === 'goal') return [];
  const dir = m[1] ?? '';
  const series = new Set(sources.filter((s) => s.series).map((s) => s.path));
  const wanted: Overlay[] = [
    { path: `${path.slice(0, -4)}_truth.pvd`, kind: 'truth' },
    { path: `${dir}goal${m[3] ?? ''}.pvd`, kind: 'goal' },
  ];
  return wanted.filter((o) => series.has(o.path));
}
