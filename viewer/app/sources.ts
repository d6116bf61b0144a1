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
