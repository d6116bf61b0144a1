// Browser page (bundled by test/viewer/webgpu.test.ts): every primitive case, a whole PINN gradient and a
// few Adam training steps on the webgpu backend (WGSL compute shaders), against the js reference backend in
// the same tab; the training trajectory goes back to Node, where the test compares it with wasm.
// Publishes the report on globalThis.fluxionWebGpu.
import * as fx from '../../../core/index.js';
import { planProgram, requestWebGpuBackend, type KernelTarget, type WebGpuBackend } from '../../../core/backend/webgpu/index.js';
import type { MlpParams } from '../../../nn/mlp.js';
import { fno } from '../../../operators/fno.js';
import { gridCoords } from '../../../operators/data.js';
import { cases, type Case } from '../../support/cases.js';
import { rand64, relErr } from '../../support/check.js';
import { lrHat, pinnProblem } from '../../support/pinnAdamStep.js';

export interface WebGpuRow {
  name: string;
  /** relative error of the compiled result against the js reference */
  compiled: number;
  /** dispatches of the compiled graph */
  kernels: number;
  error?: string;
}
export interface TrainingRun {
  losses: number[];
  params: number[];
  msPerStep: number;
}
/** A seeded draw inside a compiled graph (the key an input) against the js reference's f32 values. */
export interface RandomRow {
  name: string;
  size: number;
  /** values that differ from the reference at all */
  differing: number;
  /** the largest difference in units in the last place of the reference value */
  maxUlps: number;
  error?: string;
}
export type WebGpuReport =
  | { unavailable: string }
  | {
      adapter: string;
      rows: WebGpuRow[];
      /** the matmul and reduction cases, with shapes off the kernels' blocks and tiles, on each kernel target */
      targets: Record<KernelTarget, WebGpuRow[]>;
      random: RandomRow[];
      pinn: { relErr: number; kernels: number } | { error: string };
      /** an FNO-2D value-and-grad (rfft/irfft and their transposes) */
      fno2d: { relErr: number; kernels: number } | { error: string };
      training: TrainingRun | { error: string };
      /** the same output read twice after two runs on resident inputs */
      residentRepeat: boolean;
      /** recycledRead's two reads */
      recycled: string;
    };

export const TRAIN = { points: 256, layers: [2, 16, 16, 1], steps: 5 };

const f32 = (t: fx.Tensor): fx.Tensor => (t.dtype === 'f64' ? fx.cast(t, 'f32') : t);
const graphOf = (f: (...xs: fx.Tensor[]) => fx.Tensor | fx.Tensor[], xs: readonly fx.Tensor[]) =>
  fx.makeGraph(
    f,
    xs.map((t) => ({ shape: t.shape, dtype: t.dtype })),
  );
const message = (e: unknown): string => String((e as Error).message ?? e);
const onJs = <T>(f: () => T): T => {
  fx.setBackend('js');
  return f();
};

const mm = (name: string, a: number[], b: number[], o: { transA?: boolean; transB?: boolean }, seed: number): Case => ({
  name,
  f: (x, y) => fx.matmul(x, y, o),
  inputs: () => [rand64(a, seed), rand64(b, seed + 1)],
});
/**
 * Shapes that are no multiple of the 'cpu' matmul's 8x4 register block nor of the 'gpu' one's 16x16 tile, a long k,
 * and reductions wide enough for the 'gpu' target's workgroup tree.
 */
export const edgeCases: Case[] = [
  mm('matmul 19x37x13 NN', [19, 37], [37, 13], {}, 101),
  mm('matmul 19x37x13 TN', [37, 19], [37, 13], { transA: true }, 103),
  mm('matmul 19x37x13 NT', [19, 37], [13, 37], { transB: true }, 105),
  mm('matmul 19x37x13 TT', [37, 19], [13, 37], { transA: true, transB: true }, 107),
  mm('matmul batched 3x(9x5x6)', [3, 9, 5], [3, 5, 6], {}, 109),
  mm('matmul 2x700x3 (long k)', [700, 2], [700, 3], { transA: true }, 111),
  mm('matmul 300x2x33', [300, 2], [2, 33], {}, 113),
  { name: 'sum wide axis', f: (a) => fx.sum(a, 1), inputs: () => [rand64([3, 1000], 115)] },
  { name: 'max wide leading axis', f: (a) => fx.max(a, 0), inputs: () => [rand64([700, 3], 116)] },
];

/** Power-of-two lengths (radix-2 Stockham stages) and longer direct DFTs than the shared cases have. */
export const fftCases: Case[] = [
  { name: 'fft n=64 (6 radix-2 stages)', f: (a) => fx.fft(a), inputs: () => [rand64([3, 64, 2], 121)] },
  { name: 'ifft n=128', f: (a) => fx.ifft(a), inputs: () => [rand64([2, 128, 2], 122)] },
  { name: 'rfft n=256', f: (a) => fx.rfft(a), inputs: () => [rand64([4, 256], 123)] },
  { name: 'irfft n=32', f: (a) => fx.irfft(a, 32), inputs: () => [rand64([5, 17, 2], 124)] },
  { name: 'rfft n=2', f: (a) => fx.rfft(a), inputs: () => [rand64([3, 2], 125)] },
  { name: 'irfft n=1', f: (a) => fx.irfft(a, 1), inputs: () => [rand64([2, 1, 2], 126)] },
  { name: 'fft n=100 (direct DFT)', f: (a) => fx.fft(a), inputs: () => [rand64([2, 100, 2], 127)] },
  {
    name: 'rfft of rfft (two FFTs sharing scratch)',
    f: (a) => fx.rfft(fx.reshape(fx.rfft(a), [2, 34])),
    inputs: () => [rand64([2, 32], 128)],
  },
];

/** Seeded draws whose key is a graph input (a literal key is drawn on the host while tracing). */
const randomDraws: Array<{ dist: 'uniform' | 'rademacher' | 'normal'; key: number; size: number }> = [
  { dist: 'uniform', key: 7, size: 1 << 16 },
  { dist: 'rademacher', key: -3, size: 4099 },
  { dist: 'normal', key: 12345, size: 1 << 16 },
  { dist: 'normal', key: -1, size: 1000 },
];

async function randomRows(gpu: WebGpuBackend): Promise<RandomRow[]> {
  const rows: RandomRow[] = [];
  for (const { dist, key, size } of randomDraws) {
    const name = `${dist} key ${key}`;
    try {
      const k = fx.tensor([key], [], 'i32');
      const draw = (kk: fx.Tensor) => fx.random[dist](kk, [size]);
      const ref = onJs(() => draw(k)).dataSync();
      const got = await gpu.jit(draw)(k).data();
      let differing = 0;
      let maxUlps = 0;
      ref.forEach((r, i) => {
        if (got[i] === r) return;
        differing++;
        // an f32 ulp of r: 2^(exponent - 23)
        maxUlps = Math.max(maxUlps, Math.abs(got[i] - r) / 2 ** (Math.floor(Math.log2(Math.abs(r))) - 23));
      });
      rows.push({ name, size, differing, maxUlps });
    } catch (e) {
      rows.push({ name, size, differing: size, maxUlps: NaN, error: message(e) });
    }
  }
  return rows;
}

async function caseRows(gpu: WebGpuBackend, list: readonly Case[] = cases): Promise<WebGpuRow[]> {
  const rows: WebGpuRow[] = [];
  for (const c of list) {
    try {
      const xs = c.inputs().map(f32);
      const ref = onJs(() => c.f(...xs)).dataSync();
      const got = await gpu
        .jit((...ys: fx.Tensor[]) => c.f(...ys))(...xs)
        .data();
      rows.push({ name: c.name, compiled: relErr(got, ref), kernels: planProgram(graphOf(c.f, xs), gpu.target).kernels.length });
    } catch (e) {
      rows.push({ name: c.name, compiled: NaN, kernels: 0, error: message(e) });
    }
  }
  return rows;
}

async function pinnGrad(gpu: WebGpuBackend): Promise<{ relErr: number; kernels: number } | { error: string }> {
  try {
    const { state, x, loss } = pinnProblem(256, [2, 32, 32, 1]);
    const vg = (p: MlpParams) => {
      const [v, g] = fx.valueAndGrad((q: MlpParams) => loss(q, x))(p);
      return [v as fx.Tensor, ...fx.leaves(g as fx.PyTree)];
    };
    const ref = onJs(() => vg(state.params)).flatMap((t) => Array.from(t.dataSync()));
    const outs = gpu.jit(vg)(state.params);
    const got = (await Promise.all(outs.map((t) => t.data()))).flatMap((d) => Array.from(d));
    const ps = fx.leaves(state.params);
    const kernels = planProgram(graphOf((...qs) => vg(fx.unflatten(state.params, qs)), ps)).kernels.length;
    return { relErr: relErr(got, ref), kernels };
  } catch (e) {
    return { error: message(e) };
  }
}

/** The loss and every weight gradient of a small FNO-2D (rfft along y, fft along x, and back) against the js reference. */
async function fno2dGrad(gpu: WebGpuBackend): Promise<{ relErr: number; kernels: number } | { error: string }> {
  try {
    const model = fno({ dim: 2, modes: 3, width: 4, layers: 2, projection: 8, seed: 0 });
    const n = 8;
    const coords = gridCoords(
      [n, n],
      Float64Array.from({ length: n }, (_, j) => j / n),
      'f32',
    );
    const a = f32(rand64([2, n, n], 131));
    const like = model.params as unknown as fx.PyTree;
    const vg = (...ws: fx.Tensor[]) => {
      const loss = (q: fx.PyTree) => fx.mean(fx.square(model.apply(q as unknown as typeof model.params, a, coords)));
      const [v, g] = fx.valueAndGrad(loss)(fx.unflatten(like, ws));
      return [v as fx.Tensor, ...fx.leaves(g as fx.PyTree)];
    };
    const ws = fx.leaves(like);
    const ref = onJs(() => vg(...ws)).flatMap((t) => Array.from(t.dataSync()));
    const outs = gpu.jit(vg)(...ws);
    const got = (await Promise.all(outs.map((t) => t.data()))).flatMap((d) => Array.from(d));
    return { relErr: relErr(got, ref), kernels: planProgram(graphOf(vg, ws)).kernels.length };
  } catch (e) {
    return { error: message(e) };
  }
}

/** TRAIN.steps Adam steps with everything resident; only the losses are read back. */
async function training(gpu: WebGpuBackend): Promise<TrainingRun | { error: string }> {
  try {
    const { state, x, step } = pinnProblem(TRAIN.points, TRAIN.layers);
    const compiled = gpu.jit(step);
    const xd = gpu.upload(x);
    const [first, s1] = compiled(state, xd, lrHat(1));
    const lossReads = [first.data()];
    await lossReads[0]; // the first call compiled the shaders: time the steps after it
    let s = s1;
    const t0 = performance.now();
    for (let t = 2; t <= TRAIN.steps; t++) {
      const [l, next] = compiled(s, xd, lrHat(t));
      lossReads.push(l.data());
      s = next;
    }
    const losses = (await Promise.all(lossReads)).map((d) => d[0]);
    const msPerStep = (performance.now() - t0) / (TRAIN.steps - 1);
    const flat = await Promise.all(s.params.flatMap((l) => [l.W.data(), l.b.data()]));
    return { losses, params: flat.flatMap((d) => Array.from(d)), msPerStep };
  } catch (e) {
    return { error: message(e) };
  }
}

async function residentRepeat(gpu: WebGpuBackend): Promise<boolean> {
  const f = gpu.jit((a: fx.Tensor) => fx.add(fx.mul(a, 2), 1));
  const a = gpu.upload(fx.tensor([1, 2, 3], [3]));
  const b = f(a);
  const c = f(b); // b stays valid and unchanged while c is computed from it
  const [bv, cv] = await Promise.all([b.data(), c.data()]);
  return Array.from(bv).join() === '3,5,7' && Array.from(cv).join() === '7,11,15';
}

/** A disposed output's buffer goes to the next output of its size; a read asked for before the dispose still sees the old values. */
async function recycledRead(gpu: WebGpuBackend): Promise<string> {
  const f = gpu.jit((a: fx.Tensor) => fx.add(fx.mul(a, 2), 1));
  const b = f(gpu.upload(fx.tensor([1, 2, 3], [3])));
  const pending = b.data();
  b.dispose();
  const c = f(fx.tensor([10, 20, 30], [3]));
  return [await pending, await c.data()].map((d) => Array.from(d).join()).join(' | ');
}

async function report(): Promise<WebGpuReport> {
  let gpu: WebGpuBackend;
  try {
    gpu = await requestWebGpuBackend();
  } catch (e) {
    return { unavailable: message(e) };
  }
  const shaped = [...cases.filter((c) => /^(matmul|sum|mean|max)/.test(c.name)), ...edgeCases];
  const targets = {} as Record<KernelTarget, WebGpuRow[]>;
  for (const target of ['cpu', 'gpu'] as const) {
    const other = await requestWebGpuBackend(undefined, { target });
    targets[target] = await caseRows(other, shaped);
    other.destroy();
  }
  return {
    adapter: `${gpu.adapter} (kernels for a ${gpu.target})`,
    rows: await caseRows(gpu, [...cases, ...fftCases]),
    random: await randomRows(gpu),
    targets,
    pinn: await pinnGrad(gpu),
    fno2d: await fno2dGrad(gpu),
    training: await training(gpu),
    residentRepeat: await residentRepeat(gpu),
    recycled: await recycledRead(gpu),
  };
}

report().then(
  (r) => {
    (globalThis as { fluxionWebGpu?: WebGpuReport }).fluxionWebGpu = r;
  },
  (e) => {
    (globalThis as { fluxionWebGpu?: WebGpuReport }).fluxionWebGpu = { unavailable: `page failed: ${message(e)}` };
  },
);
