import { expect } from 'chai';
import { allVariants, randomF32, ulpDistance } from './helpers.js';
import { binaryArr, binaryStridedArr, unaryArr, whereArr } from '../../core/wasm/arrays.js';
import type { UnaryOp, BinaryOp, WasmKernels } from '../../core/wasm/kernels.js';

const SPECIALS = [0, -0, Infinity, -Infinity, NaN, 1e-45, -1e-45, 1e-40, 1.17549435e-38, 3.4e38, -3.4e38, 1, -1, 0.625, -0.625];

/** Random inputs over [lo, hi] of an odd length, plus special values, so the vector tail runs too. */
function inputs(seed: number, lo: number, hi: number, logScale = false): Float32Array {
  const x = randomF32(4003, seed, logScale ? Math.log(lo) : lo, logScale ? Math.log(hi) : hi);
  if (logScale) for (let i = 0; i < x.length; i++) x[i] = Math.exp(x[i]);
  const out = new Float32Array(x.length + SPECIALS.length);
  out.set(x);
  out.set(SPECIALS, x.length);
  return out;
}

function maxUlp(got: Float32Array, x: Float32Array, f: (v: number) => number): { ulp: number; at: number } {
  let ulp = 0,
    at = -1;
  for (let i = 0; i < x.length; i++) {
    const d = ulpDistance(got[i], Math.fround(f(x[i])));
    if (d > ulp) {
      ulp = d;
      at = i;
    }
  }
  return { ulp, at };
}

const UNARY: [UnaryOp, (v: number) => number, number, number, boolean?][] = [
  ['neg', (v) => -v, -1e3, 1e3],
  ['sqrt', Math.sqrt, 0, 1e6],
  ['exp', Math.exp, -110, 90],
  ['exp', Math.exp, -2, 2],
  ['log', Math.log, 1e-44, 3e38, true],
  ['log', Math.log, 0.5, 2],
  ['tanh', Math.tanh, -12, 12],
  ['tanh', Math.tanh, -0.7, 0.7],
  ['sin', Math.sin, -100, 100],
  ['cos', Math.cos, -100, 100],
];

describe('wasm/elementwise f32', () => {
  let kernels: WasmKernels[] = [];
  before(() => {
    kernels = allVariants();
  });

  for (const [op, f, lo, hi, logScale] of UNARY) {
    it(`${op} on [${lo}, ${hi}] (incl. inf, NaN, subnormals) is within 2 ulp of ${op === 'neg' ? 'JS negation' : `Math.${op}`}`, () => {
      const x = inputs(op.length * 7 + lo, lo, hi, logScale);
      for (const kern of kernels) {
        const { ulp, at } = maxUlp(unaryArr(kern, op, x), x, f);
        expect(ulp, `${kern.variant} ${op}(${x[at]})`).to.be.at.most(op === 'neg' || op === 'sqrt' ? 0 : 2);
      }
    });
  }

  it('sin/cos keep absolute error < 1.2e-7 up to |x| = 8192 and fall back to the host beyond', () => {
    const x = randomF32(2001, 99, -8192, 8192);
    const far = Float32Array.from([1e5, -3e7, 1e30, 12345.678, 8193]);
    for (const kern of kernels) {
      for (const [op, f] of [
        ['sin', Math.sin],
        ['cos', Math.cos],
      ] as const) {
        const y = unaryArr(kern, op, x);
        let worst = 0;
        for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(y[i] - f(x[i])));
        expect(worst, `${kern.variant} ${op}`).to.be.below(1.2e-7);
        const yf = unaryArr(kern, op, far);
        for (let i = 0; i < far.length; i++) expect(yf[i]).to.equal(Math.fround(f(far[i])));
      }
    }
  });

  it('tails of every length 1..9 agree with the vector body', () => {
    const kern = kernels[0];
    const x = randomF32(9, 5, -3, 3);
    const full = unaryArr(kern, 'tanh', x);
    for (let n = 1; n <= 9; n++) expect(Array.from(unaryArr(kern, 'tanh', x.slice(0, n)))).to.deep.equal(Array.from(full.slice(0, n)));
  });

  const BINARY: [BinaryOp, (a: number, b: number) => number][] = [
    ['add', (a, b) => a + b],
    ['sub', (a, b) => a - b],
    ['mul', (a, b) => a * b],
    ['div', (a, b) => a / b],
    ['max', Math.max],
  ];
  for (const [op, f] of BINARY) {
    it(`${op} is exactly the f32-rounded JS result (odd length, specials)`, () => {
      const a = inputs(3, -5, 5),
        b = inputs(4, -5, 5).reverse();
      for (const kern of kernels) {
        const got = binaryArr(kern, op, a, b);
        const bad = Array.from(a.keys()).filter((i) => ulpDistance(got[i], Math.fround(f(a[i], b[i]))) !== 0);
        expect(bad.map((i) => `${op}(${a[i]}, ${b[i]}) = ${got[i]}`)).to.deep.equal([]);
      }
    });
  }

  it('f64 binary ops, neg and sqrt are exact (odd length, specials)', () => {
    const a = Float64Array.from(inputs(7, -5, 5)),
      b = Float64Array.from(inputs(8, -5, 5)).reverse();
    for (const kern of kernels) {
      for (const [op, f] of BINARY) {
        const got = binaryArr(kern, op, a, b);
        expect(
          Array.from(a.keys()).filter((i) => !Object.is(got[i], f(a[i], b[i])) && !(got[i] === 0 && f(a[i], b[i]) === 0)),
        ).to.deep.equal([]);
      }
      expect(Array.from(unaryArr(kern, 'neg', a))).to.deep.equal(Array.from(a, (v) => -v));
      expect(Array.from(unaryArr(kern, 'sqrt', a))).to.deep.equal(Array.from(a, Math.sqrt));
      expect(() => unaryArr(kern, 'exp', a)).to.throw(/op must be one of neg, sqrt for f64, got exp/);
    }
  });

  it('strided binary ops broadcast rows, columns and scalars, f32 and f64', () => {
    const [outer, inner] = [5, 11];
    const full = randomF32(outer * inner, 12, -3, 3),
      row = randomF32(inner, 13, 1, 2),
      col = randomF32(outer, 14, 1, 2);
    const cases: [string, Float32Array, [number, number], Float32Array, [number, number], (i: number, j: number) => [number, number]][] = [
      ['full - row', full, [inner, 1], row, [0, 1], (i, j) => [full[i * inner + j], row[j]]],
      ['full / col', full, [inner, 1], col, [1, 0], (i, j) => [full[i * inner + j], col[i]]],
      ['row - col (outer product)', row, [0, 1], col, [1, 0], (i, j) => [row[j], col[i]]],
      ['scalar / full', col, [0, 0], full, [inner, 1], (i, j) => [col[0], full[i * inner + j]]],
      ['transposed a', full, [1, outer], row, [0, 1], (i, j) => [full[j * outer + i], row[j]]],
    ];
    const ops: [BinaryOp, (a: number, b: number) => number][] = [
      ['sub', (a, b) => a - b],
      ['div', (a, b) => a / b],
      ['max', Math.max],
    ];
    for (const kern of kernels) {
      for (const [name, a, as, b, bs, pick] of cases) {
        for (const [op, f] of ops) {
          for (const f64 of [false, true]) {
            const got = f64
              ? binaryStridedArr(kern, op, Float64Array.from(a), as, Float64Array.from(b), bs, outer, inner)
              : binaryStridedArr(kern, op, a, as, b, bs, outer, inner);
            const bad: string[] = [];
            for (let i = 0; i < outer; i++)
              for (let j = 0; j < inner; j++) {
                const want = f(...pick(i, j));
                if (got[i * inner + j] !== (f64 ? want : Math.fround(want))) bad.push(`${name} ${op} f64=${f64} [${i},${j}]`);
              }
            expect(bad).to.deep.equal([]);
          }
        }
      }
    }
    expect(() =>
      kernels[0].binaryStrided('add', { a: 64, aStrides: [1, -1], b: 64, bStrides: [0, 0], out: 64, outer: 1, inner: 1 }),
    ).to.throw(/aStrides must be two non-negative integers, got \[1, -1\]/);
  });

  it('where picks a where cond != 0 (NaN counts as true)', () => {
    const cond = Float32Array.from([0, 1, -0, NaN, 2, 0, 0.5]),
      a = Float32Array.from([1, 2, 3, 4, 5, 6, 7]);
    const b = Float32Array.from([-1, -2, -3, -4, -5, -6, -7]);
    for (const kern of kernels) {
      expect(Array.from(whereArr(kern, cond, a, b))).to.deep.equal([-1, 2, -3, 4, 5, -6, 7]);
      const c64 = Float64Array.from(cond),
        a64 = Float64Array.from(a),
        b64 = Float64Array.from(b);
      expect(Array.from(whereArr(kern, c64, a64, b64))).to.deep.equal([-1, 2, -3, 4, 5, -6, 7]);
    }
  });

  it('empty inputs are fine and bad ops/lengths throw naming the argument', () => {
    const kern = kernels[0];
    expect(unaryArr(kern, 'exp', new Float32Array(0)).length).to.equal(0);
    expect(() => unaryArr(kern, 'erf' as UnaryOp, new Float32Array(1))).to.throw(/unary: op must be one of .*got erf/);
    expect(() => binaryArr(kern, 'add', new Float32Array(2), new Float32Array(3))).to.throw(/b has length 3, expected 2/);
    expect(() => kern.unary('exp', 64, 64, -1)).to.throw(/unary: n must be a non-negative integer/);
  });
});
