// Element types. Floats carry values; i32 carries indices (gather/scatter) and random keys.
export type DType = 'f32' | 'f64' | 'i32';
export type TypedArray = Float32Array | Float64Array | Int32Array;
export type FloatArray = Float32Array | Float64Array;
export type FloatDType = 'f32' | 'f64';

export function allocate(dtype: DType, size: number): TypedArray {
  switch (dtype) {
    case 'f32':
      return new Float32Array(size);
    case 'f64':
      return new Float64Array(size);
    case 'i32':
      return new Int32Array(size);
  }
}

export function dtypeOf(buffer: TypedArray): DType {
  if (buffer instanceof Float32Array) return 'f32';
  if (buffer instanceof Float64Array) return 'f64';
  return 'i32';
}

export function isFloat(dtype: DType): boolean {
  return dtype !== 'i32';
}

/** The dtype two operands are computed in: the wider float wins; i32 only with i32. */
export function promote(a: DType, b: DType): DType {
  if (a === b) return a;
  if (a === 'f64' || b === 'f64') return 'f64';
  return 'f32';
}
