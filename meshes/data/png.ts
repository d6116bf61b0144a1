// Decoder for the 8-bit RGB/RGBA non-interlaced PNGs that PINNacle ships as coefficient images (zlib from node).
import { inflateSync } from 'node:zlib';

export interface PngImage {
  width: number;
  height: number;
  /** 3 (RGB) or 4 (RGBA) */
  channels: number;
  /** row-major, row 0 = top, channels interleaved */
  pixels: Uint8Array;
}

/** Paeth predictor of the PNG filter type 4. */
function paeth(a: number, b: number, c: number): number {
  const p = a + b - c,
    pa = Math.abs(p - a),
    pb = Math.abs(p - b),
    pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

export function decodePng(buf: Uint8Array): PngImage {
  const view = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  if (view.length < 8 || view.readUInt32BE(0) !== 0x89504e47) throw new Error('not a PNG file');
  let off = 8,
    width = 0,
    height = 0,
    channels = 0;
  const idat: Buffer[] = [];
  while (off + 8 <= view.length) {
    const len = view.readUInt32BE(off),
      type = view.toString('ascii', off + 4, off + 8),
      data = view.subarray(off + 8, off + 8 + len);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      if (data[8] !== 8 || data[12] !== 0 || (data[9] !== 2 && data[9] !== 6))
        throw new Error('only 8-bit non-interlaced RGB/RGBA PNGs are supported');
      channels = data[9] === 6 ? 4 : 3;
    } else if (type === 'IDAT') idat.push(data);
    off += 12 + len;
  }
  if (!channels) throw new Error('PNG without an IHDR chunk');
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels,
    img = new Uint8Array(height * stride);
  for (let r = 0; r < height; r++) {
    const filter = raw[r * (stride + 1)],
      line = raw.subarray(r * (stride + 1) + 1, (r + 1) * (stride + 1));
    for (let i = 0; i < stride; i++) {
      const a = i >= channels ? img[r * stride + i - channels] : 0,
        b = r > 0 ? img[(r - 1) * stride + i] : 0,
        c = r > 0 && i >= channels ? img[(r - 1) * stride + i - channels] : 0;
      const pred = filter === 0 ? 0 : filter === 1 ? a : filter === 2 ? b : filter === 3 ? (a + b) >> 1 : paeth(a, b, c);
      img[r * stride + i] = (line[i] + pred) & 255;
    }
  }
  return { width, height, channels, pixels: img };
}
