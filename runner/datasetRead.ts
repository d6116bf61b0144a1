// Reading a generated operator dataset (a directory with manifest.json and .npz shards): the manifest, which shards
// are finished (present and matching their recorded checksum), and the first n samples as one OperatorDataset.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { loadReference, readDataFile } from '../meshes/index.js';
import type { OperatorDataset } from '../solvers/index.js';
import { digest } from './fsio.js';
import { DATASET_FORMAT, MANIFEST, datasetKinds, type DatasetManifest, type ShardEntry } from './datasetSpec.js';

/** The manifest of dataset directory `dir`; `fail` turns a reason into the caller's error. */
export function readManifest(dir: string, fail: (reason: string) => Error): DatasetManifest {
  if (!existsSync(dir)) throw fail(`'${dir}' does not exist`);
  if (!statSync(dir).isDirectory()) throw fail(`'${dir}' is not a directory`);
  const path = join(dir, MANIFEST);
  if (!existsSync(path)) throw fail(`'${dir}' has no ${MANIFEST} (make a dataset with fluxion data generate)`);
  let m: DatasetManifest;
  try {
    m = JSON.parse(readFileSync(path, 'utf8')) as DatasetManifest;
  } catch (e) {
    throw fail(`'${path}' is not valid JSON (${(e as Error).message})`);
  }
  if (m?.format !== DATASET_FORMAT || m.version !== 1 || !(datasetKinds as readonly string[]).includes(m.kind) || !Array.isArray(m.shards))
    throw fail(`'${path}' is not a version 1 ${DATASET_FORMAT} manifest`);
  return m;
}

/** True when the shard's file exists and, if the manifest records its checksum, matches it. */
export function shardDone(dir: string, s: ShardEntry): boolean {
  const path = join(dir, s.file);
  if (!existsSync(path)) return false;
  if (s.sha256 === undefined) return true;
  return digest(readDataFile(path)).sha256 === s.sha256;
}

/** The first `n` samples of the dataset in `dir`, read from as many shards as they need (checked against the manifest). */
export function loadDataset(dir: string, n: number, fail: (reason: string) => Error): OperatorDataset {
  const m = readManifest(dir, fail);
  if (n > m.samples) throw fail(`'${dir}' holds ${m.samples} samples, ${n} asked for`);
  const grid = m.shapes.inputs.slice(1);
  const per = grid.reduce((a, b) => a * b, 1);
  const inputs = new Float64Array(n * per);
  const outputs = new Float64Array(n * per);
  let axis: Float64Array = new Float64Array(0);
  let at = 0;
  for (const s of m.shards) {
    if (at >= n) break;
    const path = join(dir, s.file);
    if (!shardDone(dir, s))
      throw fail(
        `shard '${s.file}' of '${dir}' is ${existsSync(path) ? 'corrupt (checksum mismatch)' : 'missing'}; rerun fluxion data generate`,
      );
    const ref = loadReference(path);
    const a = ref.arrays.inputs;
    const u = ref.arrays.outputs;
    const want = [s.samples, ...grid].join();
    if (a?.shape.join() !== want || u?.shape.join() !== want || !ref.arrays.grid)
      throw fail(`shard '${s.file}' of '${dir}': expected inputs and outputs [${want}] and a grid, as its manifest says`);
    const take = Math.min(s.samples, n - at);
    inputs.set(a.data.subarray(0, take * per), at * per);
    outputs.set(u.data.subarray(0, take * per), at * per);
    axis = ref.arrays.grid.data;
    at += take;
  }
  return { inputs, outputs, count: n, gridShape: grid, grid: axis };
}
