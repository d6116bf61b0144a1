import { expect } from 'chai';
import { allVariants, randomF32, rng } from './helpers.js';
import { matmul } from '../../core/wasm/arrays.js';
import { DEFAULT_THREAD_MIN_FLOPS, splitK, type WasmKernels } from '../../core/wasm/kernels.js';

/** Plain-JS reference in f64: C[q] = op(A[q]) op(B[q]) (+ C0[q]); also returns sum |a||b| for tolerances. */
function refGemm(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  m: number,
  n: number,
  k: number,
  ta: boolean,
  tb: boolean,
  batch = 1,
  c0?: ArrayLike<number>,
): { c: Float64Array; scale: Float64Array } {
  const c = new Float64Array(batch * m * n),
    scale = new Float64Array(batch * m * n);
  for (let q = 0; q < batch; q++) {
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = c0 ? c0[q * m * n + i * n + j] : 0,
          sa = Math.abs(s);
        for (let p = 0; p < k; p++) {
          const x = a[q * m * k + (ta ? p * m + i : i * k + p)],
            y = b[q * k * n + (tb ? j * k + p : p * n + j)];
          s += x * y;
          sa += Math.abs(x * y);
        }
        c[q * m * n + i * n + j] = s;
        scale[q * m * n + i * n + j] = sa;
      }
    }
  }
  return { c, scale };
}

function expectClose(got: ArrayLike<number>, ref: { c: Float64Array; scale: Float64Array }, eps: number, what: string): void {
  expect(got.length).to.equal(ref.c.length);
  let worst = 0,
    at = -1;
  for (let i = 0; i < got.length; i++) {
    const e = Math.abs(got[i] - ref.c[i]) / (ref.scale[i] + 1e-30);
    if (!(e <= worst)) {
      worst = e;
      at = i;
    }
  }
  expect(worst, `${what}: worst relative error at ${at}: got ${got[at]}, expected ${ref.c[at]}`).to.be.at.most(eps);
}

const SHAPES: [number, number, number][] = [
  [1, 1, 1],
  [1, 13, 1],
  [7, 1, 5],
  [5, 7, 3],
  [4, 8, 4],
  [17, 9, 33],
  [33, 65, 300],
  [130, 20, 7],
  [3, 1030, 5],
  [9, 1, 70], // n = 1: the GEMV path, rows and k past whole vectors
  // row-major A read in place (m > 48, 16 <= k <= 256) and A^T read in place (m <= 144): two row blocks with a
  // 1-row tail, a 2-row tail (4-row tile), k = KC exactly with a partial column panel
  [151, 20, 37],
  [50, 9, 16],
  [200, 17, 256],
];
const VARIANTS: [boolean, boolean][] = [
  [false, false],
  [false, true],
  [true, false],
  [true, true],
];

/**
 * Runs `run` on one thread, then on two with every GEMM split: all `products` must be claimed in row blocks, with the
 * bits of one thread. Returns the two-thread results.
 */
function sameBitsClaimed(kern: WasmKernels, run: () => Float32Array[], products: number): Float32Array[] {
  kern.setThreads(1);
  const one = run();
  kern.setThreads(2);
  kern.threadMinFlops = 0;
  const claimed0 = kern.counters.gemmClaimed;
  const two = run();
  expect(kern.counters.gemmClaimed - claimed0, 'every product was claimed in row blocks').to.equal(products);
  two.forEach((c, i) => expect(Array.from(c), `${kern.variant} product ${i}`).to.deep.equal(Array.from(one[i])));
  return two;
}

describe('wasm/gemm', () => {
  let kernels: WasmKernels[] = [];
  before(() => {
    kernels = allVariants();
  });
  afterEach(() => {
    for (const k of kernels) {
      k.setThreads(1);
      k.threadMinFlops = DEFAULT_THREAD_MIN_FLOPS;
    }
  });

  it('f32 matches the JS reference for odd sizes, all transposes, with and without accumulate', () => {
    for (const kern of kernels) {
      SHAPES.forEach(([m, n, k], s) => {
        for (const [ta, tb] of VARIANTS) {
          const a = randomF32(m * k, 11 + s),
            b = randomF32(k * n, 23 + s),
            c0 = randomF32(m * n, 37 + s);
          expectClose(
            matmul(kern, a, b, { m, n, k, transA: ta, transB: tb }),
            refGemm(a, b, m, n, k, ta, tb),
            2e-6,
            `${kern.variant} ${m}x${n}x${k} ta=${ta} tb=${tb}`,
          );
          expectClose(
            matmul(kern, a, b, { m, n, k, transA: ta, transB: tb, c: c0 }),
            refGemm(a, b, m, n, k, ta, tb, 1, c0),
            2e-6,
            `${kern.variant} accumulate ${m}x${n}x${k} ta=${ta} tb=${tb}`,
          );
        }
      });
    }
  });

  it('f64 matches the JS reference to f64 precision (incl. n past the f64 column block)', () => {
    const shapes: [number, number, number][] = [
      [1, 1, 1],
      [5, 7, 3],
      [9, 515, 6],
      [131, 5, 260],
    ];
    for (const kern of kernels) {
      shapes.forEach(([m, n, k], s) => {
        for (const [ta, tb] of VARIANTS) {
          const a = Float64Array.from(randomF32(m * k, 5 + s)),
            b = Float64Array.from(randomF32(k * n, 6 + s));
          expectClose(
            matmul(kern, a, b, { m, n, k, transA: ta, transB: tb }),
            refGemm(a, b, m, n, k, ta, tb),
            1e-14,
            `${kern.variant} f64 ${m}x${n}x${k} ta=${ta} tb=${tb}`,
          );
        }
      });
    }
  });

  it('long reductions (cut in two halves along k) match the reference, all transposes, f32 and f64, with accumulate', () => {
    const shapes: [number, number, number][] = [
      [1, 1, 513],
      [5, 7, 1100],
      [13, 9, 600],
      [64, 3, 1030],
      [6, 1, 700], // GEMV halves
    ];
    for (const [m, n, k] of shapes) expect(splitK(m, n, k), `${m}x${n}x${k} is cut`).to.be.within(1, k - 1);
    expect(splitK(64, 64, 255), 'short k').to.equal(0);
    expect(splitK(300, 64, 1024), 'large C').to.equal(0);
    for (const kern of kernels) {
      shapes.forEach(([m, n, k], s) => {
        for (const [ta, tb] of VARIANTS) {
          const a = randomF32(m * k, 41 + s),
            b = randomF32(k * n, 43 + s),
            c0 = randomF32(m * n, 47 + s);
          const what = `${kern.variant} ${m}x${n}x${k} ta=${ta} tb=${tb}`;
          expectClose(matmul(kern, a, b, { m, n, k, transA: ta, transB: tb }), refGemm(a, b, m, n, k, ta, tb), 2e-6, what);
          expectClose(
            matmul(kern, a, b, { m, n, k, transA: ta, transB: tb, c: c0 }),
            refGemm(a, b, m, n, k, ta, tb, 1, c0),
            2e-6,
            `accumulate ${what}`,
          );
          const a64 = Float64Array.from(a),
            b64 = Float64Array.from(b);
          expectClose(
            matmul(kern, a64, b64, { m, n, k, transA: ta, transB: tb }),
            refGemm(a64, b64, m, n, k, ta, tb),
            1e-14,
            `f64 ${what}`,
          );
        }
      });
    }
  });

  it('batched GEMM equals per-batch GEMMs, all transposes', () => {
    const [m, n, k, batch] = [6, 10, 9, 3];
    for (const kern of kernels) {
      for (const [ta, tb] of VARIANTS) {
        const a = randomF32(batch * m * k, 1),
          b = randomF32(batch * k * n, 2);
        expectClose(
          matmul(kern, a, b, { m, n, k, batch, transA: ta, transB: tb }),
          refGemm(a, b, m, n, k, ta, tb, batch),
          2e-6,
          `${kern.variant} batched ta=${ta} tb=${tb}`,
        );
      }
    }
  });

  it('honours leading dimensions and strides (sub-matrix views, broadcast B with strideB = 0)', () => {
    // n = 6: B packed; n = 17: two whole 8-column panels of B read in place at stride ldb, one packed
    for (const [kern, n, ldb] of [
      [kernels[0], 6, 8],
      [kernels[kernels.length - 1], 17, 21],
    ] as const)
      checkLeadingDims(kern, n, ldb);
  });

  function checkLeadingDims(kern: WasmKernels, n: number, ldb: number): void {
    const [m, k, lda, ldc, batch] = [5, 7, 9, n + 5, 2];
    const A = randomF32(batch * m * lda, 3),
      B = randomF32(k * ldb, 4);
    const pa = kern.alloc(A.length * 4),
      pb = kern.alloc(B.length * 4),
      pc = kern.alloc(batch * m * ldc * 4);
    kern.f32view(pa, A.length).set(A);
    kern.f32view(pb, B.length).set(B);
    kern.f32view(pc, batch * m * ldc).fill(-7);
    kern.gemm({ m, n, k, a: pa, b: pb, c: pc, lda, ldb, ldc, batch, strideA: m * lda, strideB: 0, strideC: m * ldc });
    const C = kern.f32view(pc, batch * m * ldc);
    for (let q = 0; q < batch; q++) {
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < ldc; j++) {
          let s = 0;
          for (let p = 0; p < k; p++) s += A[q * m * lda + i * lda + p] * B[p * ldb + j];
          const got = C[q * m * ldc + i * ldc + j];
          if (j >= n) expect(got, 'padding column untouched').to.equal(-7);
          else expect(Math.abs(got - s)).to.be.below(1e-5);
        }
      }
    }
    for (const p of [pa, pb, pc]) kern.free(p);
  }

  it('k = 0 gives zeros (or leaves C when accumulating)', () => {
    const kern = kernels[0];
    const c0 = randomF32(6, 9);
    expect(Array.from(matmul(kern, new Float32Array(0), new Float32Array(0), { m: 2, n: 3, k: 0 }))).to.deep.equal([0, 0, 0, 0, 0, 0]);
    expect(Array.from(matmul(kern, new Float32Array(0), new Float32Array(0), { m: 2, n: 3, k: 0, c: c0 }))).to.deep.equal(Array.from(c0));
  });

  it('two threads give bitwise the same result as one (row, column, batch and k splits)', () => {
    const cases: { m: number; n: number; k: number; batch: number; f64?: boolean }[] = [
      { m: 37, n: 29, k: 41, batch: 1 }, // rows
      { m: 151, n: 20, k: 37, batch: 1 }, // rows, each half's A read in place
      { m: 4, n: 70, k: 9, batch: 1 }, // columns
      { m: 9, n: 11, k: 13, batch: 5 }, // rows of every batch item
      { m: 3, n: 11, k: 13, batch: 5 }, // batches
      { m: 2, n: 40, k: 5, batch: 3 }, // batches, odd count
      { m: 23, n: 9, k: 300, batch: 1, f64: true },
      { m: 10, n: 7, k: 700, batch: 1 }, // halves of k
      { m: 6, n: 5, k: 600, batch: 1, f64: true },
      { m: 37, n: 29, k: 3, batch: 1 }, // rows of a rank-k update
      { m: 64, n: 1, k: 1030, batch: 1 }, // halves of k of A^T x (and of the GEMV)
      { m: 2, n: 37, k: 700, batch: 1 }, // halves of k of a two-row A^T B
    ];
    const run = (kern: WasmKernels): number[][] =>
      cases.flatMap(({ m, n, k, batch, f64 }) =>
        VARIANTS.map(([ta, tb]) => {
          const a32 = randomF32(batch * m * k, m),
            b32 = randomF32(batch * k * n, n);
          const a = f64 ? Float64Array.from(a32) : a32,
            b = f64 ? Float64Array.from(b32) : b32;
          return Array.from(matmul(kern, a, b, { m, n, k, batch, transA: ta, transB: tb }));
        }),
      );
    for (const kern of kernels) {
      kern.setThreads(1);
      const one = run(kern);
      kern.setThreads(2);
      kern.threadMinFlops = 0;
      const split0 = kern.counters.gemmThreaded;
      const two = run(kern);
      expect(kern.counters.gemmThreaded - split0, 'every case was split').to.equal(cases.length * VARIANTS.length);
      expect(kern.threads).to.equal(2);
      expect(two.length).to.equal(cases.length * VARIANTS.length);
      two.forEach((c, i) => expect(c, `${kern.variant} case ${i}`).to.deep.equal(one[i]));
    }
  });

  it('two threads claiming row blocks of tall GEMMs give the bits of one thread and the reference (tails, accumulate)', () => {
    // claimable: A row-major, 16 <= k <= 256, n <= 1024, m > 48; m past whole 6-row tiles and 144-row sub-blocks of
    // the claimed ranges (a quarter of the rows left, at least 24), n past whole 8-column panels
    const shapes: [number, number, number][] = [
      [49, 9, 16],
      [145, 20, 37],
      [289, 130, 128],
      [433, 8, 256],
      [1003, 77, 61],
    ];
    for (const kern of kernels) {
      const run = (): Float32Array[] =>
        shapes.flatMap(([m, n, k], s) =>
          [false, true].flatMap((tb) => {
            const a = randomF32(m * k, 101 + s),
              b = randomF32(k * n, 103 + s),
              c0 = randomF32(m * n, 107 + s);
            return [matmul(kern, a, b, { m, n, k, transB: tb }), matmul(kern, a, b, { m, n, k, transB: tb, c: c0.slice() })];
          }),
        );
      const two = sameBitsClaimed(kern, run, shapes.length * 4);
      shapes.forEach(([m, n, k], s) =>
        [false, true].forEach((tb, t) => {
          const a = randomF32(m * k, 101 + s),
            b = randomF32(k * n, 103 + s),
            c0 = randomF32(m * n, 107 + s);
          const at = 4 * s + 2 * t;
          expectClose(two[at], refGemm(a, b, m, n, k, false, tb), 2e-6, `${kern.variant} claimed ${m}x${n}x${k} tb=${tb}`);
          expectClose(two[at + 1], refGemm(a, b, m, n, k, false, tb, 1, c0), 2e-6, `${kern.variant} claimed += ${m}x${n}x${k}`);
        }),
      );
    }
  });

  // The memory-bound paths of core/wasm/assembly/skinny.ts: rank-k updates (k <= 4, any transposes), A^T x (n = 1, A
  // transposed) and A^T B with m <= 2; sizes past whole vectors (n % 4, m % 4), past the 32- and 16-row blocks of
  // A^T x, the 16- and 32-column blocks of A^T B, and k past one KC = 256 block.
  const SKINNY: [number, number, number, boolean, boolean][] = [
    [1, 1, 1, false, false],
    [7, 5, 1, false, true],
    [50, 9, 2, false, false],
    [97, 13, 3, true, false],
    [130, 33, 4, true, true],
    [61, 64, 1, false, true],
    [5, 1, 3, true, false], // rank-k with one column, A transposed
    [64, 1, 300, true, false], // A^T x: two 32-row blocks, two k blocks
    [83, 1, 37, true, true], // 32 + 32 + 16 + 3 rows
    [3, 1, 9, true, false],
    [1, 37, 300, true, false], // A^T B, one row: a 32-column block and a tail
    [2, 70, 261, true, false], // two rows: 16-column blocks and a 2-column tail
    [2, 3, 7, true, false],
  ];

  it('skinny paths (rank-k updates, A^T x, two-row A^T B) match the JS reference, with and without accumulate', () => {
    for (const kern of kernels) {
      SKINNY.forEach(([m, n, k, ta, tb], s) => {
        const a = randomF32(m * k, 201 + s),
          b = randomF32(k * n, 203 + s),
          c0 = randomF32(m * n, 207 + s);
        const what = `${kern.variant} ${m}x${n}x${k} ta=${ta} tb=${tb}`;
        expectClose(matmul(kern, a, b, { m, n, k, transA: ta, transB: tb }), refGemm(a, b, m, n, k, ta, tb), 2e-6, what);
        const acc = matmul(kern, a, b, { m, n, k, transA: ta, transB: tb, c: c0.slice() });
        expectClose(acc, refGemm(a, b, m, n, k, ta, tb, 1, c0), 2e-6, `accumulate ${what}`);
      });
    }
  });

  it('skinny paths honour leading dimensions (padding untouched)', () => {
    for (const kern of kernels) {
      SKINNY.forEach(([m, n, k, ta, tb], s) => {
        const [lda, ldb, ldc] = [(ta ? m : k) + 3, (tb ? k : n) + 2, n + 5];
        const A = randomF32((ta ? k : m) * lda, 211 + s),
          B = randomF32((tb ? n : k) * ldb, 213 + s),
          C0 = randomF32(m * ldc, 217 + s);
        const [pa, pb, pc] = [A, B, C0].map((x) => kern.alloc(4 * x.length));
        try {
          kern.f32view(pa, A.length).set(A);
          kern.f32view(pb, B.length).set(B);
          for (const accumulate of [false, true]) {
            kern.f32view(pc, C0.length).set(C0);
            kern.gemm({ m, n, k, a: pa, b: pb, c: pc, lda, ldb, ldc, transA: ta, transB: tb, accumulate });
            const C = kern.f32view(pc, C0.length);
            for (let i = 0; i < m; i++) {
              for (let j = 0; j < ldc; j++) {
                const got = C[i * ldc + j];
                if (j >= n) {
                  expect(got, 'padding column untouched').to.equal(C0[i * ldc + j]);
                  continue;
                }
                let ref = accumulate ? C0[i * ldc + j] : 0,
                  scale = Math.abs(ref);
                for (let p = 0; p < k; p++) {
                  const x = A[ta ? p * lda + i : i * lda + p] * B[tb ? j * ldb + p : p * ldb + j];
                  ref += x;
                  scale += Math.abs(x);
                }
                expect(Math.abs(got - ref), `${kern.variant} ${m}x${n}x${k} ta=${ta} tb=${tb} += ${accumulate} at ${i},${j}`).to.be.at.most(
                  2e-6 * scale + 1e-30,
                );
              }
            }
          }
        } finally {
          for (const p of [pa, pb, pc]) kern.free(p);
        }
      });
    }
  });

  it('the baseline SIMD build sums each element in k order from 0 per 256-step block, then adds C: exact f32 bits', () => {
    // what the tile kernels do (f32 multiply, then add, without FMA), so the skinny paths give the tile kernels' bits;
    // two tile-kernel shapes check that order on the general path too. k stays below the halving of long reductions.
    const kern = kernels[0];
    expect(kern.variant).to.equal('simd');
    const f = Math.fround;
    const shapes: [number, number, number, boolean, boolean][] = [...SKINNY, [17, 9, 33, false, true], [13, 20, 300, true, false]];
    shapes.forEach(([m, n, k, ta, tb], s) => {
      const a = randomF32(m * k, 221 + s),
        b = randomF32(k * n, 223 + s),
        c0 = randomF32(m * n, 227 + s);
      for (const acc of [false, true]) {
        const got = matmul(kern, a, b, { m, n, k, transA: ta, transB: tb, c: acc ? c0.slice() : undefined });
        for (let i = 0; i < m; i++) {
          for (let j = 0; j < n; j++) {
            let c = acc ? c0[i * n + j] : 0;
            for (let p0 = 0; p0 < k; p0 += 256) {
              let sum = 0;
              for (let p = p0; p < Math.min(k, p0 + 256); p++)
                sum = f(sum + f(a[ta ? p * m + i : i * k + p] * b[tb ? j * k + p : p * n + j]));
              c = acc || p0 > 0 ? f(c + sum) : sum;
            }
            expect(got[i * n + j], `${m}x${n}x${k} ta=${ta} tb=${tb} += ${acc} at ${i},${j}`).to.equal(c);
          }
        }
      }
    });
  });

  it('two threads claiming rows of rank-k updates (and their GEMVs) give the bits of one thread', () => {
    const shapes: [number, number, number, boolean, boolean][] = [
      [49, 9, 1, false, true],
      [433, 64, 2, false, false],
      [1003, 77, 4, true, true],
      [301, 1, 3, false, false], // n = 1: the GEMV
      [301, 1, 3, false, true],
    ];
    for (const kern of kernels) {
      const run = (): Float32Array[] =>
        shapes.flatMap(([m, n, k, ta, tb], s) => {
          const a = randomF32(m * k, 231 + s),
            b = randomF32(k * n, 233 + s),
            c0 = randomF32(m * n, 237 + s);
          return [false, true].map((acc) => matmul(kern, a, b, { m, n, k, transA: ta, transB: tb, c: acc ? c0.slice() : undefined }));
        });
      sameBitsClaimed(kern, run, shapes.length * 2);
    }
  });

  it('gemm_f32_claim computes each row block once: a thread that finds them claimed leaves C alone', () => {
    const kern = kernels[kernels.length - 1];
    const [m, n, k] = [433, 20, 37];
    const a = randomF32(m * k, 111),
      b = randomF32(k * n, 112),
      c0 = randomF32(m * n, 113);
    expect(kern.raw.gemm_claimable(0, m, n, k)).to.equal(1);
    expect(kern.raw.gemm_claimable(0, m, n, 300), 'two k blocks').to.equal(0);
    expect(kern.raw.gemm_claimable(1, m, n, k), 'A transposed').to.equal(0);
    expect(kern.raw.gemm_claimable(0, 48, n, k), 'few rows').to.equal(0);
    expect(kern.raw.gemm_claimable(1, m, n, 4), 'rank-k update, A transposed').to.equal(1);
    expect(kern.raw.gemm_claimable(0, m, 1, 2), 'rank-k update, one column').to.equal(1);
    expect(kern.raw.gemm_claimable(0, 48, n, 1), 'rank-k update, few rows').to.equal(0);
    const [pa, pb, pc, work, counter] = [a.length, b.length, c0.length, 0, 1].map((len) => kern.alloc(Math.max(4, 4 * len)));
    const claimWork = kern.alloc(kern.raw.gemm_work_bytes() as number);
    try {
      kern.f32view(pa, a.length).set(a);
      kern.f32view(pb, b.length).set(b);
      const claim = (start: number): Float32Array => {
        kern.f32view(pc, c0.length).set(c0);
        kern.i32view(counter, 1)[0] = start;
        kern.raw.gemm_f32_claim(0, 0, m, n, k, pa, k, pb, n, pc, n, 1, claimWork, counter);
        return kern.f32view(pc, c0.length).slice();
      };
      const all = claim(0);
      expect(Array.from(all)).to.deep.equal(Array.from(matmul(kern, a, b, { m, n, k, c: c0.slice() })));
      expect(Array.from(claim(1000)), 'every block taken: C as it was').to.deep.equal(Array.from(c0));
      // blocks 0-1 taken by another thread: this one computes the rest, from a whole row tile on
      const rest = claim(2);
      const first = rest.findIndex((v, i) => !Object.is(v, c0[i]));
      const row = Math.floor(first / n);
      expect(row % 6, 'a block starts on a row tile').to.equal(0);
      expect(row).to.be.greaterThan(0);
      expect(Array.from(rest.subarray(row * n)), 'rows from there as one thread computes them').to.deep.equal(
        Array.from(all.subarray(row * n)),
      );
    } finally {
      for (const p of [pa, pb, pc, work, counter, claimWork]) kern.free(p);
    }
  });

  it('threaded GEMM above the default threshold matches the reference', () => {
    const kern = kernels[kernels.length - 1];
    kern.setThreads(2);
    const [m, n, k] = [96, 80, 150];
    expect(2 * m * n * k).to.be.at.least(kern.threadMinFlops);
    const a = randomF32(m * k, 77),
      b = randomF32(k * n, 78);
    expectClose(matmul(kern, a, b, { m, n, k, transB: true }), refGemm(a, b, m, n, k, false, true), 2e-6, 'threaded');
  });

  it('allowThreads(2) starts the helper at the first GEMM big enough to split, with the same bits as one thread', () => {
    const kern = kernels[kernels.length - 1];
    const [m, n, k] = [96, 80, 150];
    const a = randomF32(m * k, 79),
      b = randomF32(k * n, 80);
    const small = { m: 8, n: 8, k: 8 };
    kern.setThreads(1);
    const one = matmul(kern, a, b, { m, n, k });
    kern.allowThreads(2);
    expect(2 * small.m * small.n * small.k).to.be.below(kern.threadMinFlops);
    matmul(kern, a.subarray(0, 64), b.subarray(0, 64), small);
    expect(kern.threads, 'no helper for a small GEMM').to.equal(1);
    const split0 = kern.counters.gemmThreaded;
    const two = matmul(kern, a, b, { m, n, k });
    expect(kern.threads, 'the big GEMM started the helper').to.equal(2);
    expect(kern.counters.gemmThreaded - split0).to.equal(1);
    expect(Array.from(two)).to.deep.equal(Array.from(one));
    kern.allowThreads(1);
    expect(kern.threads).to.equal(1);
    matmul(kern, a, b, { m, n, k });
    expect(kern.threads, 'a budget of one never starts it').to.equal(1);
    expect(() => kern.allowThreads(0 as 1)).to.throw(/allowThreads: count must be 1 or 2, got 0/);
  });

  it('rejects bad arguments with messages naming them', () => {
    const kern = kernels[0];
    const p = kern.alloc(64);
    expect(() => kern.gemm({ m: -1, n: 1, k: 1, a: p, b: p, c: p })).to.throw(/gemm: m must be a non-negative integer, got -1/);
    expect(() => kern.gemm({ m: 2, n: 2, k: 3, a: p, b: p, c: p, lda: 2 })).to.throw(/gemm: lda must be an integer >= 3/);
    expect(() => kern.gemm({ m: 1, n: 1, k: 1, a: 0, b: p, c: p })).to.throw(/gemm: a must point to 4 bytes inside the wasm memory/);
    const end = kern.memory.buffer.byteLength;
    expect(() => kern.gemm({ m: 4, n: 4, k: 4, a: p, b: end - 60, c: p, transB: true })).to.throw(
      /gemm: b must point to 64 bytes .* got pointer/,
    );
    expect(() => kern.gemm({ m: 2, n: 2, k: 2, a: p, b: p, c: end - 4, batch: 2, strideC: 0 })).to.throw(/gemm: c must point to 16 bytes/);
    expect(() => kern.unary('exp', p, end - 8, 4)).to.throw(/unary: out must point to 16 bytes/);
    expect(() => kern.reduce('sum', p, p, 1, 1, 1, 'f16' as 'f32')).to.throw(/reduce: dtype must be 'f32' or 'f64', got f16/);
    expect(() => kern.gemm({ m: 1, n: 1, k: 1, a: p, b: p, c: p, dtype: 'f16' as 'f32' })).to.throw(/dtype/);
    expect(() => matmul(kern, new Float32Array(3), new Float32Array(2), { m: 1, n: 1, k: 2 })).to.throw(/a has length 3/);
    expect(() => kern.setThreads(3 as 2)).to.throw(/setThreads: count must be 1 or 2, got 3/);
    kern.free(p);
    const r = rng(1);
    expect(r()).to.not.equal(r()); // PRNG sanity: streams advance
  });
});
