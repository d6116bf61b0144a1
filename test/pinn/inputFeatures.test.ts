// Input features from expressions (network.input_features / pinn.inputFeatures): the columns they append, the
// network's input width, derivatives through them against finite differences, errors naming the key.
import { expect } from 'chai';
import * as fx from '../../index.js';
import { relErr } from '../support/check.js';

const { pinn } = fx;
const features = { d: 'sqrt((x - 0.2)^2 + (y + 0.1)^2) - 0.05', g: 'exp(-c*x*y)' };

/** -lap u = 1 on the unit square with the two features above (constants: c). */
function spec(withFeatures: boolean): fx.pinn.ProblemSpec {
  return {
    coords: ['x', 'y'],
    fields: ['u'],
    domain: fx.meshes.rectangle([0, 0], [1, 1]),
    constants: { c: 1.5 },
    pde: '-(u_xx + u_yy) = 1',
    conditions: [{ kind: 'dirichlet', field: 'u', value: 0, name: 'bc' }],
    features: withFeatures ? pinn.inputFeatures(features, { coords: ['x', 'y'], constants: { c: 1.5 } }) : undefined,
  };
}

describe('pinn: input features from expressions', () => {
  it('appends one column per feature, in order, computed from the coordinates and constants', () => {
    const f = pinn.inputFeatures(features, { coords: ['x', 'y'], constants: { c: 1.5 } });
    expect(f.names).to.deep.equal(['d', 'g']);
    const x = fx.tensor([0.3, 0.5, 0.9, -0.2], [2, 2], 'f64');
    const got = Array.from(f.map(x).dataSync());
    const want = [Math.hypot(0.1, 0.6) - 0.05, Math.exp(-1.5 * 0.3 * 0.5), Math.hypot(0.7, -0.1) - 0.05, Math.exp(-1.5 * 0.9 * -0.2)];
    expect(relErr(Float64Array.from(got), Float64Array.from(want))).to.be.below(1e-14);
    // a constant feature still gives one value per row
    expect(
      Array.from(
        pinn
          .inputFeatures({ one: '1' }, { coords: ['x', 'y'] })
          .map(x)
          .dataSync(),
      ),
    ).to.deep.equal([1, 1]);
  });

  it('widens the first layer by one input per feature', () => {
    const opts = { dtype: 'f64' as const, seed: 0, net: { hidden: [8, 8] }, points: { domain: 16, boundary: 8 } };
    const plain = new pinn.PinnTrainer(spec(false), opts).parameters().length;
    const wide = new pinn.PinnTrainer(spec(true), opts).parameters().length;
    expect(wide - plain).to.equal(2 * 8);
  });

  for (const [mode, pde] of [
    ['Taylor jets (u_xx + 2*u_yy)', 'u_xx + 2*u_yy'],
    ['collapsed Laplacian (lap(u))', 'lap(u)'],
  ] as const) {
    it(`second derivatives through the features match finite differences: ${mode}`, () => {
      const t = new pinn.PinnTrainer({ ...spec(true), pde }, { dtype: 'f64', seed: 2, net: { hidden: [8, 8] } });
      const pts = Float64Array.from([0.13, 0.4, 0.77, 0.31, 0.52, 0.9]);
      const got = t.pdeResiduals(pts)[0];
      const h = 1e-4;
      const u = (dx: number, dy: number) =>
        t.predict(
          pts.map((v, i) => v + (i % 2 ? dy : dx)),
          3,
        ).u;
      const u0 = u(0, 0);
      const d2 = (dx: number, dy: number) => Float64Array.from(u0, (v, i) => (u(dx, dy)[i] - 2 * v + u(-dx, -dy)[i]) / (h * h));
      const [uxx, uyy] = [d2(h, 0), d2(0, h)];
      const want = Float64Array.from(uxx, (v, i) => v + (pde === 'lap(u)' ? 1 : 2) * uyy[i]);
      expect(relErr(got, want)).to.be.below(1e-6);
    });
  }

  it('errors name the key: unknown symbols, raw outputs, derivatives, equations, no features', () => {
    const scope = { coords: ['x', 'y'] };
    const bad: Array<[Record<string, string>, RegExp]> = [
      [{ d: 'x + w' }, /^input_features\.d: unknown symbol 'w' in 'x \+ w'/],
      [{ d: 'x*N_u' }, /^input_features\.d: unknown symbol 'N_u'/],
      [{ d: 'u_x' }, /^input_features\.d: unknown symbol 'u_x'/],
      [{ d: 'd = x' }, /^input_features\.d: expected an expression for feature 'd' \(no '='\)/],
      [{}, /^input_features: expected at least one feature/],
    ];
    for (const [exprs, re] of bad) expect(() => pinn.inputFeatures(exprs, scope), JSON.stringify(exprs)).to.throw(pinn.ExprError, re);
  });
});
