// NumPy .npy arrays (format versions 1-3) of numeric dtypes, returned in C order as Float64.
import type { ReferenceArray } from './types.js';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"

type Reader = (dv: DataView, at: number, little: boolean) => number;

const KINDS: Record<string, Record<number, Reader>> = {
  f: {
    2: (dv, at, le) => halfToFloat(dv.getUint16(at, le)),
    4: (dv, at, le) => dv.getFloat32(at, le),
    8: (dv, at, le) => dv.getFloat64(at, le),
  },
  i: {
    1: (dv, at) => dv.getInt8(at),
    2: (dv, at, le) => dv.getInt16(at, le),
    4: (dv, at, le) => dv.getInt32(at, le),
    8: (dv, at, le) => Number(dv.getBigInt64(at, le)),
  },
  u: {
    1: (dv, at) => dv.getUint8(at),
    2: (dv, at, le) => dv.getUint16(at, le),
    4: (dv, at, le) => dv.getUint32(at, le),
    8: (dv, at, le) => Number(dv.getBigUint64(at, le)),
  },
  b: { 1: (dv, at) => dv.getUint8(at) },
};

function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? NaN : s * Infinity;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}

export interface NpyArray extends ReferenceArray {
  readonly dtype: string;
}

/** Row-major permutation of Fortran-ordered data. */
export function fortranToC(data: Float64Array, shape: readonly number[]): Float64Array {
  const n = data.length;
  const d = shape.length;
  if (d < 2) return data;
  const out = new Float64Array(n);
  const idx = new Array<number>(d).fill(0);
  for (let f = 0; f < n; f++) {
    // f walks Fortran order (first index fastest); compute the C offset of the same element.
    let c = 0;
    for (let k = 0; k < d; k++) c = c * shape[k] + idx[k];
    out[c] = data[f];
    for (let k = 0; k < d; k++) {
      if (++idx[k] < shape[k]) break;
      idx[k] = 0;
    }
  }
  return out;
}

export function parseNpy(bytes: Uint8Array, source: string): NpyArray {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) throw new Error(`${source}: not a .npy file (bad magic bytes)`);
  const major = bytes[6];
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (major < 1 || major > 3) throw new Error(`${source}: unsupported .npy format version ${major}`);
  const headerLen = major === 1 ? dv.getUint16(8, true) : dv.getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  if (start + headerLen > bytes.length) throw new Error(`${source}: truncated .npy header`);
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(start, start + headerLen));
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined)
    throw new Error(`${source}: malformed .npy header '${header.trim()}'`);
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map(Number);
  if (shape.some((s) => !Number.isInteger(s) || s < 0)) throw new Error(`${source}: bad shape (${shapeText}) in .npy header`);
  const m = /^([<>|=])([fiub])(\d+)$/.exec(descr);
  const reader = m ? KINDS[m[2]]?.[Number(m[3])] : undefined;
  if (!m || !reader) throw new Error(`${source}: unsupported dtype '${descr}' (numeric f2/f4/f8, i1-i8, u1-u8, b1 only)`);
  const size = Number(m[3]);
  const little = m[1] !== '>';
  const n = shape.reduce((a, b) => a * b, 1);
  const dataStart = start + headerLen;
  if (dataStart + n * size > bytes.length)
    throw new Error(
      `${source}: data truncated: expected ${n * size} bytes for shape (${shape.join(', ')}), found ${bytes.length - dataStart}`,
    );
  let data: Float64Array = new Float64Array(n);
  if (descr === '<f8') {
    const copy = new Uint8Array(n * 8);
    copy.set(bytes.subarray(dataStart, dataStart + n * 8));
    data = new Float64Array(copy.buffer);
  } else {
    for (let i = 0; i < n; i++) data[i] = reader(dv, dataStart + i * size, little);
  }
  if (fortran === 'True') data = fortranToC(data, shape);
  return { data, shape, dtype: descr };
}

/** Encodes a little-endian float64 C-order .npy (used for fixtures and exports). */
export function encodeNpy(data: Float64Array, shape: readonly number[]): Uint8Array {
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '<f8', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const out = new Uint8Array(10 + header.length + data.length * 8);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), 10 + header.length);
  return out;
}
