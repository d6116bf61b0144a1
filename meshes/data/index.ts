export * from './types.js';
export { parseTable } from './table.js';
export { parseNpy, encodeNpy, fortranToC, type NpyArray } from './npy.js';
export { readZip, type ZipEntry } from './zip.js';
export { encodeNpz, type NpzArray } from './npz.js';
export { parseMat, type MatFile } from './mat.js';
export { loadReference, readDataFile, MAX_DATA_FILE_BYTES } from './reference.js';
export { decodePng, type PngImage } from './png.js';
