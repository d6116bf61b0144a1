// Hard constraints from expressions (network.output_transform / pinn.outputTransform): exact boundary
// values on any parameters, derivatives through the transform (jets and the collapsed Laplacian) against
// finite differences, PDE-only training, errors naming the expression's key.
import { expect } from 'chai';
import * as fx from '../../index.js';
import { relErr } from '../support/check.js';

const { pinn } = fx;
const scope = { coords: ['x'], fields: ['u'] };

/** -u'' = pi^2 sin(pi x) on [0, 1], u = sin(pi x), with u(0) = u(1) = 0 built in. */
function poisson(pde = '-u_xx = pi^2*sin(pi*x)', transform = 'x*(1-x)*N_u'): fx.pinn.ProblemSpec {
  return {
    coords: ['x'],
    fields: ['u'],
    domain: fx.meshes.interval(0, 1),
    pde,
    exact: { u: 'sin(pi*x)' },
    conditions: [{ kind: 'dirichlet', field: 'u', value: 0, name: 'bc' }],
    transform: pinn.outputTransform({ u: transform }, scope),
  };
}

describe('pinn: output transforms from expressions', () => {
  it('compiles to tensor ops over the coordinates and the raw outputs N_<field>; unlisted fields pass through', () => {
    const tr = pinn.outputTransform({ v: 'x*t*N_v + sin(pi*x) + c*N_u' }, { coords: ['x', 't'], fields: ['u', 'v'], constants: { c: 2 } });
    const x = fx.tensor([0.3, 0.5, -0.2, 0.9], [2, 2], 'f64');
    const out = fx.tensor([1.5, -0.4, 0.7, 2.0], [2, 2], 'f64');
    const y = tr(x, out).dataSync();
    expect(Array.from(y)).to.deep.equal([
      1.5,
      0.3 * 0.5 * -0.4 + Math.sin(Math.PI * 0.3) + 2 * 1.5,
      0.7,
      -0.2 * 0.9 * 2.0 + Math.sin(Math.PI * -0.2) + 2 * 0.7,
    ]);
  });

  it('a transform that satisfies the boundary condition leaves zero boundary loss on any parameters', () => {
    for (const seed of [0, 1, 2]) {
      const t = new pinn.PinnTrainer(poisson(), { dtype: 'f64', seed, net: { hidden: [8, 8] }, points: { domain: 16, boundary: 8 } });
      expect(t.losses().bc).to.equal(0);
      // the brief's form with a non-zero lift sin(pi x): exact to rounding
      const t2 = new pinn.PinnTrainer(
        { ...poisson(), conditions: [{ kind: 'dirichlet', field: 'u', value: 'sin(pi*x)', name: 'bc' }] },
        {
          dtype: 'f64',
          seed,
          net: { hidden: [8] },
          points: { domain: 16, boundary: 8 },
        },
      );
      t2.setParameters(t2.parameters().map((v, i) => v + Math.sin(i)));
      expect(t2.losses().bc).to.be.below(1e-30);
    }
  });

  for (const [mode, pde] of [
    ['Taylor jets (u_xx)', 'u_xx'],
    ['collapsed Laplacian (lap(u))', 'lap(u)'],
  ] as const) {
    it(`second derivatives through the transform match finite differences: ${mode}`, () => {
      const t = new pinn.PinnTrainer(poisson(pde, 'x*(1-x)*exp(x)*N_u + x^2'), { dtype: 'f64', seed: 3, net: { hidden: [8, 8] } });
      const xs = Float64Array.from([0.13, 0.4, 0.77]);
      const d2 = t.pdeResiduals(xs)[0];
      const h = 1e-4;
      const u = (s: number) =>
        t.predict(
          xs.map((v) => v + s),
          xs.length,
        ).u;
      const [up, u0, um] = [u(h), u(0), u(-h)];
      const fd = Float64Array.from(u0, (v, i) => (up[i] - 2 * v + um[i]) / (h * h));
      expect(relErr(d2, fd)).to.be.below(1e-6);
      if (pde === 'lap(u)') expect(t.derivativePlans().pde.collapsedLaplacian).to.equal(true);
    });
  }

  it('training the PDE term alone (no boundary loss) reaches a small error', function () {
    this.timeout(20000);
    const spec = { ...poisson(), conditions: [] };
    const res = pinn.solve(spec, { dtype: 'f64', seed: 0, net: { hidden: [16] }, points: { domain: 32 }, steps: 60, optimizer: 'lbfgs' });
    expect(res.final.l2re).to.be.below(1e-3);
  });

  it('errors name the key: unknown symbols, fields, derivatives, equations', () => {
    const bad: Array<[Record<string, string>, RegExp]> = [
      [{ u: 'x*N_u + w' }, /^output_transform\.u: unknown symbol 'w' in 'x\*N_u \+ w'/],
      [{ u: 'x*u' }, /^output_transform\.u: unknown symbol 'u'/],
      [{ p: 'N_u' }, /^output_transform\.p: unknown field 'p'; fields are u/],
      [{ u: 'N_u_x' }, /^output_transform\.u: the derivative N_u_x is not available in an output transform/],
      [{ u: 'lap(N_u)' }, /^output_transform\.u: lap\(N_u\) is not available/],
      [{ u: 'u = x*N_u' }, /^output_transform\.u: expected an expression for u \(no '='\)/],
    ];
    for (const [exprs, re] of bad) expect(() => pinn.outputTransform(exprs, scope), JSON.stringify(exprs)).to.throw(pinn.ExprError, re);
  });
});
