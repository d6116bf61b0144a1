import { expect } from 'chai';
import { allVariants, randomF32, rng } from './helpers.js';
import { gatherArr, reduceArr, scatterAddArr } from '../../core/wasm/arrays.js';
import type { WasmKernels } from '../../core/wasm/kernels.js';

function refReduce(x: Float32Array | Float64Array, [outer, len, inner]: number[], isMax: boolean): Float64Array {
  const out = new Float64Array(outer * inner).fill(isMax ? -Infinity : 0);
  for (let i = 0; i < outer; i++)
    for (let p = 0; p < len; p++)
      for (let k = 0; k < inner; k++) {
        const v = x[(i * len + p) * inner + k],
          o = i * inner + k;
        out[o] = isMax ? Math.max(out[o], v) : out[o] + v;
      }
  return out;
}

function randomIdx(m: number, n: number, seed: number): Int32Array {
  const r = rng(seed);
  return Int32Array.from({ length: m }, () => Math.floor(r() * n));
}

describe('wasm/reduce and gather/scatter', () => {
  let kernels: WasmKernels[] = [];
  before(() => {
    kernels = allVariants();
  });

  const shapes: [number, number, number][] = [
    [1, 1, 1],
    [1, 1001, 1],
    [7, 13, 1],
    [1, 9, 11],
    [3, 5, 7],
    [2, 0, 3],
    [4, 6, 4],
    [1, 30000, 1],
  ];
  it('sum and max over the middle axis match the reference (rows, columns, 3D, full, empty)', () => {
    for (const kern of kernels) {
      shapes.forEach((shape, s) => {
        const x = randomF32(shape[0] * shape[1] * shape[2], 40 + s, -2, 3);
        const sum = reduceArr(kern, 'sum', x, shape),
          ref = refReduce(x, shape, false);
        sum.forEach((v, i) => expect(Math.abs(v - ref[i]), `sum ${shape}`).to.be.at.most(1e-6 * (shape[1] + 1) * 3));
        const mx = reduceArr(kern, 'max', x, shape);
        expect(Array.from(mx), `max ${shape}`).to.deep.equal(Array.from(refReduce(x, shape, true)).map(Math.fround));
      });
    }
  });

  it('f64 sum and max match the reference to f64 rounding', () => {
    for (const kern of kernels) {
      shapes.forEach((shape, s) => {
        const x = Float64Array.from(randomF32(shape[0] * shape[1] * shape[2], 60 + s, -2, 3), (v) => v * Math.PI);
        const sum = reduceArr(kern, 'sum', x, shape),
          ref = refReduce(x, shape, false);
        expect(sum).to.be.instanceOf(Float64Array);
        sum.forEach((v, i) => expect(Math.abs(v - ref[i]), `f64 sum ${shape}`).to.be.at.most(1e-13 * (shape[1] + 1) * 3));
        expect(Array.from(reduceArr(kern, 'max', x, shape)), `f64 max ${shape}`).to.deep.equal(Array.from(refReduce(x, shape, true)));
      });
    }
  });

  it('a long full sum is accurate to f32 rounding of the exact value (f64 accumulation)', () => {
    const x = new Float32Array(1 << 20).fill(0.1);
    expect(reduceArr(kernels[0], 'sum', x, [1, x.length, 1])[0]).to.equal(Math.fround(Math.fround(0.1) * x.length));
  });

  it('max propagates NaN like Math.max', () => {
    const x = Float32Array.from([1, NaN, 3, 4, 5, 6]);
    expect(Number.isNaN(reduceArr(kernels[0], 'max', x, [1, 6, 1])[0])).to.equal(true);
    expect(Array.from(reduceArr(kernels[0], 'max', x, [1, 3, 2])).map(Number.isNaN)).to.deep.equal([false, true]); // NaN sits in column 1
  });

  it('gather takes rows along the middle axis, f32 and f64, with repeated indices', () => {
    const [outer, n, inner, m] = [3, 7, 5, 9];
    const idx = randomIdx(m, n, 8);
    for (const kern of kernels) {
      for (const x of [randomF32(outer * n * inner, 1), Float64Array.from(randomF32(outer * n * inner, 2))]) {
        const out = gatherArr(kern, x, idx, [outer, n, inner]);
        expect(out.constructor).to.equal(x.constructor);
        for (let i = 0; i < outer; i++)
          for (let j = 0; j < m; j++)
            for (let k = 0; k < inner; k++) {
              expect(out[(i * m + j) * inner + k]).to.equal(x[(i * n + idx[j]) * inner + k]);
            }
      }
    }
  });

  it('scatterAdd is the adjoint of gather: <gather(x), y> = <x, scatterAdd(y)>', () => {
    for (const [outer, n, inner, m] of [
      [2, 6, 9, 11],
      [1, 4, 1, 10],
      [3, 5, 4, 2],
    ]) {
      const idx = randomIdx(m, n, n * m);
      for (const kern of kernels) {
        const x = Float64Array.from(randomF32(outer * n * inner, 3)),
          y = Float64Array.from(randomF32(outer * m * inner, 4));
        const gx = gatherArr(kern, x, idx, [outer, n, inner]);
        const sy = scatterAddArr(kern, y, idx, new Float64Array(x.length), [outer, n, inner]);
        let lhs = 0,
          rhs = 0;
        gx.forEach((v, i) => {
          lhs += v * y[i];
        });
        sy.forEach((v, i) => {
          rhs += v * x[i];
        });
        expect(Math.abs(lhs - rhs)).to.be.below(1e-12 * (1 + Math.abs(lhs)));
        // f32 scatter-add into a non-zero output, against a direct loop.
        const y32 = Float32Array.from(y),
          base = randomF32(x.length, 5);
        const got = scatterAddArr(kern, y32, idx, base, [outer, n, inner]);
        const ref = Float64Array.from(base);
        for (let i = 0; i < outer; i++)
          for (let j = 0; j < m; j++) for (let k = 0; k < inner; k++) ref[(i * n + idx[j]) * inner + k] += y32[(i * m + j) * inner + k];
        got.forEach((v, i) => expect(Math.abs(v - ref[i])).to.be.below(1e-6));
      }
    }
  });

  it('out-of-range indices throw naming the index and write nothing', () => {
    const kern = kernels[0];
    const idx = Int32Array.from([0, 2, 5]);
    expect(() => gatherArr(kern, new Float32Array(10), idx, [2, 5, 1])).to.throw(
      /gather: idx\[2\] = 5 is out of range, expected 0 <= idx < 5/,
    );
    const out = new Float32Array(10).fill(1);
    expect(() => scatterAddArr(kern, new Float32Array(6).fill(1), Int32Array.from([0, -1, 1]), out, [2, 5, 1])).to.throw(
      /scatterAdd: idx\[1\] = -1/,
    );
    const y = new Float32Array(6).fill(1);
    const yp = kern.alloc(24),
      ip = kern.alloc(12),
      op = kern.alloc(40);
    kern.f32view(yp, 6).set(y);
    kern.i32view(ip, 3).set([0, 4, 9]);
    kern.f32view(op, 10).fill(1);
    expect(() => kern.scatterAdd('f32', yp, ip, op, 2, 5, 1, 3)).to.throw(/idx\[2\] = 9/);
    expect(Array.from(kern.f32view(op, 10))).to.deep.equal(new Array(10).fill(1));
    for (const p of [yp, ip, op]) kern.free(p);
  });
});
