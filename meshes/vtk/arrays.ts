// Conversions between numbers and the VTK scalar types' little-endian bytes.
import type { VtkArrayInput, VtkScalarType } from './types.js';

type Ctor = { new (n: number): ArrayLike<number> & { buffer: ArrayBufferLike }; BYTES_PER_ELEMENT: number };

const CTORS: Record<Exclude<VtkScalarType, 'Int64' | 'UInt64'>, Ctor> = {
  Float32: Float32Array,
  Float64: Float64Array,
  Int8: Int8Array,
  UInt8: Uint8Array,
  Int16: Int16Array,
  UInt16: Uint16Array,
  Int32: Int32Array,
  UInt32: Uint32Array,
};

export const SCALAR_TYPES: readonly VtkScalarType[] = [
  'Float32',
  'Float64',
  'Int8',
  'UInt8',
  'Int16',
  'UInt16',
  'Int32',
  'UInt32',
  'Int64',
  'UInt64',
];

export function byteSize(type: VtkScalarType): number {
  return type === 'Int64' || type === 'UInt64' ? 8 : CTORS[type].BYTES_PER_ELEMENT;
}

export function inferType(values: ArrayLike<number>): VtkScalarType {
  if (values instanceof Float32Array) return 'Float32';
  if (values instanceof Int32Array) return 'Int32';
  if (values instanceof Uint8Array) return 'UInt8';
  if (values instanceof Uint32Array) return 'UInt32';
  return 'Float64';
}

export function parseScalarType(s: string, where: string): VtkScalarType {
  // Legacy names (Float, Int) map to sized ones.
  const legacy: Record<string, VtkScalarType> = { Float: 'Float32', Double: 'Float64', Int: 'Int32', UInt: 'UInt32' };
  const t = legacy[s] ?? s;
  if (!(SCALAR_TYPES as readonly string[]).includes(t)) throw new Error(`${where}: unsupported DataArray type '${s}'`);
  return t as VtkScalarType;
}

/** Little-endian bytes of the values stored as `type` (this library targets little-endian hosts). */
export function toBytes(values: ArrayLike<number>, type: VtkScalarType): Uint8Array {
  const n = values.length;
  if (type === 'Int64' || type === 'UInt64') {
    const out = type === 'Int64' ? new BigInt64Array(n) : new BigUint64Array(n);
    for (let i = 0; i < n; i++) out[i] = BigInt(Math.trunc(values[i]));
    return new Uint8Array(out.buffer);
  }
  const C = CTORS[type];
  const out = new C(n) as unknown as { [i: number]: number; buffer: ArrayBufferLike };
  for (let i = 0; i < n; i++) out[i] = values[i];
  return new Uint8Array(out.buffer);
}

export function fromBytes(bytes: Uint8Array, type: VtkScalarType, count: number, where: string): Float64Array {
  const size = byteSize(type);
  if (bytes.length < count * size) throw new Error(`${where}: expected ${count * size} bytes of ${type}, found ${bytes.length}`);
  // Copy so the view is aligned regardless of the block offset in the file.
  const copy = new Uint8Array(count * size);
  copy.set(bytes.subarray(0, count * size));
  const buf = copy.buffer;
  if (type === 'Int64') return Float64Array.from(new BigInt64Array(buf), Number);
  if (type === 'UInt64') return Float64Array.from(new BigUint64Array(buf), Number);
  const C = CTORS[type] as unknown as { new (b: ArrayBufferLike): ArrayLike<number> };
  return Float64Array.from(new C(buf));
}

export function formatAscii(values: ArrayLike<number>, type: VtkScalarType): string {
  const parts = new Array<string>(values.length);
  // String() gives the shortest round-tripping decimal; -0 is kept so ascii equals binary.
  const num = (v: number) => (v === 0 && 1 / v < 0 ? '-0' : String(v));
  if (type === 'Float32') for (let i = 0; i < values.length; i++) parts[i] = num(Math.fround(values[i]));
  else if (type === 'Float64') for (let i = 0; i < values.length; i++) parts[i] = num(values[i]);
  else for (let i = 0; i < values.length; i++) parts[i] = String(Math.trunc(values[i]));
  return parts.join(' ');
}

export function arrayMeta(a: VtkArrayInput, expectedTuples: number, where: string): { type: VtkScalarType; components: number } {
  const components = a.components ?? 1;
  if (!Number.isInteger(components) || components < 1)
    throw new Error(`${where} '${a.name}': components must be a positive integer, got ${components}`);
  if (a.values.length !== expectedTuples * components) {
    throw new Error(
      `${where} '${a.name}': expected ${expectedTuples} tuples x ${components} components = ${expectedTuples * components} values, got ${a.values.length}`,
    );
  }
  return { type: a.type ?? inferType(a.values), components };
}
