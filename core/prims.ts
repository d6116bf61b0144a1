// Primitive registry: the shape/dtype rule of every primitive (abstract evaluation), with clear errors.
import { ShapeError } from './errors.js';
import type { Aval, Params } from './ir.js';
import { fmt, sameShape, sizeOf, type Shape } from './shape.js';
import type { DType } from './dtype.js';

type ShapeRule = (inputs: readonly Aval[], p: Params) => Aval;

export const UNARY = ['stop_gradient', 'neg', 'exp', 'log', 'sin', 'cos', 'tanh', 'sqrt', 'powc'] as const;
export const BINARY = ['add', 'sub', 'mul', 'div', 'max'] as const;
export const COMPARE = ['gt', 'ge', 'eq'] as const;

function sameAval(op: string, inputs: readonly Aval[]): Aval {
  const [a] = inputs;
  for (const b of inputs.slice(1)) {
    if (!sameShape(a.shape, b.shape)) throw new ShapeError(op, `shapes ${fmt(a.shape)} and ${fmt(b.shape)} differ`);
    if (a.dtype !== b.dtype) throw new ShapeError(op, `dtypes ${a.dtype} and ${b.dtype} differ`);
  }
  return { shape: a.shape, dtype: a.dtype };
}

function checkPerm(op: string, perm: readonly number[], rank: number): void {
  const ok = perm.length === rank && [...perm].sort((x, y) => x - y).every((p, i) => p === i);
  if (!ok) throw new ShapeError(op, `perm [${perm.join(',')}] is not a permutation of ${rank} axes`);
}

const rules: Record<string, ShapeRule> = {
  cast: ([a], p) => ({ shape: a.shape, dtype: p.dtype as DType }),
  where: (ins) => sameAval('where', ins),
  broadcast: ([a], p) => {
    const shape = p.shape as Shape;
    const off = shape.length - a.shape.length;
    const ok = off >= 0 && a.shape.every((d, i) => d === 1 || d === shape[off + i]);
    if (!ok) throw new ShapeError('broadcast', `cannot broadcast shape ${fmt(a.shape)} to ${fmt(shape)}`);
    return { shape, dtype: a.dtype };
  },
  reshape: ([a], p) => {
    const shape = p.shape as Shape;
    if (sizeOf(shape) !== sizeOf(a.shape)) {
      throw new ShapeError('reshape', `cannot reshape ${fmt(a.shape)} (size ${sizeOf(a.shape)}) to ${fmt(shape)}`);
    }
    return { shape, dtype: a.dtype };
  },
  transpose: ([a], p) => {
    const perm = p.perm as readonly number[];
    checkPerm('transpose', perm, a.shape.length);
    return { shape: perm.map((i) => a.shape[i]), dtype: a.dtype };
  },
  reduce_sum: ([a], p) => ({ shape: a.shape.filter((_, i) => !p.axes?.includes(i)), dtype: a.dtype }),
  reduce_max: ([a], p) => ({ shape: a.shape.filter((_, i) => !p.axes?.includes(i)), dtype: a.dtype }),
  matmul: ([a, b], p) => {
    if (a.shape.length < 2 || b.shape.length !== a.shape.length) {
      throw new ShapeError('matmul', `operands need equal rank >= 2, got ${fmt(a.shape)} and ${fmt(b.shape)}`);
    }
    if (a.dtype !== b.dtype) throw new ShapeError('matmul', `dtypes ${a.dtype} and ${b.dtype} differ`);
    const r = a.shape.length;
    const batchA = a.shape.slice(0, r - 2);
    if (!sameShape(batchA, b.shape.slice(0, r - 2))) {
      throw new ShapeError('matmul', `batch dimensions of ${fmt(a.shape)} and ${fmt(b.shape)} differ`);
    }
    const [m, ka] = p.transA ? [a.shape[r - 1], a.shape[r - 2]] : [a.shape[r - 2], a.shape[r - 1]];
    const [kb, n] = p.transB ? [b.shape[r - 1], b.shape[r - 2]] : [b.shape[r - 2], b.shape[r - 1]];
    if (ka !== kb) {
      throw new ShapeError(
        'matmul',
        `inner dimensions differ: ${fmt(a.shape)}${p.transA ? '^T' : ''} x ${fmt(b.shape)}${p.transB ? '^T' : ''} (${ka} vs ${kb})`,
      );
    }
    return { shape: [...batchA, m, n], dtype: a.dtype };
  },
  concat: (ins, p) => {
    const axis = p.axis as number;
    const [a] = ins;
    let total = 0;
    for (const b of ins) {
      const ok = b.shape.length === a.shape.length && b.shape.every((d, i) => i === axis || d === a.shape[i]);
      if (!ok) throw new ShapeError('concat', `shapes ${fmt(a.shape)} and ${fmt(b.shape)} differ off axis ${axis}`);
      if (b.dtype !== a.dtype) throw new ShapeError('concat', `dtypes ${a.dtype} and ${b.dtype} differ`);
      total += b.shape[axis];
    }
    return { shape: a.shape.map((d, i) => (i === axis ? total : d)), dtype: a.dtype };
  },
  slice: ([a], p) => {
    const start = p.start as readonly number[];
    const size = p.shape as readonly number[];
    const ok =
      start.length === a.shape.length &&
      size.length === a.shape.length &&
      a.shape.every((d, i) => start[i] >= 0 && size[i] >= 0 && start[i] + size[i] <= d);
    if (!ok) throw new ShapeError('slice', `start [${start.join(',')}] size [${size.join(',')}] out of bounds for ${fmt(a.shape)}`);
    return { shape: [...size], dtype: a.dtype };
  },
  pad: ([a], p) => ({
    shape: a.shape.map((d, i) => d + (p.before as number[])[i] + (p.after as number[])[i]),
    dtype: a.dtype,
  }),
  gather: ([x, idx], p) => {
    const axis = p.axis as number;
    if (idx.dtype !== 'i32') throw new ShapeError('gather', `indices must be i32, got ${idx.dtype}`);
    return { shape: [...x.shape.slice(0, axis), ...idx.shape, ...x.shape.slice(axis + 1)], dtype: x.dtype };
  },
  scatter_add: ([idx, upd], p) => {
    const axis = p.axis as number;
    if (idx.dtype !== 'i32') throw new ShapeError('scatterAdd', `indices must be i32, got ${idx.dtype}`);
    const k = idx.shape.length;
    const ok = sameShape(upd.shape.slice(axis, axis + k), idx.shape);
    if (!ok) throw new ShapeError('scatterAdd', `updates ${fmt(upd.shape)} do not carry indices ${fmt(idx.shape)} at axis ${axis}`);
    return { shape: [...upd.shape.slice(0, axis), p.size as number, ...upd.shape.slice(axis + k)], dtype: upd.dtype };
  },
  rfft: ([a]) => {
    if (a.dtype === 'i32') throw new ShapeError('rfft', 'expected a float tensor');
    const n = a.shape[a.shape.length - 1];
    return { shape: [...a.shape.slice(0, -1), (n >> 1) + 1, 2], dtype: a.dtype };
  },
  irfft: ([a], p) => {
    const n = p.size as number;
    const m = a.shape[a.shape.length - 2];
    if (!Number.isInteger(n) || n < 1 || (n >> 1) + 1 !== m) {
      throw new ShapeError('irfft', `${m} bins cannot come from a real signal of length ${n}`);
    }
    return { shape: [...a.shape.slice(0, -2), n], dtype: a.dtype };
  },
  fft: ([a]) => ({ shape: a.shape, dtype: a.dtype }),
  ifft: ([a]) => ({ shape: a.shape, dtype: a.dtype }),
  random: ([key], p) => {
    if (key.shape.length !== 0) throw new ShapeError('random', `key must be a scalar, got ${fmt(key.shape)}`);
    return { shape: p.shape as Shape, dtype: p.dtype as DType };
  },
};
for (const u of UNARY) rules[u] = ([a]) => ({ shape: a.shape, dtype: a.dtype });
for (const b of [...BINARY, ...COMPARE]) rules[b] = (ins) => sameAval(b, ins);

export function abstractEval(prim: string, inputs: readonly Aval[], params: Params): Aval {
  const rule = rules[prim];
  if (!rule) throw new Error(`unknown primitive '${prim}'`);
  return rule(inputs, params);
}

export const primitiveNames = (): string[] => Object.keys(rules);
