// Writes .npz archives: a ZIP of stored (uncompressed) little-endian float64 .npy entries, as numpy.savez does.
// No timestamps: the same arrays always give the same bytes (datasets compare shards by checksum).
import { crc32 } from 'node:zlib';
import { encodeNpy } from './npy.js';

export interface NpzArray {
  data: Float64Array;
  shape: readonly number[];
}

/** The .npz bytes of `arrays` (entry `<name>.npy` each, in the object's key order). */
export function encodeNpz(arrays: Readonly<Record<string, NpzArray>>): Uint8Array {
  const parts: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  const names = Object.keys(arrays);
  for (const name of names) {
    const a = arrays[name];
    const body = encodeNpy(a.data, a.shape);
    const fname = new TextEncoder().encode(`${name}.npy`);
    const crc = crc32(body);
    if (offset + body.length > 0xfffffff0) throw new RangeError(`encodeNpz: archive above 4 GiB (ZIP64 is not written)`);
    const local = new DataView(new ArrayBuffer(30));
    local.setUint32(0, 0x04034b50, true);
    local.setUint16(4, 20, true); // version needed
    local.setUint32(14, crc, true);
    local.setUint32(18, body.length, true);
    local.setUint32(22, body.length, true);
    local.setUint16(26, fname.length, true);
    const head = new DataView(new ArrayBuffer(46));
    head.setUint32(0, 0x02014b50, true);
    head.setUint16(4, 20, true);
    head.setUint16(6, 20, true);
    head.setUint32(16, crc, true);
    head.setUint32(20, body.length, true);
    head.setUint32(24, body.length, true);
    head.setUint16(28, fname.length, true);
    head.setUint32(42, offset, true);
    parts.push(new Uint8Array(local.buffer), fname, body);
    central.push(new Uint8Array(head.buffer), fname);
    offset += 30 + fname.length + body.length;
  }
  const cdSize = central.reduce((s, c) => s + c.length, 0);
  const end = new DataView(new ArrayBuffer(22));
  end.setUint32(0, 0x06054b50, true);
  end.setUint16(8, names.length, true);
  end.setUint16(10, names.length, true);
  end.setUint32(12, cdSize, true);
  end.setUint32(16, offset, true);
  const all = [...parts, ...central, new Uint8Array(end.buffer)];
  const out = new Uint8Array(all.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of all) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
