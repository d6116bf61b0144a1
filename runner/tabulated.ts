// Values read from data files for `kind: pinn` configs: coefficient fields (top-level `coefficients:`),
// tabulated initial conditions (`{ type: initial, file: ... }`) as interpolated point functions, and the
// observed fields of data conditions (`field:`/`fields:`, `values: exact`).
import { resolve } from 'node:path';
import { tableInterpolator, type InterpolationMethod } from '../meshes/index.js';
import { compileNumeric, type PointCoefficient } from '../pinn/index.js';
import { ConfigError } from './errors.js';
import { loadPointSet, type PointSet } from './reference.js';

interface TableConfig {
  file: string;
  columns?: string[];
  interpolation: InterpolationMethod;
}

/** The interpolated values of `name` over `coords` (its first coordinates: space before time). */
function interpolated(dir: string, t: TableConfig, coords: readonly string[], name: string, where: string): PointCoefficient {
  const set = loadPointSet(resolve(dir, t.file), coords, [name], t.columns, where);
  const f = tableInterpolator(set.points, set.values[name], coords.length, t.interpolation);
  return (p) => f(p);
}

/**
 * `coefficients: { a: { file, columns, interpolation } }` as point functions. A file over the spatial
 * coordinates only (no time column) serves a time-dependent problem as a time-independent coefficient.
 */
export function fileCoefficients(
  dir: string,
  cfg: Readonly<Record<string, TableConfig>>,
  coords: readonly string[],
  time: boolean,
): Record<string, PointCoefficient> {
  const space = time ? coords.slice(0, -1) : coords;
  return Object.fromEntries(
    Object.entries(cfg).map(([name, t]) => {
      const where = `coefficients.${name}`;
      // columns say which coordinates the file has; without them, a file lacking the time column is spatial
      const over = !time ? coords : t.columns ? (t.columns.length === space.length + 1 ? space : coords) : null;
      if (over) return [name, interpolated(dir, t, over, name, where)];
      try {
        return [name, interpolated(dir, t, coords, name, where)];
      } catch (e) {
        try {
          return [name, interpolated(dir, t, space, name, where)];
        } catch {
          throw e; // the error about the full coordinates is the one to show
        }
      }
    }),
  );
}

/** Tabulated initial values of `field` over the spatial coordinates (time is the last coordinate). */
export function initialFromFile(dir: string, t: TableConfig, coords: readonly string[], field: string, where: string): PointCoefficient {
  return interpolated(dir, t, coords.slice(0, -1), field, where);
}

/** Name under which condition i's tabulated initial values enter its value expression (a reserved-looking __ name). */
export const initialName = (i: number): string => `__initial${i}`;

/** Fields a data condition observes: `fields:`, or `field:`, or every field. */
export function observedFields(bc: { field?: string; fields?: string[] }, all: readonly string[]): string[] {
  return bc.fields ?? (bc.field !== undefined ? [bc.field] : [...all]);
}

/** Observations of `fields` from the exact solution at the points of `set` (a file that may list points only). */
export function exactAt(
  points: Float64Array,
  coords: readonly string[],
  exact: Readonly<Record<string, string>>,
  fields: readonly string[],
  constants: Record<string, number>,
  where: string,
): PointSet {
  const d = coords.length;
  const values = Object.fromEntries(
    fields.map((f) => {
      const src = exact[f];
      if (src === undefined)
        throw new ConfigError(`${where}.fields: no exact solution for field '${f}' (exact gives ${Object.keys(exact).join(', ')})`);
      const fn = compileNumeric(src, coords, constants, `exact.${f}`);
      return [f, Float64Array.from({ length: points.length / d }, (_, r) => fn(points.subarray(r * d, (r + 1) * d)))];
    }),
  );
  return { points, values };
}

/** Only the observed fields of a point set; a missing one is a config error naming the key path. */
export function selectFields(set: PointSet, fields: readonly string[], where: string): PointSet {
  for (const f of fields)
    if (!set.values[f])
      throw new ConfigError(`${where}.fields: no observations of field '${f}'; the data hold ${Object.keys(set.values).join(', ')}`);
  return { points: set.points, values: Object.fromEntries(fields.map((f) => [f, set.values[f]])) };
}
