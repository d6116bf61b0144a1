// Every primitive's VJP and JVP against central finite differences in f64.
import { expect } from 'chai';
import * as fx from '../../index.js';
import { fdDirectional, fdGrad, rand64, relErr } from '../support/check.js';
import { cases } from '../support/cases.js';

describe('primitive derivatives vs central finite differences (f64)', () => {
  for (const c of cases) {
    it(`vjp: ${c.name}`, () => {
      const xs = c.inputs();
      const w = rand64([...c.f(...xs).shape], 99); // random cotangent
      const L = (...ys: fx.Tensor[]) => fx.sum(fx.mul(c.f(...ys), w)).item();
      const [, pullback] = fx.vjp(c.f, ...xs);
      const cts = pullback(w);
      xs.forEach((_, k) => {
        expect(relErr(cts[k].dataSync(), fdGrad(L, xs, k))).to.be.below(1e-6, `input ${k}`);
      });
    });
    it(`jvp: ${c.name}`, () => {
      const xs = c.inputs();
      const ts = xs.map((x, k) => rand64([...x.shape], 200 + k));
      const [y, ty] = fx.jvp(c.f, xs, ts);
      expect(y.dataSync()).to.deep.equal(c.f(...xs).dataSync());
      expect(relErr(ty.dataSync(), fdDirectional(c.f, xs, ts))).to.be.below(1e-6);
    });
  }
});

describe('special-function primitives: values', () => {
  it('erf matches tabulated values to 1e-15 (f64) and every backend to f32 accuracy', () => {
    // Abramowitz & Stegun table 7.1 / high-precision references
    const table: Array<[number, number]> = [
      [0.01, 0.011283415555849618],
      [0.5, 0.5204998778130465],
      [1, 0.8427007929497149],
      [2, 0.9953222650189527],
      [3, 0.9999779095030014],
      [-1.5, -0.9661051464753108],
    ];
    const x = fx.tensor(
      table.map(([v]) => v),
      [table.length],
      'f64',
    );
    const got = fx.erf(x).dataSync();
    table.forEach(([, want], i) => expect(got[i]).to.be.closeTo(want, 1e-15));
    const f32 = fx
      .jit((z: fx.Tensor) => fx.erf(z))(fx.cast(x, 'f32'))
      .dataSync();
    table.forEach(([, want], i) => expect(f32[i]).to.be.closeTo(want, 2e-7));
  });

  it('softplus neither overflows nor loses small values; abs has derivative 0 at 0 (not NaN)', () => {
    const y = fx.softplus(fx.tensor([-800, -40, 0, 800], [4], 'f64')).dataSync();
    expect(y[0]).to.equal(0);
    expect(y[1]).to.be.closeTo(Math.exp(-40), 1e-30);
    expect(y[2]).to.be.closeTo(Math.LN2, 1e-16);
    expect(y[3]).to.equal(800);
    const g = fx.grad((z: fx.Tensor) => fx.sum(fx.abs(z)))(fx.tensor([0, -2, 3], [3], 'f64')) as fx.Tensor;
    expect(Array.from(g.dataSync())).to.deep.equal([0, -1, 1]);
  });
});

describe('binary ops with a number operand', () => {
  it('minimum and maximum keep an f64 tensor f64 (the number is not rounded to f32)', () => {
    const x = fx.tensor([2, 0.5], [2], 'f64');
    // 1.0045 is not representable in f32: an f32 round trip would show up as 3e-8
    expect(fx.minimum(x, 1.0045).dataSync()).to.deep.equal(Float64Array.from([1.0045, 0.5]));
    expect(fx.maximum(x, 1.0045).dataSync()).to.deep.equal(Float64Array.from([2, 1.0045]));
    expect(fx.minimum(1.0045, x).dtype).to.equal('f64');
  });
});
