// Residuals and condition terms of exact solutions vanish (f64), derivative plans group jets, hard constraints hold.
import { expect } from 'chai';
import * as fx from '../../index.js';
import * as pinn from '../../pinn/index.js';
import { interval, rectangle, timeDomain, loadReference } from '../../meshes/index.js';
import { join } from 'node:path';
import { exactly, interiorPoints, maxAbs } from '../support/exactSpec.js';

const opts: pinn.TrainerOptions = { dtype: 'f64', net: { hidden: [4] }, points: { domain: 16, boundary: 16, initial: 16 } };

describe('pinn: residuals of exact solutions', () => {
  const cases: Array<[string, () => pinn.ProblemSpec, number]> = [
    ['1D Poisson', pinn.problems.poisson1d, 1e-9],
    ['2D Poisson (sine)', pinn.problems.poisson2dSine, 1e-9],
    ['Helmholtz sin(pi x) sin(4 pi y)', pinn.problems.helmholtz2d, 1e-8],
    ['wave u_tt = 4 u_xx', pinn.problems.wave1d, 1e-8],
    ['diffusion-reaction', pinn.problems.diffusionReaction, 1e-8],
    ['Kovasznay flow', pinn.problems.kovasznay, 1e-8],
  ];
  for (const [name, make, tol] of cases) {
    it(`${name}: PDE residual ~ 0 and every condition term ~ 0`, () => {
      const spec = exactly(make());
      const tr = new pinn.PinnTrainer(spec, opts);
      for (const r of tr.pdeResiduals(interiorPoints(spec, 12))) expect(maxAbs(r)).to.be.below(tol);
      for (const [term, v] of Object.entries(tr.losses())) expect(v, term).to.be.below(tol * tol * 100);
      expect(tr.evaluate().l2re).to.be.below(1e-12);
    });
  }

  it('a wrong candidate gives a clearly nonzero residual (the check can fail)', () => {
    const spec = exactly(pinn.problems.poisson1d(), { u: 'sin(pi*x) + 0.1*x^3' });
    const tr = new pinn.PinnTrainer(spec, opts);
    const pts = Float64Array.from([0.5]);
    expect(tr.pdeResiduals(pts)[0][0]).to.be.closeTo(-0.6 * 0.5, 1e-9); // -u_xx adds -0.6 x
  });

  it('Burgers: residual of a manufactured u = exp(-t) sin(pi x) equals the analytic value', () => {
    const spec = exactly(pinn.problems.burgers1d('/nonexistent.dat'), { u: 'exp(-t)*sin(pi*x)' });
    const tr = new pinn.PinnTrainer(spec, opts);
    const pts = Float64Array.from([0.3, 0.2, -0.7, 0.9, 0.05, 0.5]);
    const r = tr.pdeResiduals(pts)[0];
    const nu = 0.01 / Math.PI;
    for (let i = 0; i < 3; i++) {
      const [x, t] = [pts[2 * i], pts[2 * i + 1]];
      const u = Math.exp(-t) * Math.sin(Math.PI * x);
      const want = -u + u * Math.exp(-t) * Math.PI * Math.cos(Math.PI * x) + nu * Math.PI ** 2 * u;
      expect(r[i]).to.be.closeTo(want, 1e-12);
    }
  });

  it('derivative plans: one jet per order along each axis, mixed partials separate', () => {
    const burgers = new pinn.PinnTrainer(pinn.problems.burgers1d('/nonexistent.dat'), opts).derivativePlans();
    expect(burgers.pde).to.deep.equal({ pureOrder: [2, 1], mixed: [], normal: false, collapsedLaplacian: false });
    expect(burgers.ic.pureOrder).to.deep.equal([0, 0]);
    const wave = new pinn.PinnTrainer(pinn.problems.wave1d(), opts).derivativePlans();
    expect(wave.pde.pureOrder).to.deep.equal([2, 2]);
    expect(wave.ic_t.pureOrder).to.deep.equal([0, 1]);
    const mixedSpec: pinn.ProblemSpec = {
      coords: ['x', 't'],
      fields: ['u'],
      domain: timeDomain(interval(0, 1), 0, 1),
      pde: 'u_xt + u_tx + u_x',
    };
    const mixed = new pinn.PinnTrainer(mixedSpec, opts).derivativePlans();
    expect(mixed.pde).to.deep.equal({ pureOrder: [1, 0], mixed: [[1, 1]], normal: false, collapsedLaplacian: false });
    // u_xt through polarization matches the analytic mixed partial
    const tr = new pinn.PinnTrainer(exactly(mixedSpec, { u: 'sin(2*x)*exp(t)' }), opts);
    const r = tr.pdeResiduals(Float64Array.from([0.3, 0.4]))[0][0];
    expect(r).to.be.closeTo(2 * 2 * Math.cos(0.6) * Math.exp(0.4) + 2 * Math.cos(0.6) * Math.exp(0.4), 1e-10);
  });
});

describe('pinn: collapsed Laplacian', () => {
  it('lap() runs in collapsed mode (also behind the derived-source wrapper), with first spatial derivatives from the same pass', () => {
    // regression: helmholtz2d's pde derives q and calls the residual through Object.create(context)
    const helm = new pinn.PinnTrainer(pinn.problems.helmholtz2d(), opts).derivativePlans();
    expect(helm.pde).to.deep.equal({ pureOrder: [0, 0], mixed: [], normal: false, collapsedLaplacian: true });
    // Navier-Stokes: u_x, u_y, p_x, p_y and lap(u), lap(v) all come out of one collapsed pass
    const kov = new pinn.PinnTrainer(pinn.problems.kovasznay(), opts).derivativePlans();
    expect(kov.pde).to.deep.include({ pureOrder: [0, 0], collapsedLaplacian: true, collapsedFirst: [0, 1] });
    // a second derivative along one axis still needs its own jets
    const aniso: pinn.ProblemSpec = { coords: ['x', 'y'], fields: ['u'], domain: rectangle([0, 0], [1, 1]), pde: 'u_xx + lap(u)' };
    expect(new pinn.PinnTrainer(aniso, opts).derivativePlans().pde).to.deep.include({ pureOrder: [2, 2], collapsedLaplacian: false });
    // spatial Laplacian only: the time axis keeps its own jet
    const heat: pinn.ProblemSpec = { coords: ['x', 't'], fields: ['u'], domain: timeDomain(interval(0, 1), 0, 1), pde: 'u_t - lap(u)' };
    expect(new pinn.PinnTrainer(heat, opts).derivativePlans().pde).to.deep.include({ pureOrder: [0, 1], collapsedLaplacian: true });
  });

  it('collapsed and tiled-jet Laplacians of a network agree (f64), and match the exact solution residual', () => {
    const layout = { coords: ['x', 'y'], fields: ['u', 'v'], timeIndex: -1 };
    const net = fx.nn.mlp({ layers: [2, 8, 8, 2], activation: 'tanh', seed: 3, dtype: 'f64' });
    const x = fx.tensor([0.1, -0.4, 0.7, 0.2, -0.9, 0.5], [3, 2], 'f64');
    const inputs = { net: (z: fx.Tensor) => net.apply(net.params, z), x, params: {} };
    const collapsed = new pinn.EvalContext(layout, inputs, { pureOrder: [0, 0], mixed: [], normal: false, collapsedLaplacian: true });
    const tiled = new pinn.EvalContext(layout, inputs, { pureOrder: [2, 2], mixed: [], normal: false, collapsedLaplacian: false });
    for (const f of ['u', 'v']) {
      const a = collapsed.lap(f).dataSync();
      const b = tiled.lap(f).dataSync();
      for (let i = 0; i < 3; i++) expect(a[i]).to.be.closeTo(b[i], 1e-12);
    }
    const tr = new pinn.PinnTrainer(exactly(pinn.problems.helmholtz2d()), { ...opts, dtype: 'f64' });
    for (const r of tr.pdeResiduals(Float64Array.from([0.3, -0.2, -0.7, 0.9]))[0]) expect(Math.abs(r)).to.be.below(1e-9);
    // first derivatives from the collapsed pass equal those of the tiled jets
    const withFirst = new pinn.EvalContext(layout, inputs, {
      pureOrder: [0, 0],
      mixed: [],
      normal: false,
      collapsedLaplacian: true,
      collapsedFirst: [0, 1],
    });
    for (const f of ['u', 'v']) {
      for (const wrt of ['x', 'y']) {
        const a = withFirst.d(f, wrt).dataSync();
        const b = tiled.d(f, wrt).dataSync();
        for (let i = 0; i < 3; i++) expect(a[i]).to.be.closeTo(b[i], 1e-12);
      }
      const a = withFirst.lap(f).dataSync();
      const b = tiled.lap(f).dataSync();
      for (let i = 0; i < 3; i++) expect(a[i]).to.be.closeTo(b[i], 1e-12);
    }
  });
});

describe('pinn: boundary, initial, Neumann, Robin, periodic terms', () => {
  it('Neumann du/dn = 0 vanishes for cos(pi x) cos(pi y) and is 1 for u = x + y', () => {
    const base: pinn.ProblemSpec = {
      coords: ['x', 'y'],
      fields: ['u'],
      domain: rectangle([0, 0], [1, 1]),
      pde: 'lap(u)',
      conditions: [{ kind: 'neumann', field: 'u', value: 0, name: 'flux' }],
    };
    const good = new pinn.PinnTrainer(exactly(base, { u: 'cos(pi*x)*cos(pi*y)' }), opts).losses();
    expect(good.flux).to.be.below(1e-20);
    const bad = new pinn.PinnTrainer(exactly(base, { u: 'x + y' }), opts).losses();
    expect(bad.flux).to.be.closeTo(1, 1e-9);
    expect(bad.pde).to.be.below(1e-20);
  });

  it('Robin du/dn = u at x = 1 vanishes for exp(x), not at x = 0', () => {
    const spec = (where: (p: Float64Array) => boolean): pinn.ProblemSpec =>
      exactly(
        {
          coords: ['x'],
          fields: ['u'],
          domain: interval(0, 1),
          pde: 'u_x - u',
          conditions: [{ kind: 'robin', field: 'u', value: 'u', where, name: 'robin' }],
        },
        { u: 'exp(x)' },
      );
    expect(
      new pinn.PinnTrainer(
        spec((p) => p[0] > 0.5),
        opts,
      ).losses().robin,
    ).to.be.below(1e-24);
    expect(
      new pinn.PinnTrainer(
        spec((p) => p[0] < 0.5),
        opts,
      ).losses().robin,
    ).to.be.closeTo(4, 1e-12); // (-1 - 1)^2
  });

  it('periodic value and derivative terms vanish for sin(2 pi x) and not for x', () => {
    const base: pinn.ProblemSpec = {
      coords: ['x', 't'],
      fields: ['u'],
      domain: timeDomain(interval(0, 1), 0, 1),
      pde: 'u_t',
      conditions: [
        { kind: 'periodic', field: 'u', coord: 'x', name: 'p0' },
        { kind: 'periodic', field: 'u', coord: 'x', derivative: 1, name: 'p1' },
      ],
    };
    const good = new pinn.PinnTrainer(exactly(base, { u: 'sin(2*pi*x)' }), opts).losses();
    expect(good.p0).to.be.below(1e-24);
    expect(good.p1).to.be.below(1e-24);
    const bad = new pinn.PinnTrainer(exactly(base, { u: 'x^2' }), opts).losses();
    expect(bad.p0).to.be.closeTo(1, 1e-12);
    expect(bad.p1).to.be.closeTo(4, 1e-12);
  });

  it('initial value and velocity terms are nonzero for a shifted solution', () => {
    const wrong = exactly(pinn.problems.wave1d(), { u: 'sin(pi*x)*cos(2*pi*t + 0.1) + 0.5*sin(4*pi*x)*cos(8*pi*t)' });
    const l = new pinn.PinnTrainer(wrong, opts).losses();
    expect(l.ic).to.be.above(5e-6);
    expect(l.ic_t).to.be.above(1e-2);
    expect(l.bc).to.be.below(1e-20);
  });

  it('hard constraints (Allen-Cahn transform) satisfy the initial and boundary values exactly for a random net', () => {
    const tr = new pinn.PinnTrainer(pinn.problems.allenCahn(), { ...opts, net: { hidden: [8, 8], seed: 5 } });
    const pts = Float64Array.from([-0.7, 0, 0.2, 0, 0.9, 0, -1, 0.3, 1, 0.8, -1, 1]);
    const u = tr.predict(pts, 6).u;
    [-0.7, 0.2, 0.9].forEach((x, i) => expect(u[i]).to.be.closeTo(x * x * Math.cos(Math.PI * x), 1e-14));
    [3, 4, 5].forEach((i) => expect(u[i]).to.be.closeTo(-1, 1e-14));
    expect(Object.keys(tr.losses())).to.deep.equal(['pde']);
  });
});

describe('pinn: benchmark problem data', () => {
  const poissonData = join(pinn.problems.DATA_DIR, 'poisson1_cg_data.dat');
  it('Poisson with four holes: the geometry matches the reference nodes', () => {
    const spec = pinn.problems.poisson2dHoles(poissonData);
    const ref = loadReference(poissonData);
    const X = ref.arrays.X.data;
    const Y = ref.arrays.Y.data;
    const U = ref.arrays.u.data;
    const pts = { data: Float64Array.from({ length: 2 * X.length }, (_, k) => (k % 2 ? Y[(k - 1) / 2] : X[k / 2])), dim: 2 };
    const inside = spec.domain.inside(pts);
    const onB = spec.domain.onBoundary(pts, 1e-6);
    let zeros = 0;
    for (let i = 0; i < X.length; i++) {
      expect(inside[i], `node ${i}`).to.equal(1);
      if (U[i] === 0) {
        zeros++;
        expect(onB[i]).to.equal(1);
      }
      if (Math.abs(Math.abs(X[i]) - 0.5) < 1e-9 || Math.abs(Math.abs(Y[i]) - 0.5) < 1e-9) expect(U[i]).to.be.closeTo(1, 1e-9);
    }
    expect(zeros).to.equal(112);
    expect(spec.reference?.values.u.length).to.equal(1246);
  });

  it('Burgers: the reference holds 101 x 11 nodes with u(x, 0) = -sin(pi x)', () => {
    const ref = pinn.problems.burgers1d().reference as pinn.ReferenceSet;
    expect(ref.values.u.length).to.equal(1111);
    for (let r = 0; r < 1111; r++) {
      if (ref.points[2 * r + 1] === 0) expect(ref.values.u[r]).to.be.closeTo(-Math.sin(Math.PI * ref.points[2 * r]), 1e-5);
    }
  });

  it('Lorenz RK4 data: the trajectory starts at (-8, 7, 27) and RK4 at dt and dt/2 agree', () => {
    const a = pinn.problems.lorenzRk4({ samples: 4, tEnd: 1 });
    const b = pinn.problems.lorenzRk4({ samples: 4, tEnd: 1, dt: 5e-4 });
    expect(Array.from(a.xyz.slice(0, 3))).to.deep.equal([-8, 7, 27]);
    expect(maxAbs(a.xyz.map((v, i) => v - b.xyz[i]))).to.be.below(1e-7);
    expect(Array.from(a.t)).to.deep.equal(Array.from(b.t));
  });
});
