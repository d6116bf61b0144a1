// Browser page for bench/webgpuProfile.ts: where a webgpu PINN Adam step's time goes on the tab's adapter.
// The device is wrapped so that every WebGPU call the backend makes per step is counted (buffers, bind groups,
// pipelines, shader modules, submits, writes, map-backs), and each dispatch of the compiled step is then
// timed alone. Publishes globalThis.fluxionWebGpuProfile.
import * as fx from '../../core/index.js';
import { disposeResident, requestWebGpuBackend } from '../../core/backend/webgpu/index.js';
import type { WgGpu } from '../../core/backend/webgpu/types.js';
import { lrHat, pinnProblem, type AdamState } from '../../test/support/pinnAdamStep.js';

export interface WebGpuProfile {
  adapter: string;
  features: string[];
  problems: Array<{
    name: string;
    dispatches: number;
    /** wall ms of the first call (tracing, planning, shader compilation) and the best of the later ones */
    firstMs: number;
    stepMs: number;
    /** WebGPU calls per step, counted over the calls after the second */
    callsPerStep: Record<string, number>;
    /** each dispatch's best ms (WebGpuExecutable.timeEach), by timestamp queries where the device has them */
    timestamps: boolean;
    kernels: Array<{ label: string; ms: number }>;
  }>;
  error?: string;
}

const counts: Record<string, number> = {};
/** A proxy of `o` counting calls of its methods by `prefix.name`, with results wrapped by `wrap`. */
function counting<T extends object>(o: T, prefix: string, wrap: (name: string, r: unknown) => unknown = (_, r) => r): T {
  return new Proxy(o, {
    get(target, key) {
      const v = Reflect.get(target, key, target) as unknown;
      if (typeof v !== 'function') return v;
      return (...args: unknown[]) => {
        const name = `${prefix}.${String(key)}`;
        counts[name] = (counts[name] ?? 0) + 1;
        return wrap(String(key), (v as (...a: unknown[]) => unknown).apply(target, args));
      };
    },
  });
}

function countingGpu(gpu: WgGpu): WgGpu {
  return {
    requestAdapter: async (o) => {
      const adapter = await gpu.requestAdapter(o);
      if (!adapter) return null;
      return {
        limits: adapter.limits,
        features: adapter.features,
        info: adapter.info,
        requestDevice: async (d) => {
          const device = await adapter.requestDevice(d);
          const queue = counting(device.queue, 'queue');
          return new Proxy(counting(device, 'device'), {
            get: (t, k) => (k === 'queue' ? queue : Reflect.get(t, k, t)),
          });
        },
      };
    },
  };
}

function flatStep(points: number, layers: number[]) {
  const { state, x, step } = pinnProblem(points, layers);
  const n = fx.leaves(state).length;
  const f = (...xs: fx.Tensor[]): fx.Tensor[] => {
    const [loss, next] = step(fx.unflatten(state, xs.slice(0, n)) as AdamState, xs[n], xs[n + 1]);
    return [loss, ...fx.leaves(next)];
  };
  return { f, inputs: [...fx.leaves(state), x, lrHat(1)], n };
}

async function run(): Promise<WebGpuProfile> {
  const nav = (globalThis as { navigator?: { gpu?: WgGpu } }).navigator;
  if (!nav?.gpu) throw new Error('no navigator.gpu');
  const adapter = (await nav.gpu.requestAdapter()) as unknown as { features?: Set<string> } | null;
  const features = [...(adapter?.features ?? [])];
  const gpu = await requestWebGpuBackend(countingGpu(nav.gpu), { timestamps: true });
  const problems: WebGpuProfile['problems'] = [];
  for (const [name, points, layers] of [
    ['1024 pts, 2-32-32-1', 1024, [2, 32, 32, 1]],
    ['4096 pts, 2-64-64-64-1', 4096, [2, 64, 64, 64, 1]],
  ] as const) {
    const { f, inputs, n } = flatStep(points, [...layers]);
    const g = gpu.jit(f);
    const xd = gpu.upload(inputs[n]);
    let s: Array<fx.Tensor | Awaited<ReturnType<typeof gpu.upload>>> = inputs.slice(0, n);
    const call = async () => {
      const [loss, ...next] = g(...s, xd, inputs[n + 1]);
      disposeResident(s);
      s = next;
      await loss.data();
      loss.dispose();
    };
    let t0 = performance.now();
    await call();
    const firstMs = performance.now() - t0;
    // the second call's outputs are new buffers (the first call's, its inputs, are still live while it runs);
    // from the third on they reuse the buffers of the state disposed a step before
    await call();
    for (const k of Object.keys(counts)) delete counts[k];
    const reps = 3;
    let stepMs = Infinity;
    for (let r = 0; r < reps; r++) {
      t0 = performance.now();
      await call();
      stepMs = Math.min(stepMs, performance.now() - t0);
    }
    const callsPerStep = Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, v / reps]));
    const exe = gpu.compile(
      fx.makeGraph(
        f,
        inputs.map((t) => ({ shape: t.shape, dtype: t.dtype })),
      ),
    );
    await exe.run(inputs)[0].data();
    const { timestamps, ms } = await exe.timeEach(3);
    problems.push({ name, dispatches: exe.kernelCount, firstMs, stepMs, callsPerStep, timestamps, kernels: ms });
  }
  return { adapter: gpu.adapter, features, problems };
}

run().then(
  (r) => {
    (globalThis as { fluxionWebGpuProfile?: WebGpuProfile }).fluxionWebGpuProfile = r;
  },
  (e: Error) => {
    (globalThis as { fluxionWebGpuProfile?: WebGpuProfile }).fluxionWebGpuProfile = {
      adapter: '',
      features: [],
      problems: [],
      error: `${e.message}\n${e.stack}`,
    };
  },
);
