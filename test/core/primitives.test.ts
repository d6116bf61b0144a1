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
