// Slices and concats that move one contiguous block each run as single arena copies in compiled wasm graphs: the same
// values as the strided copies (the js reference, uncompiled) for blocks, non-contiguous views and the fallbacks.
import { expect } from 'chai';
import * as fx from '../../../index.js';
import { Executable } from '../../../core/compile/executable.js';
import { wasmKernels } from '../../../core/backend/wasm.js';
import { skipBecause } from '../../support/skip.js';
import { setStepProfiler } from '../../../core/compile/profile.js';

describe('compile: block copies of slice and concat', () => {
  const kernels = wasmKernels();
  before(function () {
    if (!kernels) skipBecause(this, 'no wasm build');
  });

  // every output of f compiled equals f run op by op
  function same(f: (...xs: fx.Tensor[]) => fx.Tensor[], xs: fx.Tensor[]): void {
    const exe = new Executable(
      fx.makeGraph((...a) => fx.concat(f(...a).map((t) => fx.reshape(t, [-1]))), xs),
      kernels as NonNullable<typeof kernels>,
    );
    // run twice: the arena is reused, so a stale or misplaced block would show on the second run
    exe.run(xs);
    const got = exe.run(xs)[0].dataSync();
    const want = fx.concat(f(...xs).map((t) => fx.reshape(t, [-1]))).dataSync();
    expect(Array.from(got)).to.deep.equal(Array.from(want));
    exe.dispose();
  }

  for (const dtype of ['f64', 'f32'] as const) {
    it(`${dtype}: row blocks, a column (strided), concat along axis 0, along axis 1 after unit axes, and along axis 1 of several rows`, () => {
      const a = fx.cast(fx.random.normal(3, [5, 7]), dtype);
      const b = fx.cast(fx.random.normal(4, [2, 7]), dtype);
      const r = fx.cast(fx.random.normal(5, [1, 3]), dtype);
      same(
        (x, y, z) => {
          const rows = fx.slice(x, [1, 0], [3, 7]); // contiguous
          const col = fx.slice(x, [0, 2], [5, 1]); // strided
          const inner = fx.slice(x, [2, 1], [1, 4]); // one row, contiguous part
          const tail = fx.slice(x, [4, 0], [1, 7]); // the last row (lands at the end of x)
          return [
            fx.mul(rows, 2),
            fx.add(col, 1),
            fx.neg(inner),
            fx.concat([x, y], 0),
            fx.concat([inner, z, inner], 1), // leading axis of size 1: blocks
            fx.concat([fx.slice(x, [0, 0], [2, 3]), fx.slice(y, [0, 0], [2, 4])], 1), // strided fallback
            fx.mul(tail, 3),
          ];
        },
        [a, b, r],
      );
    });
  }

  it('i32 concat of gathered indices and a slice of an input read by later steps', () => {
    const idx = fx.tensor([3, 1, 4, 1, 5, 2], [6], 'i32');
    const x = fx.random.normal(6, [6, 4]);
    same(
      (i, t) => {
        const j = fx.concat([fx.slice(i, [0], [3]), fx.slice(i, [3], [3])], 0);
        return [fx.gather(t, j, 0), fx.slice(t, [1, 0], [2, 4]), fx.mul(t, 2)];
      },
      [idx, x],
    );
  });

  it("contiguous slices share their input's buffer (no step runs): slices of slices, of an input, as outputs, across reuse", () => {
    const x = fx.random.normal(7, [5, 7], 'f64');
    const f = (t: fx.Tensor): fx.Tensor[] => {
      const y = fx.mul(t, 2);
      const block = fx.slice(y, [2, 0], [3, 7]);
      const row = fx.slice(block, [1, 0], [1, 7]);
      const late = fx.exp(y); // y's buffer must outlive the slices' last reads
      return [fx.add(row, 1), block, fx.slice(t, [4, 0], [1, 7]), fx.sub(late, fx.reshape(row, [7]))];
    };
    const labels: string[] = [];
    setStepProfiler({ record: (info) => labels.push(info.label) });
    const exe = new Executable(fx.makeGraph(f, [x]), kernels as NonNullable<typeof kernels>);
    setStepProfiler(null);
    exe.run([x]);
    const got = exe.run([x]).map((t) => Array.from(t.dataSync()));
    const want = f(x).map((t) => Array.from(t.dataSync()));
    expect(got).to.deep.equal(want);
    expect(labels.filter((l) => l.startsWith('slice'))).to.deep.equal([]);
    exe.dispose();
  });
});
