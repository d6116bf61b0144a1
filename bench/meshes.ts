/**
 * meshes/ throughput. Run: npx tsx bench/meshes.ts
 * - Interior sampling of a CSG domain (square minus 4 disks, DeepXDE/PINNacle Poisson2d-C shape),
 *   points/s per sampler, against a hand-inlined rejection loop (Math.random + inline disk tests,
 *   no abstraction: the practical ceiling for this work in JS).
 * - VTK write: binary-appended vs ASCII MB/s (encode + write to a temp file), against the
 *   machine's memcpy bandwidth (Buffer copy of the same payload) as the bytes/s limit.
 * The machine has 2 cores shared with other developers: numbers are noisy (best of repeats).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { difference, disk, encodeVtk, rectangle, unionAll, type SamplerKind, type VtkDataset } from '../meshes/index.js';
import { best } from './timing.js';

const R = 0.1;
const CENTERS = [
  [0.3, 0.3],
  [-0.3, 0.3],
  [0.3, -0.3],
  [-0.3, -0.3],
];
const domain = difference(rectangle([-0.5, -0.5], [0.5, 0.5]), unionAll(CENTERS.map((c) => disk([c[0], c[1]], R))));

function naiveSample(n: number): Float64Array {
  const out = new Float64Array(2 * n);
  let k = 0;
  while (k < n) {
    const x = Math.random() - 0.5;
    const y = Math.random() - 0.5;
    let ok = true;
    for (const c of CENTERS) if ((x - c[0]) ** 2 + (y - c[1]) ** 2 < R * R) ok = false;
    if (ok) {
      out[2 * k] = x;
      out[2 * k + 1] = y;
      k++;
    }
  }
  return out;
}

const N = 200_000;
console.log(`Interior sampling, square minus 4 disks, ${N} points (best of 3):`);
const tNaive = best(3, () => naiveSample(N), true);
console.log(`  naive inline loop (peer)  ${(N / tNaive / 1e6).toFixed(2)} Mpoints/s`);
for (const s of ['uniform', 'lhs', 'halton', 'sobol'] as SamplerKind[]) {
  const t = best(3, () => domain.sampleInterior(N, s, 1), true);
  console.log(`  meshes ${s.padEnd(8)}          ${(N / t / 1e6).toFixed(2)} Mpoints/s  (${(tNaive / t).toFixed(2)}x peer)`);
}
const tb = best(3, () => domain.sampleBoundary(20_000, 'uniform', 1), true);
console.log(`  boundary sampling (uniform) ${(20_000 / tb / 1e6).toFixed(2)} Mpoints/s`);

const n = 256;
const dims: [number, number, number] = [n, n, 4];
const count = n * n * 4;
const u = Float64Array.from({ length: count }, (_, i) => Math.sin(i * 1e-3));
const vel = Float32Array.from({ length: 3 * count }, (_, i) => Math.cos(i * 1e-3));
const ds: VtkDataset = {
  kind: 'ImageData',
  dims,
  origin: [0, 0, 0],
  spacing: [1, 1, 1],
  pointData: [
    { name: 'u', values: u },
    { name: 'vel', values: vel, components: 3 },
  ],
};
const payloadMB = (u.byteLength + vel.byteLength) / 1e6;
const dir = mkdtempSync(join(tmpdir(), 'fluxion-bench-'));
console.log(
  `\nVTK ImageData write, ${dims.join('x')} points, Float64 scalar + Float32 vector = ${payloadMB.toFixed(1)} MB payload (best of 3):`,
);
const results: Record<string, number> = {};
for (const format of ['binary', 'ascii'] as const) {
  let size = 0;
  const t = best(
    3,
    () => {
      const bytes = encodeVtk(ds, { format });
      size = bytes.length;
      writeFileSync(join(dir, `b.vti`), bytes);
    },
    true,
  );
  results[format] = payloadMB / t;
  console.log(
    `  ${format.padEnd(6)}  ${(payloadMB / t).toFixed(1)} MB/s of payload, file ${(size / 1e6).toFixed(1)} MB, ${(t * 1000).toFixed(0)} ms`,
  );
}
const src = Buffer.alloc(u.byteLength + vel.byteLength, 1);
const dst = Buffer.alloc(src.length);
const tc = best(5, () => src.copy(dst), true);
console.log(
  `  binary/ascii speedup ${(results.binary / results.ascii).toFixed(1)}x; memcpy limit ${(payloadMB / tc / 1e3).toFixed(1)} GB/s -> binary at ${((100 * results.binary) / (payloadMB / tc)).toFixed(1)}% of it`,
);
rmSync(dir, { recursive: true, force: true });
