// The device side of the webgpu backend: the GPUDevice, resident tensors (DeviceTensor) and read-back.
// Validation errors of WebGPU calls arrive asynchronously, so each batch of calls is wrapped in an error
// scope whose result is kept and rethrown by the next read-back: a broken shader fails loudly there
// instead of leaving silent zeros.
import { Tensor } from '../../tensor.js';
import { fmt, sizeOf, type Shape } from '../../shape.js';
import { MAP_READ, USAGE, type WgBuffer, type WgDevice } from './types.js';

export type DeviceDType = 'f32' | 'i32';

export class WebGpuContext {
  /** error scopes not yet looked at, with what they covered */
  private pending: Array<Promise<string | null>> = [];

  constructor(readonly device: WgDevice) {}

  /** Runs `fn` inside a validation error scope; a failure is reported by the next read-back. */
  guarded<R>(what: string, fn: () => R): R {
    this.device.pushErrorScope('validation');
    try {
      return fn();
    } finally {
      this.pending.push(this.device.popErrorScope().then((e) => (e ? `webgpu backend: ${what}: ${e.message}` : null)));
    }
  }

  /** Throws the first error of the calls made so far. */
  async check(): Promise<void> {
    const errors = (await Promise.all(this.pending.splice(0))).filter((e): e is string => e !== null);
    if (errors.length) throw new Error(errors[0]);
  }

  buffer(bytes: number): WgBuffer {
    // a zero-sized binding is invalid: empty tensors still get one word
    return this.device.createBuffer({ size: Math.max(4, bytes), usage: USAGE.STORAGE | USAGE.COPY_SRC | USAGE.COPY_DST });
  }

  /** A copy of `bytes` bytes of `src` from `offset`, on the host. */
  async read(src: WgBuffer, offset: number, bytes: number): Promise<ArrayBuffer> {
    await this.check();
    const staging = this.device.createBuffer({ size: Math.max(4, bytes), usage: MAP_READ | USAGE.COPY_DST });
    const enc = this.device.createCommandEncoder();
    if (bytes) enc.copyBufferToBuffer(src, offset, staging, 0, bytes);
    this.device.queue.submit([enc.finish()]);
    await staging.mapAsync(MAP_READ);
    const copy = staging.getMappedRange().slice(0, bytes);
    staging.unmap();
    staging.destroy();
    return copy;
  }
}

/** Frees the buffers of resident tensors the program dropped without dispose(). */
const released = new FinalizationRegistry<WgBuffer>((b) => b.destroy());

/**
 * A tensor resident in a GPU buffer: what compiled webgpu functions return and accept. Its values come
 * to the host only when asked, with data() or toTensor().
 */
export class DeviceTensor {
  private disposed = false;

  constructor(
    readonly shape: Shape,
    readonly dtype: DeviceDType,
    /** @internal the buffer holding exactly the values, row-major */
    readonly buffer: WgBuffer,
    private readonly ctx: WebGpuContext,
  ) {
    released.register(this, buffer, this);
  }

  get size(): number {
    return sizeOf(this.shape);
  }

  /** @internal the context that owns the buffer (a tensor of another device cannot be bound) */
  get context(): WebGpuContext {
    return this.ctx;
  }

  /** The values, read back from the device. */
  async data(): Promise<Float32Array | Int32Array> {
    this.checkLive('data');
    const bytes = await this.ctx.read(this.buffer, 0, this.size * 4);
    return this.dtype === 'i32' ? new Int32Array(bytes) : new Float32Array(bytes);
  }

  /** A host Tensor with the values. */
  async toTensor(): Promise<Tensor> {
    return new Tensor([...this.shape], this.dtype, await this.data());
  }

  /** Frees the GPU buffer now (it is also freed once the tensor is garbage collected). */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    released.unregister(this);
    this.buffer.destroy();
  }

  /** @internal throws when the buffer has been freed */
  checkLive(what: string): void {
    if (this.disposed) throw new Error(`webgpu backend: ${what}: DeviceTensor ${this.dtype}${fmt(this.shape)} was disposed`);
  }

  toString(): string {
    return `DeviceTensor(${this.dtype}${fmt(this.shape)})`;
  }
}

/** Copies a host tensor into a new resident one (f32 or i32). */
export function uploadTensor(ctx: WebGpuContext, t: Tensor): DeviceTensor {
  if (t.dtype === 'f64') {
    throw new Error(`webgpu backend: dtype f64 is not supported (f32 only): cannot upload f64${fmt(t.shape)}; cast it to f32 first`);
  }
  const buf = ctx.buffer(t.size * 4);
  if (t.size) ctx.device.queue.writeBuffer(buf, 0, t.dataSync());
  return new DeviceTensor([...t.shape], t.dtype, buf, ctx);
}
