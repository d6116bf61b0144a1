export * from './types.js';
export { encodeVtk, writeVtk } from './writer.js';
export { decodeVtk, readVtk, type VtkReadDataset } from './reader.js';
export * from './pvd.js';
export * from './builders.js';
