// Reference data as named, shaped Float64 arrays (row-major / C order).

export interface ReferenceArray {
  readonly data: Float64Array;
  readonly shape: readonly number[];
}

export interface ReferenceData {
  /** The file it came from (used in error messages downstream). */
  readonly source: string;
  readonly format: 'table' | 'npy' | 'npz' | 'mat' | 'vtk';
  /** Names in file order. */
  readonly names: readonly string[];
  readonly arrays: Readonly<Record<string, ReferenceArray>>;
  /** Time axis when the file stamps columns with times (COMSOL `@ t=`). */
  readonly times?: Float64Array;
  /** Header key/values (COMSOL `% Key: value` lines), when present. */
  readonly meta?: Readonly<Record<string, string>>;
}

export function shapeSize(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Fetches an array by name with an error that lists what the file holds. */
export function getArray(ref: ReferenceData, name: string): ReferenceArray {
  const a = ref.arrays[name];
  if (!a) throw new Error(`${ref.source}: no array named '${name}'; available: ${ref.names.join(', ')}`);
  return a;
}
