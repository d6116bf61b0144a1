// The device side of the webgpu backend: the GPUDevice, resident tensors (DeviceTensor) and read-back.
// Validation errors of WebGPU calls arrive asynchronously, so each batch of calls is wrapped in an error
// scope whose result is kept and rethrown by the next read-back: a broken shader fails loudly there
// instead of leaving silent zeros.
import { Tensor } from '../../tensor.js';
import { fmt, sizeOf, type Shape } from '../../shape.js';
import { MAP_READ, USAGE, type WgBuffer, type WgDevice } from './types.js';

export type DeviceDType = 'f32' | 'i32';

/** Bytes of freed buffers kept for reuse, per context. */
const SPARE_BYTES = 64 * 2 ** 20;

export class WebGpuContext {
  /** error scopes not yet looked at, with what they covered */
  private pending: Array<Promise<string | null>> = [];
  /**
   * Freed storage buffers and read-back staging buffers by size, handed out again: a training loop that disposes
   * each step's old state creates no buffer per step. Reuse is safe while earlier work on a buffer is still queued,
   * since the queue runs the new writes after it.
   */
  private readonly spare = { storage: new Map<number, WgBuffer[]>(), staging: new Map<number, WgBuffer[]>() };
  private spareBytes = 0;

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
    const size = Math.max(4, bytes);
    return this.reuse('storage', size) ?? this.device.createBuffer({ size, usage: USAGE.STORAGE | USAGE.COPY_SRC | USAGE.COPY_DST });
  }

  /** Keeps a buffer of buffer() for reuse (or destroys it when enough are kept); its owner must not touch it again. */
  recycle(b: WgBuffer, kind: 'storage' | 'staging' = 'storage'): void {
    if (this.spareBytes + b.size > SPARE_BYTES) return b.destroy();
    const list = this.spare[kind].get(b.size) ?? [];
    list.push(b);
    this.spare[kind].set(b.size, list);
    this.spareBytes += b.size;
  }

  private reuse(kind: 'storage' | 'staging', size: number): WgBuffer | undefined {
    const b = this.spare[kind].get(size)?.pop();
    if (b) this.spareBytes -= size;
    return b;
  }

  /**
   * A copy of `bytes` bytes of `src` from `offset`, on the host. The copy is queued before this returns, so `src`
   * may be recycled (a DeviceTensor disposed) while the read is pending.
   */
  async read(src: WgBuffer, offset: number, bytes: number): Promise<ArrayBuffer> {
    const size = Math.max(4, bytes);
    const staging = this.reuse('staging', size) ?? this.device.createBuffer({ size, usage: MAP_READ | USAGE.COPY_DST });
    const enc = this.device.createCommandEncoder();
    if (bytes) enc.copyBufferToBuffer(src, offset, staging, 0, bytes);
    this.device.queue.submit([enc.finish()]);
    await this.check();
    await staging.mapAsync(MAP_READ);
    const copy = staging.getMappedRange().slice(0, bytes);
    staging.unmap();
    this.recycle(staging, 'staging');
    return copy;
  }
}

/** Recycles the buffers of resident tensors the program dropped without dispose(). */
const released = new FinalizationRegistry<{ buffer: WgBuffer; ctx: WebGpuContext }>(({ buffer, ctx }) => ctx.recycle(buffer));

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
    released.register(this, { buffer, ctx }, this);
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

  /**
   * Frees the GPU buffer now, for the next outputs to reuse (it is also freed once the tensor is garbage collected).
   * Reads already asked for (data()) still return the values.
   */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    released.unregister(this);
    this.ctx.recycle(this.buffer);
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
