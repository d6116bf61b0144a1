// A planned program (program.ts) bound to a device: one arena buffer, one compute pipeline per kernel.
// A run writes host inputs into the arena (or copies resident ones on the device), records every
// dispatch into one compute pass and copies each output into a fresh buffer that the caller owns as a
// DeviceTensor; nothing is read back.
import type { Tensor } from '../../tensor.js';
import { fmt, sameShape, sizeOf } from '../../shape.js';
import type { Program, Slot } from './program.js';
import type { Kernel } from './shaders.js';
import { DeviceTensor, type WebGpuContext } from './device.js';
import { USAGE, type WgBindGroup, type WgBuffer, type WgComputePass, type WgPipeline } from './types.js';

/** Bytes between kernels' uniform blocks: WebGPU's largest allowed minUniformBufferOffsetAlignment. */
const UNIFORM_STRIDE = 256;

/** Compiled pipelines by shader text, shared by the executables of one backend. */
export type PipelineCache = Map<string, WgPipeline>;

type Step = { pipeline: WgPipeline; bind: WgBindGroup; kernel: Kernel };

export class WebGpuExecutable {
  private readonly arena: WgBuffer;
  /** the kernels' uniform blocks (null when none has one), UNIFORM_STRIDE bytes apart */
  private readonly uniforms: WgBuffer | null;
  private readonly steps: Step[];
  private disposed = false;

  constructor(
    readonly program: Program,
    private readonly ctx: WebGpuContext,
    pipelines: PipelineCache,
  ) {
    const { device } = ctx;
    const max = Math.min(device.limits.maxStorageBufferBindingSize, device.limits.maxBufferSize);
    if (program.arenaBytes > max) {
      throw new Error(
        `webgpu backend: the graph needs ${program.arenaBytes} bytes of device memory in one buffer; this device allows ${max}`,
      );
    }
    this.arena = ctx.buffer(program.arenaBytes);
    for (const c of program.constants) if (c.data.length) device.queue.writeBuffer(this.arena, c.offset * 4, c.data);
    const withUniforms = program.kernels.filter((k) => k.uniforms).length;
    this.uniforms = withUniforms
      ? device.createBuffer({ size: withUniforms * UNIFORM_STRIDE, usage: USAGE.UNIFORM | USAGE.COPY_DST })
      : null;
    let nextUniform = 0;
    this.steps = program.kernels.map((kernel) => {
      const pipeline = ctx.guarded(`compiling the shader for ${kernel.label}\n${kernel.wgsl}\n`, () => {
        let p = pipelines.get(kernel.wgsl);
        if (!p) {
          p = device.createComputePipeline({
            layout: 'auto',
            compute: { module: device.createShaderModule({ code: kernel.wgsl }), entryPoint: 'main' },
          });
          pipelines.set(kernel.wgsl, p);
        }
        return p;
      });
      const entries: Array<{ binding: number; resource: { buffer: WgBuffer; offset?: number; size?: number } }> = [
        { binding: 0, resource: { buffer: this.arena } },
      ];
      if (kernel.uniforms && this.uniforms) {
        const offset = UNIFORM_STRIDE * nextUniform++;
        device.queue.writeBuffer(this.uniforms, offset, kernel.uniforms);
        // uniform blocks are sized in multiples of 16 bytes
        entries.push({ binding: 1, resource: { buffer: this.uniforms, offset, size: Math.ceil(kernel.uniforms.byteLength / 16) * 16 } });
      }
      const bind = device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries });
      return { pipeline, bind, kernel };
    });
  }

  /** How many dispatches one run records. */
  get kernelCount(): number {
    return this.steps.length;
  }

  run(args: ReadonlyArray<Tensor | DeviceTensor>): DeviceTensor[] {
    if (this.disposed) throw new Error('webgpu backend: this executable was disposed');
    const { inputs, outputs } = this.program;
    if (args.length !== inputs.length) throw new Error(`webgpu backend: expected ${inputs.length} inputs, got ${args.length}`);
    const { device } = this.ctx;
    return this.ctx.guarded('running a compiled graph', () => {
      const enc = device.createCommandEncoder();
      args.forEach((a, i) =>
        this.bindInput(a, inputs[i], i, (src) => enc.copyBufferToBuffer(src, 0, this.arena, inputs[i].offset * 4, a.size * 4)),
      );
      const pass = enc.beginComputePass();
      for (const s of this.steps) {
        pass.setPipeline(s.pipeline);
        pass.setBindGroup(0, s.bind);
        pass.dispatchWorkgroups(...s.kernel.groups);
      }
      pass.end();
      const outs = outputs.map((o) => {
        const bytes = sizeOf(o.aval.shape) * 4;
        const buf = this.ctx.buffer(bytes);
        if (bytes) enc.copyBufferToBuffer(this.arena, o.offset * 4, buf, 0, bytes);
        return new DeviceTensor([...o.aval.shape], o.aval.dtype === 'i32' ? 'i32' : 'f32', buf, this.ctx);
      });
      device.queue.submit([enc.finish()]);
      return outs;
    });
  }

  /** Checks input `i` against its slot, then writes it (host) or has `copy` record its device copy. */
  private bindInput(a: Tensor | DeviceTensor, slot: Slot, i: number, copy: (src: WgBuffer) => void): void {
    if (!sameShape(a.shape, slot.aval.shape) || a.dtype !== slot.aval.dtype) {
      throw new Error(
        `webgpu backend: input ${i} is ${a.dtype}${fmt(a.shape)}, the compiled graph expects ${slot.aval.dtype}${fmt(slot.aval.shape)}`,
      );
    }
    if (!a.size) return;
    if (a instanceof DeviceTensor) {
      a.checkLive(`input ${i}`);
      if (a.context !== this.ctx) throw new Error(`webgpu backend: input ${i} lives on another device`);
      copy(a.buffer);
    } else this.ctx.device.queue.writeBuffer(this.arena, slot.offset * 4, a.dataSync());
  }

  /**
   * @internal for bench/webgpuProfile.ts: each dispatch's time in ms, the best of `reps` runs on the arena as it
   * is (after a run, so its values are real). With timestamp queries (a device asked for them) all dispatches run
   * in one submit, each in its own pass between two timestamps; without, each is submitted alone and timed by wall
   * clock up to onSubmittedWorkDone, less the time of an empty submit.
   */
  async timeEach(reps: number): Promise<{ timestamps: boolean; ms: Array<{ label: string; ms: number }> }> {
    const { device } = this.ctx;
    const best = this.steps.map(() => Infinity);
    const dispatch = (pass: WgComputePass, s: Step): void => {
      pass.setPipeline(s.pipeline);
      pass.setBindGroup(0, s.bind);
      pass.dispatchWorkgroups(...s.kernel.groups);
    };
    const timestamps = device.features?.has('timestamp-query') ?? false;
    if (timestamps) {
      const n = this.steps.length;
      const queries = device.createQuerySet({ type: 'timestamp', count: 2 * n });
      const resolved = device.createBuffer({ size: 16 * n, usage: USAGE.QUERY_RESOLVE | USAGE.COPY_SRC });
      for (let r = 0; r < reps; r++) {
        const enc = device.createCommandEncoder();
        this.steps.forEach((s, k) => {
          const pass = enc.beginComputePass({
            timestampWrites: { querySet: queries, beginningOfPassWriteIndex: 2 * k, endOfPassWriteIndex: 2 * k + 1 },
          });
          dispatch(pass, s);
          pass.end();
        });
        enc.resolveQuerySet(queries, 0, 2 * n, resolved, 0);
        device.queue.submit([enc.finish()]);
        const ns = new BigUint64Array(await this.ctx.read(resolved, 0, 16 * n));
        this.steps.forEach((_, k) => (best[k] = Math.min(best[k], Number(ns[2 * k + 1] - ns[2 * k]) / 1e6)));
      }
      queries.destroy();
      resolved.destroy();
    } else {
      const once = async (s?: Step): Promise<number> => {
        const t0 = performance.now();
        const enc = device.createCommandEncoder();
        const pass = enc.beginComputePass();
        if (s) dispatch(pass, s);
        pass.end();
        device.queue.submit([enc.finish()]);
        await device.queue.onSubmittedWorkDone();
        return performance.now() - t0;
      };
      let empty = Infinity;
      for (let r = 0; r < reps; r++) empty = Math.min(empty, await once());
      for (const [k, s] of this.steps.entries()) for (let r = 0; r < reps; r++) best[k] = Math.min(best[k], (await once(s)) - empty);
    }
    return { timestamps, ms: this.steps.map((s, k) => ({ label: s.kernel.label, ms: Math.max(0, best[k]) })) };
  }

  /** Frees the arena; the executable must not be run afterwards. */
  dispose(): void {
    this.disposed = true;
    this.arena.destroy();
    this.uniforms?.destroy();
  }
}
