// ParaView .pvd collections: a time series of dataset files (one per frame).
import { readFileSync, writeFileSync } from 'node:fs';
import { escapeXml } from './writer.js';
import { parseXml, requireChild } from './xml.js';

export interface PvdFrame {
  readonly time: number;
  /** Path of the frame file, relative to the .pvd file. */
  readonly file: string;
  readonly part?: number;
}

export function encodePvd(frames: readonly PvdFrame[]): string {
  const lines = ['<?xml version="1.0"?>', '<VTKFile type="Collection" version="0.1" byte_order="LittleEndian">', '  <Collection>'];
  for (const [i, f] of frames.entries()) {
    if (!Number.isFinite(f.time)) throw new Error(`pvd frames[${i}].time: expected a finite number, got ${f.time}`);
    if (!f.file) throw new Error(`pvd frames[${i}].file: expected a non-empty path`);
    lines.push(`    <DataSet timestep="${f.time}" group="" part="${f.part ?? 0}" file="${escapeXml(f.file)}"/>`);
  }
  lines.push('  </Collection>', '</VTKFile>', '');
  return lines.join('\n');
}

export function writePvd(path: string, frames: readonly PvdFrame[]): void {
  if (!path.toLowerCase().endsWith('.pvd')) throw new Error(`writePvd: expected a '.pvd' path, got '${path}'`);
  writeFileSync(path, encodePvd(frames));
}

export function readPvd(path: string): PvdFrame[] {
  const root = parseXml(readFileSync(path, 'utf8'), path);
  const file = requireChild(root, 'VTKFile', path);
  const coll = requireChild(file, 'Collection', path);
  return coll.children
    .filter((c) => c.name === 'DataSet')
    .map((c) => ({ time: Number(c.attrs.timestep), file: c.attrs.file ?? '', part: Number(c.attrs.part ?? 0) }));
}
