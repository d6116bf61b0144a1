// A graph compiled for the gpu backend: every fused elementwise chain and every other f32 primitive
// is one gpu.js kernel; kernels run in pipeline mode, so intermediate values stay on the device as
// textures and only the graph's outputs, inputs of ops left on the reference loops and the inputs of host checks
// (a B-spline transfer's positions, gpu/source.ts hostCheck) are read back.
import { Var, type Atom, type Eqn, type Graph } from '../ir.js';
import { Tensor } from '../tensor.js';
import { allocate, type TypedArray } from '../dtype.js';
import { sizeOf } from '../shape.js';
import { jsBackend } from '../backend/js.js';
import { asKernelArg, onDevice, toHost, type GpuKernel, type GpuValue } from '../backend/gpu/device.js';
import type { GpuBackend } from '../backend/gpu.js';
import { hostCheck, primitiveSource } from '../backend/gpu/source.js';
import { planFusion, type FusedKernel } from './fusion.js';
import { jsLoop } from './jsgen.js';
import { gpuSource } from './gpugen.js';
import { defOf } from '../prims/registry.js';

/** Ops whose output is the input's values unchanged pass the same buffer or texture on. */
const aliases = (e: Eqn): boolean => !!defOf(e.prim).alias || e.prim === 'stop_gradient';

type Value = GpuValue | TypedArray;
type Step = (values: Map<Atom, Value>) => void;

export class GpuExecutable {
  private readonly steps: Step[] = [];
  /** The kernels this executable owns (each holds its output texture on the device). */
  private readonly kernels: GpuKernel[] = [];
  private disposed = false;
  /** The primitives of the steps left on the reference loops, in order. */
  readonly hostSteps: string[] = [];

  constructor(
    private readonly graph: Graph,
    backend: GpuBackend,
  ) {
    // no SIMD-unary carve-out: on a GPU transcendentals are cheapest inside the fused kernel
    const plan = planFusion(graph, false);
    for (const { eqn, kernel } of plan.steps) {
      const ins = kernel ? kernel.inputs : eqn.inputs;
      if (aliases(eqn) && !kernel) {
        this.steps.push((v) => v.set(eqn.out, v.get(eqn.inputs[0]) ?? (eqn.inputs[0] as Tensor).dataSync()));
        continue;
      }
      const avals = ins.map((a) => a as Var | Tensor);
      const source =
        !onDevice(eqn.prim, avals, eqn.out) || (!kernel && backend.hostOnly.has(eqn.prim))
          ? null
          : kernel
            ? gpuSource(kernel)
            : primitiveSource(
                eqn.prim,
                avals.map((a) => a.shape),
                eqn.out.shape,
                eqn.params,
              );
      if (source) {
        const run = backend.kernel(source, sizeOf(eqn.out.shape), true);
        this.kernels.push(run);
        const guard = kernel
          ? null
          : hostCheck(
              eqn.prim,
              avals.map((a) => a.shape),
              eqn.params,
            );
        this.steps.push((v) => {
          guard?.check(guard.inputs.map((k) => hostValue(v, ins[k])));
          v.set(eqn.out, run(...ins.map((a) => deviceArg(v, a))) as GpuValue);
        });
      } else {
        this.hostSteps.push(eqn.prim);
        this.steps.push(kernel ? hostLoop(kernel) : referenceStep(eqn));
      }
    }
  }

  /** How many steps run as device kernels. */
  get kernelCount(): number {
    return this.kernels.length;
  }

  /** Frees the kernels and their device textures; the executable must not be run afterwards. */
  dispose(): void {
    for (const k of this.kernels.splice(0)) k.destroy();
    this.steps.length = 0;
    this.disposed = true;
  }

  run(args: readonly Tensor[]): Tensor[] {
    if (this.disposed) throw new Error('GpuExecutable.run: this executable was disposed (its kernels and textures are freed)');
    const values = new Map<Atom, Value>();
    this.graph.inputs.forEach((v, i) => values.set(v, args[i].dataSync()));
    for (const step of this.steps) step(values);
    return this.graph.outputs.map((a) => {
      if (!(a instanceof Var)) return a;
      const v = values.get(a) as Value;
      // a copy: gpu.js may reuse a kernel's output buffer on the next run
      return new Tensor(a.shape, a.dtype, (isHostArray(v) ? v : toHost(v)).slice());
    });
  }
}

const isHostArray = (v: Value): v is TypedArray => ArrayBuffer.isView(v);

/** A kernel argument: a texture as is, host arrays as f32 (constants are read from the graph). */
function deviceArg(values: Map<Atom, Value>, a: Atom): GpuValue {
  const v = values.get(a) ?? (a as Tensor).dataSync();
  return isHostArray(v) ? asKernelArg(v) : v;
}

/** The values of `a` on the host (read back from the device if need be). */
function hostValue(values: Map<Atom, Value>, a: Atom): TypedArray {
  const v = values.get(a);
  if (v === undefined) return (a as Tensor).dataSync();
  return isHostArray(v) ? v : toHost(v);
}

/** An op left on the reference loops. */
function referenceStep(e: Eqn): Step {
  return (values) => {
    const ins = e.inputs.map((a) => new Tensor((a as Var).shape, (a as Var).dtype, hostValue(values, a)));
    values.set(e.out, jsBackend.run(e.prim, ins, e.out, e.params));
  };
}

/** A fused chain the device cannot take (f64/i32 values): the same tree as a generated JS loop. */
function hostLoop(k: FusedKernel): Step {
  const loop = jsLoop(k);
  return (values) => {
    const out = allocate(k.out.dtype, k.size);
    loop(
      out,
      k.inputs.map((a) => hostValue(values, a)),
    );
    values.set(k.out, out);
  };
}
