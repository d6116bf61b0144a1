// The trajectory file of task learn_material (data: { type: file }): JSON, particle-major, version 1.
//   { "version": 1, "dt": 4e-4, "every": 5,
//     "train": [ { "name": "square", "size": 0.25, "x0": [[x, y], ...], "v0": [[vx, vy], ...],
//                  "frames": [ [[x, y], ...], ... ] } ],
//     "test": [ ... ] }
// x0, v0: the N particles' initial positions and velocities; frames[k]: their positions after (k + 1) * every steps
// of size dt. name and size are optional (default '<train|test>_<i>' and the largest side of x0's bounding box).
import { readFileSync } from 'node:fs';
import * as fx from '../core/index.js';
import type { Tensor } from '../core/index.js';
import type { Trajectory } from '../sim/index.js';
import { writeFileAtomic } from './fsio.js';

export interface TrajectoryFile {
  dt: number;
  every: number;
  train: Trajectory[];
  test: Trajectory[];
}

export const TRAJECTORY_FILE_VERSION = 1;

/** A reading error: the JSON path inside the file and what was expected. */
class Bad extends Error {}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function positiveNumber(v: unknown, at: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw new Bad(`${at}: expected a positive number, got ${JSON.stringify(v)}`);
  return v;
}

/** N x 2 nested arrays of finite numbers -> a [2, N] tensor (component-major, as the core MPM's state). */
function points(v: unknown, at: string, n?: number): Tensor {
  if (!Array.isArray(v) || v.length === 0) throw new Bad(`${at}: expected a non-empty array of [x, y] points`);
  if (n !== undefined && v.length !== n) throw new Bad(`${at}: expected ${n} points (as x0), got ${v.length}`);
  const m = v.length;
  const out = new Float64Array(2 * m);
  v.forEach((p, i) => {
    if (!Array.isArray(p) || p.length !== 2 || !p.every((c) => typeof c === 'number' && Number.isFinite(c)))
      throw new Bad(`${at}[${i}]: expected [x, y] with finite numbers, got ${JSON.stringify(p)}`);
    out[i] = p[0];
    out[m + i] = p[1];
  });
  return fx.tensor(out, [2, m], 'f64');
}

/** The bounding box of [2, N] positions: lower and upper corner. */
export function bounds(x: Tensor): { lo: number[]; hi: number[] } {
  const d = x.dataSync();
  const n = x.shape[1];
  const lo = [Infinity, Infinity];
  const hi = [-Infinity, -Infinity];
  for (let a = 0; a < 2; a++) {
    for (let i = a * n; i < (a + 1) * n; i++) {
      lo[a] = Math.min(lo[a], d[i]);
      hi[a] = Math.max(hi[a], d[i]);
    }
  }
  return { lo, hi };
}

const extent = (x: Tensor): number => {
  const { lo, hi } = bounds(x);
  return Math.max(hi[0] - lo[0], hi[1] - lo[1]);
};

function trajectory(v: unknown, at: string, fallbackName: string): Trajectory {
  if (!isObject(v)) throw new Bad(`${at}: expected an object { x0, v0, frames }`);
  const x0 = points(v.x0, `${at}.x0`);
  const n = x0.shape[1];
  const v0 = points(v.v0, `${at}.v0`, n);
  if (!Array.isArray(v.frames) || v.frames.length === 0) throw new Bad(`${at}.frames: expected a non-empty array of frames`);
  const frames = v.frames.map((f, k) => points(f, `${at}.frames[${k}]`, n));
  if (v.name !== undefined && typeof v.name !== 'string') throw new Bad(`${at}.name: expected a string, got ${JSON.stringify(v.name)}`);
  const size = v.size === undefined ? extent(x0) : positiveNumber(v.size, `${at}.size`);
  if (!(size > 0)) throw new Bad(`${at}.size: the particles of x0 span no extent; give size`);
  return { name: typeof v.name === 'string' ? v.name : fallbackName, x0, v0, frames, size };
}

/** Parsed and checked; `fail` turns a reason into the caller's error (the runner names the config key). */
export function readTrajectoryFile(path: string, fail: (reason: string) => Error): TrajectoryFile {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw fail(`cannot read '${path}' as JSON: ${(e as Error).message}`);
  }
  try {
    if (!isObject(raw)) throw new Bad('expected a JSON object { version, dt, every, train, test }');
    if (raw.version !== TRAJECTORY_FILE_VERSION)
      throw new Bad(`version: expected ${TRAJECTORY_FILE_VERSION}, got ${JSON.stringify(raw.version)}`);
    const dt = positiveNumber(raw.dt, 'dt');
    const every = positiveNumber(raw.every, 'every');
    if (!Number.isInteger(every)) throw new Bad(`every: expected a positive integer, got ${every}`);
    const list = (key: 'train' | 'test'): Trajectory[] => {
      const l = raw[key];
      if (!Array.isArray(l) || l.length === 0) throw new Bad(`${key}: expected a non-empty array of trajectories`);
      return l.map((t, i) => trajectory(t, `${key}[${i}]`, `${key}_${i}`));
    };
    return { dt, every, train: list('train'), test: list('test') };
  } catch (e) {
    if (e instanceof Bad) throw fail(`'${path}': ${e.message}`);
    throw e;
  }
}

/** [2, N] -> N x 2 nested arrays. */
function toPoints(x: Tensor): number[][] {
  const d = x.dataSync();
  const n = x.shape[1];
  return Array.from({ length: n }, (_, i) => [d[i], d[n + i]]);
}

/** Writes trajectories in the format readTrajectoryFile reads (numbers round-trip exactly through JSON). */
export function writeTrajectoryFile(path: string, f: TrajectoryFile): void {
  const one = (t: Trajectory) => ({ name: t.name, size: t.size, x0: toPoints(t.x0), v0: toPoints(t.v0), frames: t.frames.map(toPoints) });
  const body = { version: TRAJECTORY_FILE_VERSION, dt: f.dt, every: f.every, train: f.train.map(one), test: f.test.map(one) };
  writeFileAtomic(path, JSON.stringify(body));
}
