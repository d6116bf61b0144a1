// Tensor: a concrete array, or (while a function is being traced) a stand-in for an IR variable.
// A leaf module: the op methods come from ops.ts (declaration merging), so tensor -> ops -> trace -> tensor
// is not an import cycle.
import { allocate, dtypeOf, isFloat, type DType, type TypedArray } from './dtype.js';
import { fmt, sizeOf, type Shape } from './shape.js';
import type { Var } from './ir.js';
import type { Trace } from './trace.js';

export type Scalar = number;
export type TensorLike = Tensor | number;

export class Tensor {
  /** @internal use fx.tensor(), fx.zeros()... or ops; tracers are made by the tracer */
  constructor(
    readonly shape: Shape,
    readonly dtype: DType,
    /** values, row-major; undefined while this tensor stands for a traced variable */
    readonly buffer: TypedArray | undefined,
    /** the traced variable and its trace, for tracers */
    readonly node?: Var,
    readonly trace?: Trace,
  ) {}

  get size(): number {
    return sizeOf(this.shape);
  }
  get rank(): number {
    return this.shape.length;
  }
  get isTracer(): boolean {
    return this.buffer === undefined;
  }

  /** The values (a view, do not mutate). Throws for traced tensors, whose values do not exist yet. */
  dataSync(): TypedArray {
    if (!this.buffer) {
      throw new Error(
        `cannot read the values of a traced tensor ${this.dtype}${fmt(this.shape)}: inside grad/jvp/jet/jit ` +
          'tensors are symbolic; return it from the transformed function instead',
      );
    }
    return this.buffer;
  }
  async data(): Promise<TypedArray> {
    return this.dataSync();
  }
  /** The single value of a size-1 tensor. */
  item(): number {
    const d = this.dataSync();
    if (d.length !== 1) throw new Error(`item(): tensor has shape ${fmt(this.shape)}, expected exactly one element`);
    return d[0];
  }
  toArray(): number[] {
    return Array.from(this.dataSync());
  }
  toString(): string {
    return this.buffer
      ? `Tensor(${this.dtype}${fmt(this.shape)} ${Array.from(this.buffer.slice(0, 8)).join(', ')}${this.size > 8 ? ', ...' : ''})`
      : `Tracer(${this.dtype}${fmt(this.shape)} ${this.node})`;
  }
  // op methods (t.add(u), t.T, ...) are installed by ops.ts, which this module must not import
}

function flatten(data: unknown): number[] {
  return Array.isArray(data) ? data.flatMap(flatten) : [data as number];
}

/** Makes a concrete tensor. Nested arrays give their own shape; flat data needs `shape`. */
export function tensor(
  data: number | readonly unknown[] | Float32Array | Float64Array | Int32Array,
  shape?: readonly number[],
  dtype?: DType,
): Tensor {
  let values: ArrayLike<number>;
  let inferred: number[];
  if (typeof data === 'number') {
    values = [data];
    inferred = [];
  } else if (ArrayBuffer.isView(data)) {
    values = data;
    inferred = [data.length];
  } else {
    values = flatten(data);
    inferred = [];
    for (let d: unknown = data; Array.isArray(d); d = d[0]) inferred.push(d.length);
  }
  const finalShape = shape ?? inferred;
  if (finalShape.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new Error(`tensor: shape ${fmt(finalShape)} must hold non-negative integers`);
  }
  if (sizeOf(finalShape) !== values.length) {
    throw new Error(`tensor: ${values.length} values do not fill shape ${fmt(finalShape)} (size ${sizeOf(finalShape)})`);
  }
  const dt: DType = dtype ?? (ArrayBuffer.isView(data) ? dtypeOf(data) : 'f32');
  const buffer = allocate(dt, values.length);
  if (!isFloat(dt)) for (let i = 0; i < values.length; i++) buffer[i] = Math.trunc(values[i]);
  else buffer.set(values);
  return new Tensor([...finalShape], dt, buffer);
}

/** Wraps an existing buffer without copying. */
export function fromBuffer(buffer: TypedArray, shape: Shape): Tensor {
  if (sizeOf(shape) !== buffer.length) {
    throw new Error(`fromBuffer: buffer of length ${buffer.length} does not fill shape ${fmt(shape)}`);
  }
  return new Tensor([...shape], dtypeOf(buffer), buffer);
}

export function full(shape: Shape, value: number, dtype: DType = 'f32'): Tensor {
  const b = allocate(dtype, sizeOf(shape));
  b.fill(value);
  return new Tensor([...shape], dtype, b);
}
export const zeros = (shape: Shape, dtype: DType = 'f32'): Tensor => full(shape, 0, dtype);
export const ones = (shape: Shape, dtype: DType = 'f32'): Tensor => full(shape, 1, dtype);

export function arange(n: number, dtype: DType = 'f32'): Tensor {
  const b = allocate(dtype, n);
  for (let i = 0; i < n; i++) b[i] = i;
  return new Tensor([n], dtype, b);
}

export function eye(n: number, dtype: DType = 'f32'): Tensor {
  const b = allocate(dtype, n * n);
  for (let i = 0; i < n; i++) b[i * n + i] = 1;
  return new Tensor([n, n], dtype, b);
}
