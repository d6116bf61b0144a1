export * from './types.js';
export { parseTable } from './table.js';
export { parseNpy, encodeNpy, fortranToC, type NpyArray } from './npy.js';
export { readZip, type ZipEntry } from './zip.js';
export { parseMat, type MatFile } from './mat.js';
export { loadReference } from './reference.js';
