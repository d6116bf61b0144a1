// How sharp is PINNacle's own Burgers2d reference? Upstream's COMSOL solution of its instance 3 (ref/burgers2d_3.dat:
// the same PDE, nu = 0.001, initial state from the same generator with seed 20220722 + 3), sampled at some of its mesh
// nodes (data/pinnacle/burgers2d_3.sample.dat), against our finite-volume solver (solvers/burgers2d.ts) of that
// instance on several grids and viscosities, bilinearly interpolated (periodic) to those nodes. Scored as the suite
// scores a PINN: relative L2 error of (u, v) jointly over all 11 times (t = 0 included), and per time.
// Usage: npx tsx bench/pinnacle/burgers2dComsol.ts [--write] [--max-n 256] [--cache DIR]
//   --write: bench/pinnacle/burgers2d-comsol.md; --max-n: skip grids finer than this (512^2 takes minutes);
//   --cache: keep each solution in DIR (raw float64) and reuse it on the next run.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Burgers2dFrame } from '../../solvers/burgers2d.js';
import { BURGERS2D, burgers2dInitial, burgers2dInitialValue, solveBurgers2dInstance } from '../../examples/data/pinnacleBurgers2d.js';
import { mdTable } from '../markdown.js';

const SAMPLE = fileURLToPath(new URL('../../data/pinnacle/burgers2d_3.sample.dat', import.meta.url));
const OUT = fileURLToPath(new URL('./burgers2d-comsol.md', import.meta.url));
const TIMES = Array.from({ length: 10 }, (_, k) => (k + 1) / 10);
const INSTANCE = 3;

/** One COMSOL node: position and (u, v) at t = 0, 0.1, ..., 1. */
interface Node {
  x: number;
  y: number;
  u: number[];
  v: number[];
}

function readSample(): Node[] {
  return readFileSync(SAMPLE, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('%'))
    .map((l) => {
      const c = l.trim().split(/\s+/).map(Number);
      if (c.length !== 24 || c.some((z) => !Number.isFinite(z))) throw new Error(`${SAMPLE}: bad row "${l}"`);
      return { x: c[0], y: c[1], u: c.slice(2).filter((_, k) => k % 2 === 0), v: c.slice(2).filter((_, k) => k % 2 === 1) };
    });
}

/** Bilinear interpolation of an n x n periodic node field (node (i, j) at (i h, j h), index j n + i). */
function bilinear(f: Float64Array, n: number, x: number, y: number): number {
  const h = BURGERS2D.length / n;
  const gx = x / h,
    gy = y / h;
  const i0 = Math.floor(gx),
    j0 = Math.floor(gy);
  const sx = gx - i0,
    sy = gy - j0;
  const w = (i: number): number => ((i % n) + n) % n;
  const at = (i: number, j: number): number => f[w(j) * n + w(i)];
  return (1 - sy) * ((1 - sx) * at(i0, j0) + sx * at(i0 + 1, j0)) + sy * ((1 - sx) * at(i0, j0 + 1) + sx * at(i0 + 1, j0 + 1));
}

/** Per time k: [squared error, squared norm] of `a` against `b` over the nodes, and the joint L2RE. */
function l2re(a: (k: number, node: Node) => [number, number], b: (k: number, node: Node) => [number, number], nodes: Node[]) {
  const perTime = [0, ...TIMES].map((_, k) => {
    let num = 0,
      den = 0;
    for (const node of nodes) {
      const [ua, va] = a(k, node),
        [ub, vb] = b(k, node);
      num += (ua - ub) ** 2 + (va - vb) ** 2;
      den += ub * ub + vb * vb;
    }
    return [num, den];
  });
  const all = Math.sqrt(perTime.reduce((s, [n]) => s + n, 0) / perTime.reduce((s, [, d]) => s + d, 0));
  return { all, perTime: perTime.map(([n, d]) => Math.sqrt(n / d)) };
}

const comsol = (k: number, node: Node): [number, number] => [node.u[k], node.v[k]];

/**
 * Pairs of sample nodes that are periodic images of each other: the initial state has integer frequencies, so the exact
 * solution has period 1 in x and y (as ours on any grid whose n is a multiple of 4), and COMSOL's values at two images
 * differ only by its own discretisation error on two differently meshed copies of the same point.
 */
function periodicImages(nodes: Node[]): [Node, Node][] {
  const frac = (a: number): number => a - Math.floor(a);
  const near = (a: number, b: number): boolean => {
    const d = Math.abs(frac(a) - frac(b));
    return Math.min(d, 1 - d) < 1e-4;
  };
  const pairs: [Node, Node][] = [];
  nodes.forEach((a, i) => {
    for (const b of nodes.slice(i + 1)) if (near(a.x, b.x) && near(a.y, b.y)) pairs.push([a, b]);
  });
  return pairs;
}

/** Relative L2 difference (u, v jointly) between the two members of each pair, over all times and per time. */
function imageDifference(pairs: [Node, Node][]): { all: number; perTime: number[] } {
  const perTime = [0, ...TIMES].map((_, k) => {
    let num = 0,
      den = 0;
    for (const [a, b] of pairs) {
      num += (a.u[k] - b.u[k]) ** 2 + (a.v[k] - b.v[k]) ** 2;
      den += (a.u[k] ** 2 + b.u[k] ** 2 + a.v[k] ** 2 + b.v[k] ** 2) / 2;
    }
    return [num, den];
  });
  const all = Math.sqrt(perTime.reduce((z, [n]) => z + n, 0) / perTime.reduce((z, [, d]) => z + d, 0));
  return { all, perTime: perTime.map(([n, d]) => Math.sqrt(n / d)) };
}
const ours =
  (frames: Burgers2dFrame[], n: number) =>
  (k: number, node: Node): [number, number] => [bilinear(frames[k].u, n, node.x, node.y), bilinear(frames[k].v, n, node.x, node.y)];

/** The instance solved on n^2 cells at viscosity nu, read from / written to `cache` when given. */
function solveCached(init: ReturnType<typeof burgers2dInitial>, n: number, nu: number, cache: string | undefined): Burgers2dFrame[] {
  const file = cache === undefined ? undefined : join(cache, `burgers2d-instance${INSTANCE}-n${n}-nu${nu}.f64`);
  const times = [0, ...TIMES];
  if (file !== undefined && existsSync(file)) {
    const buf = readFileSync(file);
    const all = new Float64Array(buf.buffer, buf.byteOffset, buf.byteLength / 8);
    if (all.length === times.length * 2 * n * n)
      return times.map((t, k) => ({
        t,
        u: all.slice(2 * k * n * n, (2 * k + 1) * n * n),
        v: all.slice((2 * k + 1) * n * n, (2 * k + 2) * n * n),
      }));
  }
  const frames = solveBurgers2dInstance(init, n, TIMES, nu);
  if (file !== undefined) {
    const all = new Float64Array(times.length * 2 * n * n);
    frames.forEach((f, k) => {
      all.set(f.u, 2 * k * n * n);
      all.set(f.v, (2 * k + 1) * n * n);
    });
    writeFileSync(file, new Uint8Array(all.buffer));
  }
  return frames;
}

function main(): void {
  const args = process.argv.slice(2);
  const maxArg = args.indexOf('--max-n');
  const maxN = maxArg >= 0 ? Number(args[maxArg + 1]) : 512;
  if (!Number.isInteger(maxN) || maxN < 64) {
    console.error(`--max-n must be an integer >= 64, got ${args[maxArg + 1]}`);
    process.exit(2);
  }
  const cacheArg = args.indexOf('--cache');
  const cache = cacheArg >= 0 ? args[cacheArg + 1] : undefined;
  if (cacheArg >= 0 && (cache === undefined || !existsSync(cache))) {
    console.error(`--cache must name an existing directory, got ${cache}`);
    process.exit(2);
  }
  const nodes = readSample();
  const init = burgers2dInitial(BURGERS2D.seed + INSTANCE);
  const exact = (_k: number, node: Node): [number, number] => [
    burgers2dInitialValue(init, 'u', node.x, node.y),
    burgers2dInitialValue(init, 'v', node.x, node.y),
  ];
  const t0 = l2re(exact, comsol, nodes).perTime[0];
  console.log(`${nodes.length} COMSOL nodes; t = 0: generator (seed ${BURGERS2D.seed + INSTANCE}) vs COMSOL L2RE ${t0.toExponential(2)}`);
  const cases: [number, number][] = [
    [64, 0.001],
    [128, 0.001],
    [256, 0.001],
    [512, 0.001],
    [128, 0.003],
    [128, 0.01],
    [128, 0.03],
  ];
  const solved = new Map<string, { n: number; frames: Burgers2dFrame[] }>();
  const rows: string[][] = [];
  for (const [n, nu] of cases.filter(([n]) => n <= maxN)) {
    const start = Date.now();
    const frames = solveCached(init, n, nu, cache);
    solved.set(`${n}/${nu}`, { n, frames });
    const s = l2re(ours(frames, n), comsol, nodes);
    const row = [`${n}^2`, String(nu), 'COMSOL', s.all.toFixed(3), ...s.perTime.slice(1).map((e) => e.toFixed(2))];
    console.log(`${row.join('  ')}  (${((Date.now() - start) / 1000).toFixed(0)} s)`);
    rows.push(row);
  }
  // the scale of the grid error: each coarser nu = 0.001 solution against the finest one, at the same nodes
  const sharp = [...solved.entries()].filter(([key]) => key.endsWith('/0.001')).map(([, s]) => s);
  const finest = sharp.at(-1);
  for (const s of sharp) {
    if (!finest || s === finest) continue;
    const e = l2re(ours(s.frames, s.n), ours(finest.frames, finest.n), nodes);
    const row = [`${s.n}^2`, '0.001', `ours ${finest.n}^2`, e.all.toFixed(3), ...e.perTime.slice(1).map((z) => z.toFixed(2))];
    console.log(row.join('  '));
    rows.push(row);
  }
  const pairs = periodicImages(nodes);
  if (pairs.length > 0) {
    const d = imageDifference(pairs);
    const row = [
      'COMSOL',
      '0.001',
      `COMSOL, ${pairs.length} periodic images`,
      d.all.toFixed(3),
      ...d.perTime.slice(1).map((z) => z.toFixed(2)),
    ];
    console.log(row.join('  '));
    rows.push(row);
  }
  const md = [
    '# Burgers2d-C: our solver against upstream COMSOL reference (instance 3)',
    '',
    'Generated by `npx tsx bench/pinnacle/burgers2dComsol.ts --write`. Upstream PINNacle ships the COMSOL solution of',
    'its Burgers2d instance 3 (ref/burgers2d_3.dat, 12,657 mesh nodes; a copy is in github.com/florentiner/PINNacle)',
    `but not that of instance 0, which the benchmark scores. ${nodes.length} of its nodes are in`,
    'data/pinnacle/burgers2d_3.sample.dat. Its initial state is generate_functions.py seeded with 20220722 + 3 (our',
    `generator vs COMSOL's t = 0 column: L2RE ${t0.toExponential(1)}). Our finite-volume solver (solvers/burgers2d.ts)`,
    'of that instance, interpolated bilinearly (periodic) to those nodes, scored against the column named "against"',
    'as the suite scores a PINN: relative L2 error of (u, v) jointly over the 11 times (t = 0 included). Rows "ours"',
    'compare our coarser grids with our finest at the same nodes; the row "periodic images" compares COMSOL with itself',
    'at pairs of sample nodes that are periodic images (the exact solution has period 1 in x and y): its own',
    'discretisation error, which our grids do not have there.',
    '',
    mdTable(['grid', 'nu', 'against', 'L2RE', ...TIMES.map((t) => `t=${t.toFixed(1)}`)], rows),
    '',
  ].join('\n');
  if (args.includes('--write')) writeFileSync(OUT, md);
}

main();
