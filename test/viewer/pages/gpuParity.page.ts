// Browser page (bundled by test/viewer/gpuWebgl.test.ts): every primitive case, the B-spline transfer's slots and a
// whole PINN gradient on the gpu backend with gpu.js in WebGL2 mode, against the js reference backend in the
// same tab. Publishes the report on globalThis.fluxionParity.
import { GPU } from 'gpu.js';
import * as fx from '../../../core/index.js';
import { registerGpuBackend } from '../../../core/backend/gpu.js';
import { GpuExecutable } from '../../../core/compile/gpuExecutable.js';
import { mlp, type MlpParams } from '../../../nn/mlp.js';
import { cases } from '../../support/cases.js';
import { relErr } from '../../support/check.js';
import { bind } from '../../../core/trace.js';
import { Mulberry32 } from '../../../core/random.js';

export interface ParityRow {
  name: string;
  eager: number;
  compiled: number;
  /** device kernels in the compiled single-case graph */
  kernels: number;
  error?: string;
}
export interface ParityReport {
  mode: string;
  rows: ParityRow[];
  pinn: { relErr: number; hostSteps: string[]; kernels: number; msPerStep: number } | { error: string };
}

type Name = 'js' | 'gpu';
function on<T>(backend: Name, f: () => T): T {
  fx.setBackend(backend);
  try {
    return f();
  } finally {
    fx.setBackend('js');
  }
}
const f32 = (t: fx.Tensor): fx.Tensor => (t.dtype === 'f64' ? fx.cast(t, 'f32') : t);
const values = (ts: readonly fx.Tensor[]): number[] => ts.flatMap((t) => Array.from(t.dataSync()));
const graphOf = (f: (...xs: fx.Tensor[]) => fx.Tensor | fx.Tensor[], xs: readonly fx.Tensor[]) =>
  fx.makeGraph(
    f,
    xs.map((t) => ({ shape: t.shape, dtype: t.dtype })),
  );

const gpu = registerGpuBackend(new GPU({ mode: 'webgl2' }));
function row(name: string, f: (...xs: fx.Tensor[]) => fx.Tensor, xs: fx.Tensor[]): ParityRow {
  try {
    const ref = on('js', () => f(...xs)).dataSync();
    const eager = on('gpu', () => f(...xs)).dataSync();
    const compiled = on('gpu', () => fx.jit((...ys: fx.Tensor[]) => f(...ys))(...xs)).dataSync();
    const kernels = new GpuExecutable(graphOf(f, xs), gpu).kernelCount;
    return { name, eager: relErr(eager, ref), compiled: relErr(compiled, ref), kernels };
  } catch (e) {
    return { name, eager: NaN, compiled: NaN, kernels: 0, error: String((e as Error).message) };
  }
}

/** The B-spline transfer's first-order slots as shaders (core/backend/gpu/bspline.ts), 2D and 3D, 13 particles. */
function transferRows(): ParityRow[] {
  return (
    [
      [2, 8],
      [3, 6],
    ] as const
  ).flatMap(([d, nGrid]) => {
    const rng = new Mulberry32(d);
    const draw = (shape: number[], v: () => number) =>
      fx.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, v), shape, 'f32');
    const x = draw([d, 13], () => 0.5 / nGrid + 0.01 + (1 - 2 / nGrid - 0.02) * rng.next());
    const A = draw([2, 1 + d, 13], () => rng.normal());
    const g = draw([2, nGrid ** d], () => rng.normal());
    return (['grid', 'coef', 'pos', 'pos+coef', 'pos+grid'] as const).map((free) =>
      row(`bspline_transfer ${d}D ${free}`, (...xs) => bind('bspline_transfer', xs, { nGrid, free, tangents: 0 }), [
        x,
        ...(free === 'coef' ? [] : [A]),
        ...(free === 'grid' ? [] : [g]),
      ]),
    );
  });
}

const rows: ParityRow[] = [...cases.map((c) => row(c.name, c.f, c.inputs().map(f32))), ...transferRows()];

function pinn(): ParityReport['pinn'] {
  try {
    const net = mlp({ layers: [2, 32, 32, 1], seed: 4 });
    const x = fx.random.uniform(3, [256, 2]);
    const loss = (p: MlpParams) =>
      fx.mean(
        fx.square(
          fx.add(
            fx.laplacian((z) => net.apply(p, z), x),
            1,
          ),
        ),
      );
    const flat = (r: [unknown, unknown]) => values([r[0] as fx.Tensor, ...fx.leaves(r[1] as fx.PyTree)]);
    const ref = on('js', () => flat(fx.valueAndGrad(loss)(net.params)));
    const step = on('gpu', () => fx.jit(fx.valueAndGrad(loss)));
    const got = on('gpu', () => flat(step(net.params)));
    const t0 = performance.now();
    for (let r = 0; r < 3; r++) on('gpu', () => step(net.params));
    const msPerStep = (performance.now() - t0) / 3;
    const ps = fx.leaves(net.params);
    const exe = new GpuExecutable(
      graphOf((...qs) => {
        const [v, g] = fx.valueAndGrad(loss)(fx.unflatten(net.params, qs));
        return [v as fx.Tensor, ...fx.leaves(g as fx.PyTree)];
      }, ps),
      gpu,
    );
    return { relErr: relErr(got, ref), hostSteps: exe.hostSteps, kernels: exe.kernelCount, msPerStep };
  } catch (e) {
    return { error: String((e as Error).message) };
  }
}

(globalThis as { fluxionParity?: ParityReport }).fluxionParity = { mode: gpu.mode, rows, pinn: pinn() };
