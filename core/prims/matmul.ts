// Batched matrix product with optional transposed operands (the GEMM primitive).
import { ShapeError } from '../errors.js';
import { allocate, type TypedArray } from '../dtype.js';
import { fmt, sameShape, sizeOf } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { product } from './elementwise.js';
import type { PrimTable } from './types.js';
import { NotCollapsible } from '../errors.js';
import { liftAll } from './batching.js';

export interface MatmulParams {
  matmul: { readonly transA: boolean; readonly transB: boolean };
}

function transposeLast2(x: TypedArray, batch: number, r: number, c: number): TypedArray {
  const out = allocate(x instanceof Float64Array ? 'f64' : 'f32', x.length);
  for (let b = 0; b < batch; b++) {
    const o = b * r * c;
    for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[o + j * r + i] = x[o + i * c + j];
  }
  return out;
}

export const matmulPrims: PrimTable<'matmul'> = {
  matmul: {
    name: 'matmul',
    batch: (lax, [a, b], c) => {
      // a stack of row blocks times one shared matrix is one taller product: no copies of the shared operand
      if (c.bdims[1] === null && a.rank === 3 && !c.params.transA) {
        const [n, m, k] = a.shape;
        const y = c.same([lax.reshape(a, [n * m, k]), b]);
        return lax.reshape(y, [n, m, y.shape[1]]);
      }
      return c.same(liftAll(lax, [a, b], c));
    },
    shape: ([a, b], p) => {
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
    impl: (ins, shapes, out, p) => {
      const r = shapes[0].length;
      const batch = sizeOf(out.shape.slice(0, r - 2));
      const m = out.shape[r - 2];
      const n = out.shape[r - 1];
      const k = p.transA ? shapes[0][r - 2] : shapes[0][r - 1];
      // materialise transposes so the inner loop walks both operands contiguously (i-k-j order)
      const a = p.transA ? transposeLast2(ins[0], batch, k, m) : ins[0];
      const b = p.transB ? transposeLast2(ins[1], batch, n, k) : ins[1];
      const c = allocate(out.dtype, batch * m * n);
      for (let bt = 0; bt < batch; bt++) {
        const ao = bt * m * k;
        const bo = bt * k * n;
        const co = bt * m * n;
        for (let i = 0; i < m; i++) {
          const crow = co + i * n;
          for (let q = 0; q < k; q++) {
            const aiq = a[ao + i * k + q];
            if (aiq === 0) continue;
            const brow = bo + q * n;
            for (let j = 0; j < n; j++) c[crow + j] += aiq * b[brow + j];
          }
        }
      }
      return c;
    },
    diff: {
      kind: 'rules',
      // bilinear: the Cauchy product with the matrix product as multiplication
      jet: (lax, [a, b], _, K, p) => product(lax, a, b, K, (u: Tensor, v: Tensor) => lax.bind('matmul', [u, v], p)),
      vjp: (lax, ct, [a, b], _, p) => {
        // C = op(A) op(B): dA = ct op(B)^T (transposed back if A was), dB = op(A)^T ct (likewise)
        const mm = (u: Tensor, v: Tensor, transA: boolean, transB: boolean): Tensor => lax.bind('matmul', [u, v], { transA, transB });
        const da = p.transA ? mm(b, ct, p.transB, true) : mm(ct, b, false, !p.transB);
        const db = p.transB ? mm(ct, a, true, p.transA) : mm(a, ct, !p.transA, false);
        return [da, db];
      },
      collapsed: (lax, { xs, t1, t2, tiledIn }, p) => {
        const mm = (u: Tensor, v: Tensor): Tensor => lax.bind('matmul', [u, v], p);
        const [x1a, x1b] = t1;
        if (x1a && x1b) throw new NotCollapsible('matmul of two x-dependent operands');
        const add = (u: Tensor | null, v: Tensor | null): Tensor | null => (!u ? v : !v ? u : lax.add(u, v));
        return [
          add(x1a ? mm(x1a, tiledIn(1)) : null, x1b ? mm(tiledIn(0), x1b) : null),
          add(t2[0] ? mm(t2[0], xs[1]) : null, t2[1] ? mm(xs[0], t2[1]) : null),
        ];
      },
    },
  },
};
