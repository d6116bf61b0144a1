// loadReference(path): one entry point for reference solutions in any supported format.
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { decodeVtk } from '../vtk/reader.js';
import { parseMat } from './mat.js';
import { parseNpy } from './npy.js';
import { parseTable } from './table.js';
import type { ReferenceArray, ReferenceData } from './types.js';
import { readZip } from './zip.js';

const FORMATS = '.dat, .txt, .csv, .npy, .npz, .mat, .vti, .vtu, .vtp';

function vtkReference(bytes: Uint8Array, source: string): ReferenceData {
  const ds = decodeVtk(bytes, source);
  const names: string[] = [];
  const arrays: Record<string, ReferenceArray> = {};
  const put = (name: string, a: ReferenceArray) => {
    const key = arrays[name] ? `cell:${name}` : name;
    names.push(key);
    arrays[key] = a;
  };
  let n: number;
  let coords: Float64Array;
  if (ds.kind === 'ImageData') {
    const [nx, ny, nz] = ds.dims;
    n = nx * ny * nz;
    coords = new Float64Array(n * 3);
    for (let k = 0, i = 0; k < nz; k++)
      for (let j = 0; j < ny; j++)
        for (let l = 0; l < nx; l++, i++) {
          coords[3 * i] = ds.origin[0] + l * ds.spacing[0];
          coords[3 * i + 1] = ds.origin[1] + j * ds.spacing[1];
          coords[3 * i + 2] = ds.origin[2] + k * ds.spacing[2];
        }
  } else {
    coords = ds.points;
    n = coords.length / 3;
  }
  ['x', 'y', 'z'].forEach((axis, k) => put(axis, { data: Float64Array.from({ length: n }, (_, i) => coords[3 * i + k]), shape: [n] }));
  for (const a of ds.pointData) put(a.name, { data: a.values, shape: a.components === 1 ? [n] : [n, a.components] });
  for (const a of ds.cellData) {
    const m = a.values.length / a.components;
    const key = `cell:${a.name}`;
    names.push(key);
    arrays[key] = { data: a.values, shape: a.components === 1 ? [m] : [m, a.components] };
  }
  return { source, format: 'vtk', names, arrays };
}

/** Largest data file read (1 GiB): beyond it a mistake (a wrong path, a device) is likelier than data. */
export const MAX_DATA_FILE_BYTES = 2 ** 30;

/**
 * The bytes of a regular file of at most `maxBytes`. A device (a symlink to /dev/zero), FIFO or directory would
 * block or never end, so it is refused before reading; the size is taken from the open descriptor.
 */
export function readDataFile(path: string, maxBytes = MAX_DATA_FILE_BYTES): Uint8Array {
  // O_NONBLOCK: opening a FIFO would otherwise wait for a writer before fstat could refuse it
  const fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new Error(`'${path}' is not a regular file (${st.isDirectory() ? 'a directory' : 'a device, pipe or socket'})`);
    if (st.size > maxBytes) throw new Error(`'${path}' has ${st.size} bytes, above the limit of ${maxBytes} bytes for a data file`);
    const bytes = new Uint8Array(st.size);
    let at = 0;
    while (at < bytes.length) {
      const got = readSync(fd, bytes, at, bytes.length - at, at);
      if (got === 0) break;
      at += got;
    }
    return at === bytes.length ? bytes : bytes.subarray(0, at);
  } finally {
    closeSync(fd);
  }
}

/**
 * Loads a reference data file, dispatching on the extension, as named Float64 arrays in C order.
 * Errors name the file and what was wrong with it.
 */
export function loadReference(path: string): ReferenceData {
  const ext = /\.([A-Za-z0-9]+)$/.exec(path)?.[1]?.toLowerCase();
  if (!ext || !FORMATS.includes(`.${ext}`))
    throw new Error(`loadReference: '${path}' has an unsupported extension; expected one of ${FORMATS}`);
  let bytes: Uint8Array;
  try {
    bytes = readDataFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === undefined) throw new Error(`loadReference: ${(e as Error).message}`);
    throw new Error(`loadReference: cannot read '${path}'${code === 'ENOENT' ? ': file does not exist' : `: ${(e as Error).message}`}`);
  }
  switch (ext) {
    case 'dat':
    case 'txt':
    case 'csv':
      return parseTable(new TextDecoder().decode(bytes), path);
    case 'npy': {
      const a = parseNpy(bytes, path);
      return { source: path, format: 'npy', names: ['arr_0'], arrays: { arr_0: { data: a.data, shape: a.shape } } };
    }
    case 'npz': {
      const names: string[] = [];
      const arrays: Record<string, ReferenceArray> = {};
      for (const e of readZip(bytes, path)) {
        const name = e.name.replace(/\.npy$/, '');
        const a = parseNpy(e.data, `${path}:${e.name}`);
        names.push(name);
        arrays[name] = { data: a.data, shape: a.shape };
      }
      if (names.length === 0) throw new Error(`${path}: the .npz archive holds no arrays`);
      return { source: path, format: 'npz', names, arrays };
    }
    case 'mat': {
      const m = parseMat(bytes, path);
      if (m.names.length === 0)
        throw new Error(`${path}: no numeric matrices found${m.skipped.length ? ` (skipped non-numeric: ${m.skipped.join(', ')})` : ''}`);
      return { source: path, format: 'mat', names: m.names, arrays: m.arrays };
    }
    default:
      return vtkReference(bytes, path);
  }
}
