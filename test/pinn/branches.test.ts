// Comparisons, ?:, heaviside, sign, min, max, piecewise in PDEs, conditions and exact solutions:
// values against hand-computed ones, derivatives at and near the switch (no NaN), symbolic sources.
import { expect } from 'chai';
import * as fx from '../../index.js';
import * as pinn from '../../pinn/index.js';
import { rectangle } from '../../meshes/index.js';

// u(x, y) = x^2 y + sin(y) as a transform of a dummy network, so residuals have known values
const known = (x: fx.Tensor, out: fx.Tensor): fx.Tensor => {
  const X = pinn.column(x, 0);
  const Y = pinn.column(x, 1);
  return fx.add(fx.add(fx.mul(fx.square(X), Y), fx.sin(Y)), fx.mul(0, out));
};
const residualsAt = (pde: string[], pts: number[]): Float64Array[] => {
  const spec: pinn.ProblemSpec = { coords: ['x', 'y'], fields: ['u'], domain: rectangle([0, 0], [1, 1]), pde, transform: known };
  return new pinn.PinnTrainer(spec, { dtype: 'f64', net: { hidden: [3] }, points: { domain: 4, boundary: 4 } }).pdeResiduals(
    Float64Array.from(pts),
  );
};
const H = (v: number): number => (v > 0 ? 1 : v < 0 ? 0 : 0.5);

describe('pinn/expr: comparisons and branches', () => {
  const pts = [0.5, 0.5, 0.5, 0.499, 0.5, 0.501, 0.2, 0.9, 0.8, 0.1];
  const rows = pts.length / 2;

  it('a PINNacle-style coefficient (y < 0.5 ? 64 : 100) * u_xx takes the selected branch at and near the switch', () => {
    const [r] = residualsAt(['(y < 0.5 ? 64 : 100) * u_xx'], pts);
    for (let i = 0; i < rows; i++) {
      const y = pts[2 * i + 1];
      expect(r[i]).to.be.closeTo((y < 0.5 ? 64 : 100) * 2 * y, 1e-9);
    }
  });

  it('evaluates every comparison, logical operator and branching function like plain JS', () => {
    const exprs: [string, (x: number, y: number) => number][] = [
      ['heaviside(x - 0.5) + 2*heaviside(y - 0.5, 1)', (x, y) => H(x - 0.5) + 2 * (y > 0.5 ? 1 : y < 0.5 ? 0 : 1)],
      ['sign(y - 0.5) + min(x, y) + max(x, y, 0.6)', (x, y) => Math.sign(y - 0.5) + Math.min(x, y) + Math.max(x, y, 0.6)],
      ['piecewise(x < 0.25, 1, x < 0.75, 2*u, 3)', (x, y) => (x < 0.25 ? 1 : x < 0.75 ? 2 * (x * x * y + Math.sin(y)) : 3)],
      [
        '(x > 0.5 and y <= 0.5) + 2*(x == 0.5) + 4*(x != 0.5) + 8*(not (y >= 0.5)) + 16*(0 < y < 0.5) + 32*(y < 0.3 or x > 0.7)',
        (x, y) =>
          +(x > 0.5 && y <= 0.5) +
          2 * +(x === 0.5) +
          4 * +(x !== 0.5) +
          8 * +!(y >= 0.5) +
          16 * +(y > 0 && y < 0.5) +
          32 * +(y < 0.3 || x > 0.7),
      ],
      ['x < 0.5 ? (y > 0.5 ? 1 : 2) : 3*u_x', (x, y) => (x < 0.5 ? (y > 0.5 ? 1 : 2) : 3 * 2 * x * y)],
      ['1 < 2 ? u : 1/0', (x, y) => x * x * y + Math.sin(y)], // a constant condition folds: the other branch never runs
    ];
    const rs = residualsAt(
      exprs.map((e) => e[0]),
      pts,
    );
    exprs.forEach(([src, want], k) => {
      for (let i = 0; i < rows; i++)
        expect(rs[k][i], `${src} at ${pts[2 * i]}, ${pts[2 * i + 1]}`).to.be.closeTo(want(pts[2 * i], pts[2 * i + 1]), 1e-9);
    });
  });

  it('constants fold at compile time: a fully numeric conditional yields a number', () => {
    const f = pinn.compileNode(
      pinn.parseEquation('(2 > 1 ? 3 : 4) + heaviside(0) + piecewise(0, 1, 5) + min(2, 7)', 'pde'),
      { coords: ['x'], fields: ['u'] },
      'pde',
      '',
    );
    expect(f(null as unknown as pinn.FieldContext)).to.equal(3 + 0.5 + 5 + 2);
  });

  it('grad and a 2nd-order jet through a conditional coefficient times u: the selected branch, no NaN at the switch', () => {
    // f(x) = (x < 0.5 ? 64 : 100) * u + heaviside(x - 0.5) * u^2 with u = sin(x): a context over the traced x
    const layout: pinn.ContextLayout = { coords: ['x'], fields: ['u'], timeIndex: -1 };
    const body = pinn.compileEquation(
      '(x < 0.5 ? 64 : 100) * u + heaviside(x - 0.5) * u^2 + max(x, 0.5)',
      { coords: ['x'], fields: ['u'] },
      'f',
    );
    const plan = pinn.planFor(layout, 'f64', () => 0, body);
    const f = (X: fx.Tensor): fx.Tensor => body(new pinn.EvalContext(layout, { net: (x) => fx.sin(x), x: X, params: {} }, plan));
    const xs = [0.4, 0.499, 0.5, 0.501, 0.7];
    const X = fx.tensor(xs, [xs.length, 1], 'f64');
    const [, [d1, d2]] = fx.jet(f, X, [
      fx.tensor(
        xs.map(() => 1),
        [xs.length, 1],
        'f64',
      ),
      fx.tensor(
        xs.map(() => 0),
        [xs.length, 1],
        'f64',
      ),
    ]);
    const g = fx.grad((x: fx.Tensor) => fx.sum(f(x)))(X) as fx.Tensor;
    const [a1, a2, ag] = [d1.dataSync(), d2.dataSync(), g.dataSync()];
    xs.forEach((x, i) => {
      const c = x < 0.5 ? 64 : 100;
      const h = H(x - 0.5);
      const s = Math.sin(x),
        co = Math.cos(x);
      const first = c * co + h * 2 * s * co + (x >= 0.5 ? 1 : 0); // max picks x at the tie (ge)
      const second = -c * s + h * 2 * (co * co - s * s);
      expect(a1[i], `f' at ${x}`).to.be.closeTo(first, 1e-9);
      expect(ag[i], `grad at ${x}`).to.be.closeTo(first, 1e-9);
      expect(a2[i], `f'' at ${x}`).to.be.closeTo(second, 1e-9);
    });
  });

  it('trains with a conditional coefficient: finite loss and parameters after steps with points on the switch', () => {
    const spec: pinn.ProblemSpec = {
      coords: ['x', 'y'],
      fields: ['u'],
      domain: rectangle([0, 0], [1, 1]),
      pde: '(y < 0.5 ? 64 : 100) * u_xx + sign(x - 0.5) * u_yy = heaviside(y - 0.5)',
      conditions: [{ kind: 'dirichlet', field: 'u', value: 'min(x, y) > 0.5 ? 1 : 0' }],
    };
    const tr = new pinn.PinnTrainer(spec, { seed: 1, net: { hidden: [8] }, points: { domain: 16, boundary: 8 }, sampler: 'halton' });
    for (let k = 0; k < 3; k++) expect(Number.isFinite(tr.trainStep().loss)).to.equal(true);
    expect(Array.from(tr.parameters()).every(Number.isFinite)).to.equal(true);
    const r = tr.pdeResiduals(Float64Array.from([0.5, 0.5, 0.25, 0.5]))[0];
    expect(Array.from(r).every(Number.isFinite)).to.equal(true);
  });

  it('derives a source symbolically from a branching exact solution (derivative of the selected branch)', () => {
    const sc = { coords: ['x', 'y'], fields: ['u'] };
    const u = '(x < 0.5 ? x^3 : x^2) * y + heaviside(y - 0.5) * y^2 + sign(x) * x + min(x, y)^2 + abs(x - 0.3)';
    const f = pinn.compileNumeric(pinn.deriveSource('-lap(u) = f', 'f', sc, { u }, 'pde'), ['x', 'y']);
    // -lap u by hand, branch by branch (abs and sign(x) x are linear on each side)
    const want = (x: number, y: number): number => -((x < 0.5 ? 6 * x * y : 2 * y) + H(y - 0.5) * 2 + 2);
    for (const [x, y] of [
      [0.3, 0.7],
      [0.5, 0.5],
      [0.7, 0.2],
      [0.3, 0.3],
    ])
      expect(f([x, y]), `at ${x}, ${y}`).to.be.closeTo(want(x, y), 1e-9);
    // and through the problem compiler: the source compiled to tensors equals the numeric one
    const spec: pinn.ProblemSpec = {
      coords: ['x', 'y'],
      fields: ['u'],
      domain: rectangle([0, 0], [1, 1]),
      pde: '-lap(u) = f',
      exact: { u },
      transform: known,
    };
    const tr = new pinn.PinnTrainer(spec, { dtype: 'f64', net: { hidden: [3] } });
    const r = tr.pdeResiduals(Float64Array.from([0.3, 0.7, 0.5, 0.5]))[0];
    // residual = -lap(known) - f = -(2y - sin y) - f
    expect(r[0]).to.be.closeTo(Math.sin(0.7) - 2 * 0.7 - want(0.3, 0.7), 1e-9);
    expect(r[1]).to.be.closeTo(Math.sin(0.5) - 2 * 0.5 - want(0.5, 0.5), 1e-9);
  });

  it('compileNumeric knows heaviside and piecewise; comparisons and ?: evaluate as in the tensor compiler', () => {
    const f = pinn.compileNumeric(
      'heaviside(x) + heaviside(x, 1) + piecewise(x < 0, 1, x < 1, 2, 3) + (x > -1 ? 10 : 20) + sign(x) + max(x, 2)',
      ['x'],
    );
    expect(f([0])).to.equal(0.5 + 1 + 2 + 10 + 0 + 2);
    expect(f([-2])).to.equal(0 + 0 + 1 + 20 - 1 + 2);
  });

  it('rejects malformed branching functions naming the expression', () => {
    const sc = { coords: ['x'], fields: ['u'] };
    expect(() => pinn.compileEquation('piecewise(x < 0, 1)', sc, 'pde[0]')).to.throw(
      /^pde\[0\]: piecewise\(\) expects pairs .* got 2 arguments in 'piecewise\(x < 0, 1\)'/,
    );
    expect(() => pinn.compileEquation('heaviside(x, 1, 2)', sc, 'pde')).to.throw(/heaviside\(\) expects 1 or 2 arguments/);
    expect(() => pinn.compileEquation('min(x)', sc, 'pde')).to.throw(/min\(\) expects at least 2 arguments, got 1/);
  });
});
