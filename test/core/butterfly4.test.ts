// WasmKernels.butterfly4 (the pass of the folded spectral DFTs, core/compile/spectralFold.ts) against a JS reference
// rounded op by op: rows walked up and down (negative strides), a length with a SIMD tail, f32 and f64, and the
// same bits when its groups are split across two threads.
import { expect } from 'chai';
import { wasmKernels } from '../../core/backend/wasm.js';
import type { RowWalk, WasmKernels } from '../../core/wasm/kernels.js';
import { skipBecause } from '../support/skip.js';

const COUNT = 5;
const LEN = 7; // one f32 vector and a tail of 3 (f64: three vectors and a tail of 1)

/** Fills `rows` rows of LEN values at ptr with a seeded pattern, returns their pointer walk for group strides. */
function setup(k: WasmKernels, dtype: 'f32' | 'f64') {
  const bytes = dtype === 'f32' ? 4 : 8;
  const rows = 8 * COUNT;
  const base = k.alloc(rows * LEN * bytes);
  const view = dtype === 'f32' ? k.f32view(base, rows * LEN) : k.f64view(base, rows * LEN);
  view.forEach((_, i) => {
    view[i] = Math.sin(1.7 * i + 0.3) * 3 + Math.cos(0.21 * i * i);
  });
  const row = LEN * bytes;
  const at = (r: number) => base + r * row;
  // inputs: rows 0.. walking up, 2C-1.. walking down, 2C.. up, 4C-1.. down; outputs in the upper half, alternately
  const ins: RowWalk[] = [
    [at(0), row],
    [at(2 * COUNT - 1), -row],
    [at(2 * COUNT), row],
    [at(4 * COUNT - 1), -row],
  ];
  const outs: RowWalk[] = [
    [at(4 * COUNT), row],
    [at(6 * COUNT - 1), -row],
    [at(6 * COUNT), row],
    [at(8 * COUNT - 1), -row],
  ];
  const read = (p: number): number[] => Array.from(dtype === 'f32' ? k.f32view(p, LEN) : k.f64view(p, LEN));
  return { base, ins, outs, read, round: dtype === 'f32' ? Math.fround : (x: number) => x };
}

describe('WasmKernels.butterfly4', () => {
  let k: WasmKernels;
  before(function () {
    const kernels = wasmKernels();
    if (!kernels) skipBecause(this, 'no wasm build');
    else k = kernels;
  });

  for (const dtype of ['f32', 'f64'] as const)
    it(`${dtype}: every group's outputs are the sums and differences of sums and differences, rounded per op`, () => {
      const { base, ins, outs, read, round } = setup(k, dtype);
      try {
        const x = Array.from({ length: COUNT }, (_, g) => ins.map(([p, s]) => read(p + g * s)));
        k.butterfly4(dtype, ins, outs, COUNT, LEN);
        for (let g = 0; g < COUNT; g++) {
          const got = outs.map(([p, s]) => read(p + g * s));
          const [a, b, c, d] = x[g];
          const want = [[], [], [], []] as number[][];
          for (let i = 0; i < LEN; i++) {
            const [u0, u1, u2, u3] = [round(a[i] + b[i]), round(a[i] - b[i]), round(c[i] + d[i]), round(c[i] - d[i])];
            [round(u0 + u2), round(u0 - u2), round(u1 + u3), round(u1 - u3)].forEach((v, o) => want[o].push(v));
          }
          expect(got).to.deep.equal(want, `group ${g}`);
        }
      } finally {
        k.free(base);
      }
    });

  it('split across two threads gives the same bits as one thread', () => {
    const saved = { threads: k.threads, splitMinBytes: k.splitMinBytes, takeBack: k.takeBack };
    const { base, ins, outs, read } = setup(k, 'f32');
    const all = () => Array.from({ length: COUNT }, (_, g) => outs.map(([p, s]) => read(p + g * s)));
    try {
      k.setThreads(1);
      k.butterfly4('f32', ins, outs, COUNT, LEN);
      const one = all();
      outs.forEach(([p, s]) => {
        for (let g = 0; g < COUNT; g++) k.f32view(p + g * s, LEN).fill(Number.NaN);
      });
      k.setThreads(2);
      Object.assign(k, { splitMinBytes: 0, takeBack: false }); // the helper runs its share
      const before = k.counters.elementwiseThreaded;
      k.butterfly4('f32', ins, outs, COUNT, LEN);
      expect(k.counters.elementwiseThreaded - before).to.equal(1);
      expect(all()).to.deep.equal(one);
    } finally {
      k.free(base);
      Object.assign(k, { splitMinBytes: saved.splitMinBytes, takeBack: saved.takeBack });
      k.setThreads(saved.threads);
    }
  });

  it('rejects rows outside the memory and a wrong number of rows, naming the argument', () => {
    const { base, ins, outs } = setup(k, 'f32');
    try {
      expect(() => k.butterfly4('f32', ins.slice(0, 3), outs, COUNT, LEN)).to.throw(/butterfly4: 4 input and 4 output rows/);
      const far: RowWalk[] = [...outs.slice(0, 3), [outs[3][0], 1 << 30]];
      expect(() => k.butterfly4('f32', ins, far, COUNT, LEN)).to.throw(/butterfly4: out row 3/);
    } finally {
      k.free(base);
    }
  });
});
