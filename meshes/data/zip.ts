// Minimal ZIP reader (stored and deflated entries, ZIP64 sizes) for .npz archives.
import { crc32, inflateRawSync } from 'node:zlib';

export interface ZipEntry {
  readonly name: string;
  readonly data: Uint8Array;
}

function findEocd(dv: DataView, source: string): number {
  for (let i = dv.byteLength - 22; i >= Math.max(0, dv.byteLength - 22 - 65535); i--) {
    if (dv.getUint32(i, true) === 0x06054b50) return i;
  }
  throw new Error(`${source}: not a zip archive (no end-of-central-directory record)`);
}

/** Reads the ZIP64 extra field (id 1) values that replaced 0xFFFFFFFF placeholders. */
function zip64Values(dv: DataView, start: number, len: number, want: number): number[] {
  const out: number[] = [];
  for (let p = start; p + 4 <= start + len; ) {
    const id = dv.getUint16(p, true);
    const size = dv.getUint16(p + 2, true);
    if (id === 0x0001) {
      for (let k = 0; k < want && 8 * k + 8 <= size; k++) out.push(Number(dv.getBigUint64(p + 4 + 8 * k, true)));
      return out;
    }
    p += 4 + size;
  }
  return out;
}

export function readZip(bytes: Uint8Array, source: string): ZipEntry[] {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const eocd = findEocd(dv, source);
  let count = dv.getUint16(eocd + 10, true);
  let cdOffset = dv.getUint32(eocd + 16, true);
  if (cdOffset === 0xffffffff || count === 0xffff) {
    const loc = eocd - 20;
    if (loc < 0 || dv.getUint32(loc, true) !== 0x07064b50) throw new Error(`${source}: ZIP64 archive without a ZIP64 locator`);
    const rec = Number(dv.getBigUint64(loc + 8, true));
    count = Number(dv.getBigUint64(rec + 32, true));
    cdOffset = Number(dv.getBigUint64(rec + 48, true));
  }
  const entries: ZipEntry[] = [];
  let p = cdOffset;
  for (let e = 0; e < count; e++) {
    if (p + 46 > bytes.length || dv.getUint32(p, true) !== 0x02014b50)
      throw new Error(`${source}: corrupt zip central directory (entry ${e})`);
    const method = dv.getUint16(p + 10, true);
    const crc = dv.getUint32(p + 16, true);
    let compSize = dv.getUint32(p + 20, true);
    let size = dv.getUint32(p + 24, true);
    const nameLen = dv.getUint16(p + 28, true);
    const extraLen = dv.getUint16(p + 30, true);
    const commentLen = dv.getUint16(p + 32, true);
    let local = dv.getUint32(p + 42, true);
    const name = new TextDecoder().decode(bytes.subarray(p + 46, p + 46 + nameLen));
    // ZIP64 extra values appear in order: size, compressed size, local offset (only those maxed out).
    const wide = zip64Values(dv, p + 46 + nameLen, extraLen, 3);
    if (size === 0xffffffff) size = wide.shift() ?? size;
    if (compSize === 0xffffffff) compSize = wide.shift() ?? compSize;
    if (local === 0xffffffff) local = wide.shift() ?? local;
    p += 46 + nameLen + extraLen + commentLen;
    if (local + 30 > bytes.length || dv.getUint32(local, true) !== 0x04034b50)
      throw new Error(`${source}: corrupt zip local header for '${name}'`);
    const dataStart = local + 30 + dv.getUint16(local + 26, true) + dv.getUint16(local + 28, true);
    if (dataStart + compSize > bytes.length) throw new Error(`${source}: entry '${name}' is truncated`);
    const raw = bytes.subarray(dataStart, dataStart + compSize);
    let data: Uint8Array;
    if (method === 0) data = raw;
    else if (method === 8) data = new Uint8Array(inflateRawSync(raw));
    else throw new Error(`${source}: entry '${name}' uses unsupported compression method ${method} (stored or deflate only)`);
    if (data.length !== size) throw new Error(`${source}: entry '${name}' has ${data.length} bytes, header says ${size}`);
    if (crc32(data) !== crc) throw new Error(`${source}: entry '${name}' fails its CRC-32 check`);
    entries.push({ name, data });
  }
  return entries;
}
