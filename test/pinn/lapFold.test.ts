// A written-out Laplacian (u_xx + u_yy) is folded into lap(u) so it runs as one collapsed Taylor pass;
// anything else is left as written, and the folded residual equals the tiled-jet one.
import { expect } from 'chai';
import { parse } from '../../pinn/mathjs.js';
import * as pinn from '../../pinn/index.js';
import { foldLaplacians } from '../../pinn/lapFold.js';
import { rectangle, timeDomain } from '../../meshes/index.js';

/** Pure second derivatives of u, v along x, y, z (t is time, excluded). */
function pureSecond(spatial: readonly string[]) {
  return (name: string): string | null => {
    const m = /^([uv])_([a-z])\2$/.exec(name);
    return m && spatial.includes(m[2]) ? m[1] : null;
  };
}

const fold2 = (src: string): string => foldLaplacians(parse(src), pureSecond(['x', 'y']), 2).toString();

describe('pinn/lapFold: written-out Laplacians', () => {
  it('folds a same-sign sum of every spatial pure second derivative, inside any expression', () => {
    expect(fold2('u_xx + u_yy')).to.equal('lap(u)');
    expect(fold2('u_t - (u_xx + u_yy) / 64')).to.equal('u_t - (lap(u)) / 64');
    expect(fold2('-u_xx - u_yy + sin(x)')).to.equal('sin(x) - lap(u)');
    expect(fold2('u_yy + u*u_x + u_xx')).to.equal('u * u_x + lap(u)');
    expect(fold2('u_xx + u_yy + v_xx + v_yy')).to.equal('lap(u) + lap(v)');
    expect(fold2('exp(u_xx + u_yy)')).to.equal('exp(lap(u))');
    expect(foldLaplacians(parse('u_xx + u_yy + u_zz - 1'), pureSecond(['x', 'y', 'z']), 3).toString()).to.equal('-1 + lap(u)');
  });

  it('leaves mixed signs, coefficients, missing axes, reused symbols and one-dimensional problems alone', () => {
    for (const src of ['u_xx - u_yy', 'u_xx + 2 * u_yy', 'u_xx + u_tt', 'u_xx + u_yy + u_xx * u', 'u_xx + v_yy'])
      expect(fold2(src), src).to.equal(parse(src).toString());
    expect(foldLaplacians(parse('u_xx + u_yy'), pureSecond(['x', 'y', 'z']), 3).toString()).to.equal('u_xx + u_yy');
    expect(foldLaplacians(parse('u_t - u_xx'), pureSecond(['x']), 1).toString()).to.equal('u_t - u_xx');
  });

  it('the folded residual equals the tiled-jet residual (f64, a time-dependent problem with first derivatives)', () => {
    const residual = (pde: string): Float64Array => {
      const spec: pinn.ProblemSpec = {
        coords: ['x', 'y', 't'],
        fields: ['u'],
        time: 't',
        domain: timeDomain(rectangle([0, 0], [1, 1]), 0, 1),
        pde,
      };
      const tr = new pinn.PinnTrainer(spec, { dtype: 'f64', seed: 3, net: { hidden: [8, 8] }, points: { domain: 4, boundary: 4 } });
      return Float64Array.from(tr.pdeResiduals(Float64Array.from([0.2, 0.5, 0.1, 0.7, 0.1, 0.9, 0.4, 0.4, 0.3]))[0]);
    };
    // `1 * u_yy` is not a bare symbol, so the second form keeps one second-order jet per axis
    const folded = residual('u_t - (u_xx + u_yy) / 64 + u * u_x');
    const tiled = residual('u_t - (u_xx + 1 * u_yy) / 64 + u * u_x');
    expect(folded.length).to.equal(3);
    for (let i = 0; i < 3; i++) expect(folded[i]).to.be.closeTo(tiled[i], 1e-12 * (1 + Math.abs(tiled[i])));
    expect(Math.max(...folded.map(Math.abs))).to.be.greaterThan(1e-3); // not trivially zero
  });
});
