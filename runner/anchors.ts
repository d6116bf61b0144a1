// training.anchors: extra PDE points from an inline list or a file (a table of coordinate columns).
import { resolve } from 'node:path';
import { loadReference, type Geometry, type ReferenceData } from '../meshes/index.js';
import { ConfigError } from './errors.js';

export type AnchorsConfig = number[][] | { file: string; columns?: string[] };

/**
 * Row-major anchor points. A file's columns are looked up by `columns` (default: the coordinate names); a file
 * of exactly as many columns as coordinates without those names (e.g. a headerless table) is read in order.
 */
export function loadAnchors(cfg: AnchorsConfig, coords: readonly string[], domain: Geometry, configDir: string): Float64Array {
  const where = 'training.anchors';
  const d = coords.length;
  let pts: Float64Array;
  if (Array.isArray(cfg)) pts = Float64Array.from(cfg.flat());
  else {
    let ref: ReferenceData;
    try {
      ref = loadReference(resolve(configDir, cfg.file));
    } catch (e) {
      throw new ConfigError(`${where}.file: ${(e as Error).message}`);
    }
    if (cfg.columns && cfg.columns.length !== d)
      throw new ConfigError(`${where}.columns: expected ${d} names (${coords.join(', ')}), got ${cfg.columns.length}`);
    const names = cfg.columns ?? coords;
    const lookup = (n: string) => ref.arrays[n] ?? ref.arrays[ref.names.find((k) => k.toLowerCase() === n.toLowerCase()) ?? ''];
    let cols = names.map(lookup);
    if (cols.some((c) => !c)) {
      if (cfg.columns || ref.names.length !== d) {
        throw new ConfigError(
          `${where}: '${cfg.file}' has no column${cfg.columns ? '' : 's'} ${names.filter((n) => !lookup(n)).join(', ')}; available: ${ref.names.join(', ')} (name them with columns: [...])`,
        );
      }
      cols = ref.names.map((k) => ref.arrays[k]);
    }
    const n = cols[0].data.length;
    if (cols.some((c) => c.data.length !== n)) throw new ConfigError(`${where}: '${cfg.file}' has columns of different lengths`);
    pts = new Float64Array(n * d);
    cols.forEach((c, k) => {
      for (let i = 0; i < n; i++) pts[i * d + k] = c.data[i];
    });
  }
  const inside = domain.inside({ data: pts, dim: d });
  const out = inside.findIndex((v) => !v);
  if (out >= 0)
    throw new ConfigError(
      `${where}: point ${out} (${Array.from(pts.subarray(out * d, (out + 1) * d)).join(', ')}) lies outside the domain`,
    );
  return pts;
}
