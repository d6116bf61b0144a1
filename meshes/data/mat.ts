// MATLAB .mat level 5 reader: numeric (real or complex) matrices, miCOMPRESSED elements.
// Non-numeric variables (cells, structs, chars, sparse, objects) are skipped and listed.
import { inflateSync } from 'node:zlib';
import { fortranToC } from './npy.js';
import type { ReferenceArray } from './types.js';

const MI_MATRIX = 14;
const MI_COMPRESSED = 15;
/** mi* data type -> [bytes, reader]. */
const MI_TYPES: Record<number, [number, (dv: DataView, at: number, le: boolean) => number]> = {
  1: [1, (dv, at) => dv.getInt8(at)],
  2: [1, (dv, at) => dv.getUint8(at)],
  3: [2, (dv, at, le) => dv.getInt16(at, le)],
  4: [2, (dv, at, le) => dv.getUint16(at, le)],
  5: [4, (dv, at, le) => dv.getInt32(at, le)],
  6: [4, (dv, at, le) => dv.getUint32(at, le)],
  7: [4, (dv, at, le) => dv.getFloat32(at, le)],
  9: [8, (dv, at, le) => dv.getFloat64(at, le)],
  12: [8, (dv, at, le) => Number(dv.getBigInt64(at, le))],
  13: [8, (dv, at, le) => Number(dv.getBigUint64(at, le))],
};
/** mx classes 6..15 are numeric (double, single, int8 ... uint64). */
const NUMERIC_CLASSES = new Set([6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);

interface Element {
  readonly type: number;
  readonly start: number;
  readonly size: number;
  /** Offset of the next element. */
  readonly next: number;
}

function readTag(dv: DataView, at: number, le: boolean, where: string): Element {
  if (at + 8 > dv.byteLength) throw new Error(`${where}: truncated data element tag at byte ${at}`);
  const first = dv.getUint32(at, le);
  if (first >>> 16 !== 0) {
    // Small data element: size and type packed in 4 bytes, data in the next 4.
    const size = first >>> 16;
    if (size > 4) throw new Error(`${where}: malformed small data element at byte ${at} (size ${size} > 4)`);
    return { type: first & 0xffff, start: at + 4, size, next: at + 8 };
  }
  const size = dv.getUint32(at + 4, le);
  if (at + 8 + size > dv.byteLength) throw new Error(`${where}: data element at byte ${at} claims ${size} bytes, past the end`);
  return { type: first, start: at + 8, size, next: at + 8 + Math.ceil(size / 8) * 8 };
}

function numbers(dv: DataView, el: Element, le: boolean, where: string): Float64Array {
  const t = MI_TYPES[el.type];
  if (!t) throw new Error(`${where}: unsupported numeric data type ${el.type}`);
  const n = el.size / t[0];
  return Float64Array.from({ length: n }, (_, i) => t[1](dv, el.start + i * t[0], le));
}

export interface MatFile {
  readonly arrays: Record<string, ReferenceArray>;
  readonly names: string[];
  /** Variables that are not numeric matrices and were skipped. */
  readonly skipped: string[];
}

function readMatrix(dv: DataView, el: Element, le: boolean, out: MatFile, where: string): void {
  const flags = readTag(dv, el.start, le, where);
  if (flags.type !== 6 || flags.size !== 8)
    throw new Error(`${where}: matrix at byte ${el.start - 8} lacks its array-flags subelement (miUINT32, 8 bytes)`);
  const f0 = dv.getUint32(flags.start, le);
  const cls = f0 & 0xff;
  const complex = (f0 & 0x0800) !== 0;
  const dimsEl = readTag(dv, flags.next, le, where);
  if (dimsEl.type !== 5)
    throw new Error(`${where}: matrix at byte ${el.start - 8} has dimensions of type ${dimsEl.type}, expected miINT32`);
  const dims = Array.from(numbers(dv, dimsEl, le, where));
  const nameEl = readTag(dv, dimsEl.next, le, where);
  const name = new TextDecoder('latin1').decode(new Uint8Array(dv.buffer, dv.byteOffset + nameEl.start, nameEl.size));
  if (!NUMERIC_CLASSES.has(cls)) {
    out.skipped.push(name || `(class ${cls})`);
    return;
  }
  const realEl = readTag(dv, nameEl.next, le, `${where} variable '${name}'`);
  const n = dims.reduce((a, b) => a * b, 1);
  const real = numbers(dv, realEl, le, `${where} variable '${name}'`);
  if (real.length !== n) throw new Error(`${where} variable '${name}': ${real.length} values for dimensions ${dims.join('x')}`);
  // MATLAB stores column-major; convert to row-major with the same shape.
  out.arrays[name] = { data: fortranToC(real, dims), shape: dims };
  out.names.push(name);
  if (complex) {
    const imagEl = readTag(dv, realEl.next, le, `${where} variable '${name}'`);
    out.arrays[`${name}_imag`] = { data: fortranToC(numbers(dv, imagEl, le, where), dims), shape: dims };
    out.names.push(`${name}_imag`);
  }
}

export function parseMat(bytes: Uint8Array, source: string): MatFile {
  if (bytes.length < 128) throw new Error(`${source}: too short for a MATLAB v5 file (${bytes.length} bytes)`);
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 116));
  if (head.startsWith('MATLAB 7.3')) throw new Error(`${source}: MATLAB v7.3 (HDF5) files are not supported; save with -v7 or -v6`);
  if (!head.startsWith('MATLAB 5.0')) throw new Error(`${source}: not a MATLAB level 5 .mat file (header '${head.slice(0, 20)}')`);
  const endian = String.fromCharCode(bytes[126], bytes[127]);
  if (endian !== 'IM' && endian !== 'MI') throw new Error(`${source}: bad endian indicator '${endian}'`);
  const le = endian === 'IM';
  const out: MatFile = { arrays: {}, names: [], skipped: [] };
  const walk = (buf: Uint8Array, start: number, where: string) => {
    const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    for (let at = start; at + 8 <= buf.length; ) {
      const el = readTag(dv, at, le, where);
      if (el.type === MI_COMPRESSED) {
        let inner: Uint8Array;
        try {
          inner = new Uint8Array(inflateSync(buf.subarray(el.start, el.start + el.size)));
        } catch (e) {
          throw new Error(`${where}: miCOMPRESSED element at byte ${at} does not inflate: ${(e as Error).message}`);
        }
        walk(inner, 0, `${where} (compressed element)`);
        // Compressed elements are not padded to 8 bytes.
        at = el.start + el.size;
      } else {
        if (el.type === MI_MATRIX) readMatrix(dv, el, le, out, where);
        at = el.next;
      }
    }
  };
  walk(bytes, 128, source);
  return out;
}
