// The parts of the WebGPU API this backend uses, written structurally: the published types must not
// need @webgpu/types or a DOM with WebGPU, and both a browser's navigator.gpu and Node's `webgpu`
// package (Dawn) satisfy them.

/** GPUBufferUsage / GPUMapMode flags by value (the globals are missing in Node without a binding). */
export const USAGE = {
  MAP_READ: 0x0001,
  COPY_SRC: 0x0004,
  COPY_DST: 0x0008,
  UNIFORM: 0x0040,
  STORAGE: 0x0080,
  QUERY_RESOLVE: 0x0200,
} as const;
export const MAP_READ = 0x0001;

export interface WgBuffer {
  readonly size: number;
  mapAsync(mode: number): Promise<void>;
  getMappedRange(): ArrayBuffer;
  unmap(): void;
  destroy(): void;
}
export interface WgBindGroupLayout {
  readonly label: string;
}
export interface WgBindGroup {
  readonly label: string;
}
export interface WgPipeline {
  getBindGroupLayout(index: number): WgBindGroupLayout;
}
export interface WgShaderModule {
  getCompilationInfo(): Promise<{ readonly messages: ReadonlyArray<{ type: string; message: string; lineNum: number }> }>;
}
export interface WgComputePass {
  setPipeline(p: WgPipeline): void;
  setBindGroup(index: number, g: WgBindGroup): void;
  dispatchWorkgroups(x: number, y?: number, z?: number): void;
  end(): void;
}
export interface WgCommandBuffer {
  readonly label: string;
}
/** A set of timestamp queries (the optional 'timestamp-query' feature; the profiler's only) */
export interface WgQuerySet {
  destroy(): void;
}
export interface WgEncoder {
  beginComputePass(d?: {
    timestampWrites?: { querySet: WgQuerySet; beginningOfPassWriteIndex: number; endOfPassWriteIndex: number };
  }): WgComputePass;
  resolveQuerySet(q: WgQuerySet, first: number, count: number, dst: WgBuffer, dstOffset: number): void;
  copyBufferToBuffer(src: WgBuffer, srcOffset: number, dst: WgBuffer, dstOffset: number, size: number): void;
  finish(): WgCommandBuffer;
}
export interface WgQueue {
  writeBuffer(b: WgBuffer, offset: number, data: ArrayBufferView): void;
  submit(cbs: WgCommandBuffer[]): void;
  onSubmittedWorkDone(): Promise<void>;
}
export interface WgLimits {
  readonly maxStorageBufferBindingSize: number;
  readonly maxBufferSize: number;
  readonly maxComputeWorkgroupsPerDimension: number;
  readonly maxComputeWorkgroupStorageSize: number;
  readonly maxComputeInvocationsPerWorkgroup: number;
}
export interface WgDevice {
  readonly queue: WgQueue;
  readonly features: ReadonlySet<string>;
  createQuerySet(d: { type: 'timestamp'; count: number }): WgQuerySet;
  readonly limits: WgLimits;
  createBuffer(d: { size: number; usage: number }): WgBuffer;
  createShaderModule(d: { code: string }): WgShaderModule;
  createComputePipeline(d: { layout: 'auto'; compute: { module: WgShaderModule; entryPoint: string } }): WgPipeline;
  createBindGroup(d: {
    layout: WgBindGroupLayout;
    entries: Array<{ binding: number; resource: { buffer: WgBuffer; offset?: number; size?: number } }>;
  }): WgBindGroup;
  createCommandEncoder(): WgEncoder;
  pushErrorScope(filter: 'validation' | 'out-of-memory'): void;
  popErrorScope(): Promise<{ readonly message: string } | null>;
  destroy(): void;
}
export interface WgAdapter {
  readonly limits: WgLimits;
  readonly features: ReadonlySet<string>;
  readonly info?: {
    readonly vendor: string;
    readonly architecture: string;
    readonly description: string;
    readonly isFallbackAdapter?: boolean;
  };
  /** the older place of the flag (before it moved into info) */
  readonly isFallbackAdapter?: boolean;
  requestDevice(d?: { requiredLimits?: Record<string, number>; requiredFeatures?: string[] }): Promise<WgDevice>;
}
/** navigator.gpu, or the `gpu` object of Node's `webgpu` package. */
export interface WgGpu {
  requestAdapter(o?: { powerPreference?: 'high-performance' | 'low-power' }): Promise<WgAdapter | null>;
}
