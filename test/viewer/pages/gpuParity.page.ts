// Browser page (bundled by test/viewer/gpuWebgl.test.ts): every primitive case and a whole PINN
// gradient on the gpu backend with gpu.js in WebGL2 mode, against the js reference backend in the
// same tab. Publishes the report on globalThis.fluxionParity.
import { GPU } from 'gpu.js';
import * as fx from '../../../core/index.js';
import { registerGpuBackend } from '../../../core/backend/gpu.js';
import { GpuExecutable } from '../../../core/compile/gpuExecutable.js';
import { mlp, type MlpParams } from '../../../nn/mlp.js';
import { cases } from '../../support/cases.js';
import { relErr } from '../../support/check.js';

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
const rows: ParityRow[] = cases.map((c) => {
  try {
    const xs = c.inputs().map(f32);
    const ref = on('js', () => c.f(...xs)).dataSync();
    const eager = on('gpu', () => c.f(...xs)).dataSync();
    const compiled = on('gpu', () => fx.jit((...ys: fx.Tensor[]) => c.f(...ys))(...xs)).dataSync();
    const kernels = new GpuExecutable(graphOf(c.f, xs), gpu).kernelCount;
    return { name: c.name, eager: relErr(eager, ref), compiled: relErr(compiled, ref), kernels };
  } catch (e) {
    return { name: c.name, eager: NaN, compiled: NaN, kernels: 0, error: String((e as Error).message) };
  }
});

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
