// Reference files -> scattered (points, values) sets in the run's coordinates and fields.
// Handles point tables (x, y, u columns), COMSOL time-stamped tables (u: [n, nt] with a time axis)
// and tensor-product grids (coordinate vectors + field arrays shaped by them, e.g. .npz/.mat).
import { loadReference, type ReferenceData, type ReferenceArray } from '../meshes/index.js';
import { ConfigError } from './errors.js';

export interface PointSet {
  /** Row-major n x coords.length. */
  points: Float64Array;
  values: Record<string, Float64Array>;
}

function find(ref: ReferenceData, name: string, where: string): ReferenceArray {
  const exact = ref.arrays[name];
  if (exact) return exact;
  const key = ref.names.find((n) => n.toLowerCase() === name.toLowerCase());
  if (key) return ref.arrays[key];
  throw new ConfigError(
    `${where}: '${ref.source}' has no array '${name}'; available: ${ref.names.join(', ')} (map them with columns: [...])`,
  );
}

/**
 * A file holding one 2-D array [n, k] (an .npy, or an .npz with only arr_0, e.g. columns t, x, u) as k named
 * columns: `columns` names them in order (default: coords then fields). Null for any other file.
 */
function splitSingleArray(
  ref: ReferenceData,
  coords: readonly string[],
  fields: readonly string[],
  columns: readonly string[] | undefined,
  where: string,
): ReferenceData | null {
  if (ref.names.length !== 1) return null;
  const a = ref.arrays[ref.names[0]];
  const names = [...coords, ...fields];
  if (a.shape.length !== 2 || names.some((n) => n === ref.names[0])) return null;
  const [n, k] = a.shape;
  const cols = columns ?? names;
  if (cols.length !== k) {
    throw new ConfigError(
      `${where}${columns ? '.columns' : ''}: '${ref.source}' holds one [${n}, ${k}] array; expected ${columns ? `${k} column names` : `${k} = ${names.length} columns (${names.join(', ')}) or columns: naming its ${k} columns`}, got ${cols.length}`,
    );
  }
  const arrays = Object.fromEntries(
    cols.map((name, j) => [name, { data: Float64Array.from({ length: n }, (_, i) => a.data[i * k + j]), shape: [n] }]),
  );
  return { source: ref.source, format: ref.format, names: cols, arrays };
}

/**
 * Reads `file` as values of `fields` over `coords`. `columns` renames: the file's names for
 * coords then fields, in that order. A field shaped [a, b] over vector coordinates takes its axes
 * by matching lengths; equal lengths follow numpy's meshgrid default (last coordinate first). A file of one
 * 2-D array is split into columns first (splitSingleArray), with `columns` naming the array's columns.
 */
export function loadPointSet(
  file: string,
  coords: readonly string[],
  fields: readonly string[],
  columns: readonly string[] | undefined,
  where: string,
): PointSet {
  let ref: ReferenceData;
  try {
    ref = loadReference(file);
  } catch (e) {
    throw new ConfigError(`${where}: ${(e as Error).message}`);
  }
  const split = splitSingleArray(ref, coords, fields, columns, where);
  if (split) [ref, columns] = [split, undefined]; // the columns now carry our own names
  const names = [...coords, ...fields];
  if (columns && columns.length !== names.length) {
    throw new ConfigError(`${where}.columns: expected ${names.length} names (${names.join(', ')}), got ${columns.length}`);
  }
  const fileName = (i: number): string => columns?.[i] ?? names[i];
  const coordArrays = coords.map((c, i) => {
    if (ref.times && c === 't' && !columns && !ref.arrays.t && !ref.arrays.T) return { data: ref.times, shape: [ref.times.length] };
    return find(ref, fileName(i), where);
  });
  const fieldArrays = fields.map((_, j) => find(ref, fileName(coords.length + j), where));
  const size = (a: ReferenceArray): number => a.data.length;
  // no fields: the file only lists points (observations computed elsewhere)
  const n0 = size(fieldArrays[0] ?? coordArrays[0]);
  fieldArrays.forEach((a, j) => {
    if (size(a) !== n0) throw new ConfigError(`${where}: field '${fields[j]}' has ${size(a)} values, '${fields[0]}' has ${n0}`);
  });
  const d = coords.length;
  // Scattered points: every coordinate has one value per field value.
  if (coordArrays.every((a) => size(a) === n0)) {
    const points = new Float64Array(n0 * d);
    coordArrays.forEach((a, k) => {
      for (let i = 0; i < n0; i++) points[i * d + k] = a.data[i];
    });
    return { points, values: Object.fromEntries(fields.map((f, j) => [f, Float64Array.from(fieldArrays[j].data)])) };
  }
  if (!fieldArrays.length)
    throw new ConfigError(
      `${where}: expected one value of each coordinate (${coords.join(', ')}) per point, got ${coordArrays.map((c) => size(c)).join(', ')}`,
    );
  // Tensor-product grid: field axes are the coordinate vectors (or the scattered space points x time).
  const shape = fieldArrays[0].shape.filter((s) => s !== 1);
  const lens = coordArrays.map(size);
  const scatteredSpace = shape.length === 2 && lens.slice(0, -1).every((l) => l === shape[0]) && lens[d - 1] === shape[1];
  const distinct = new Set(lens).size === lens.length;
  // Time-stamped tables are always [space rows, times].
  const stampedTable = ref.times !== undefined && scatteredSpace;
  let axisOf: number[]; // axisOf[k] = field axis of coordinate k (space coords share axis 0 when scattered)
  if (stampedTable) axisOf = coords.map((_, k) => (k < d - 1 ? 0 : 1));
  else if (shape.length === d && distinct && lens.every((l, k) => l === shape[k])) axisOf = coords.map((_, k) => k);
  else if (shape.length === d && lens.every((l, k) => l === shape[d - 1 - k])) axisOf = coords.map((_, k) => d - 1 - k);
  else if (scatteredSpace) axisOf = coords.map((_, k) => (k < d - 1 ? 0 : 1));
  else
    throw new ConfigError(
      `${where}: cannot lay out field shape [${fieldArrays[0].shape.join(', ')}] over coordinates ${coords.map((c, k) => `${c} (${lens[k]})`).join(', ')}`,
    );
  const strides = shape.map((_, a) => shape.slice(a + 1).reduce((p, q) => p * q, 1));
  const points = new Float64Array(n0 * d);
  for (let i = 0; i < n0; i++) {
    for (let k = 0; k < d; k++) {
      const idx = Math.floor(i / strides[axisOf[k]]) % shape[axisOf[k]];
      points[i * d + k] = coordArrays[k].data[idx];
    }
  }
  return { points, values: Object.fromEntries(fields.map((f, j) => [f, Float64Array.from(fieldArrays[j].data)])) };
}
