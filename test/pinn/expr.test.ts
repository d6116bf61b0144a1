// The expression compiler: residual values against hand-computed ones, symbolic sources, and errors.
import { expect } from 'chai';
import * as fx from '../../index.js';
import * as pinn from '../../pinn/index.js';
import { interval, rectangle } from '../../meshes/index.js';

const scope2: pinn.ExprScope = { coords: ['x', 't'], fields: ['u'], timeIndex: 1, constants: { nu: 0.1 } };

describe('pinn/expr: compiler', () => {
  it('splits equations at a top-level = only', () => {
    expect(pinn.splitEquation('-lap(u) = f')).to.deep.equal(['-lap(u) ', ' f']);
    expect(pinn.splitEquation('u_t + u')).to.deep.equal(['u_t + u', null]);
    expect(pinn.splitEquation('a == b')).to.deep.equal(['a == b', null]);
  });

  it('recognises derivative symbols with multi-letter coordinates and underscored fields', () => {
    expect(pinn.derivativeSymbol(scope2, 'u_xt')).to.deep.equal(['u', ['x', 't']]);
    expect(pinn.derivativeSymbol(scope2, 'u_xx')).to.deep.equal(['u', ['x', 'x']]);
    expect(pinn.derivativeSymbol({ coords: ['x1', 'x2'], fields: ['u_a'] }, 'u_a_x1x2')).to.deep.equal(['u_a', ['x1', 'x2']]);
    expect(pinn.derivativeSymbol(scope2, 'u_q')).to.equal(null);
  });

  it('names the expression and the unknown symbol in errors', () => {
    expect(() => pinn.compileEquation('u_t + w', scope2, 'pde[0]')).to.throw("pde[0]: unknown symbol 'w' in 'u_t + w'");
    expect(() => pinn.compileEquation('foo(u)', scope2, 'pde')).to.throw("pde: unknown function 'foo' in 'foo(u)'");
    expect(() => pinn.compileEquation('lap(x)', scope2, 'pde')).to.throw(/lap\(\) expects a field name/);
    expect(() => pinn.compileEquation('u_t + (', scope2, 'pde')).to.throw(/pde: cannot parse 'u_t \+ \('/);
    const vectorPde = { coords: ['x'], fields: ['u'], domain: interval(0, 1), pde: 'grad(u)' };
    expect(() => new pinn.PinnTrainer(vectorPde)).to.throw(/pde: the expression is a vector; expected a scalar/);
  });

  it('problem compilation rejects unknown symbols in the pde with the pde label', () => {
    expect(() => pinn.compileProblem({ coords: ['x'], fields: ['u'], domain: interval(0, 1), pde: ['u_xx', 'u_x + w'] })).to.throw(
      "pde[1]: unknown symbol 'w' in 'u_x + w'",
    );
  });

  it('derives manufactured source terms symbolically', () => {
    const f = pinn.deriveSource('-lap(u) = f', 'f', { coords: ['x', 'y'], fields: ['u'] }, { u: 'sin(pi*x)*sin(pi*y)' }, 'pde');
    const fn = pinn.compileNumeric(f, ['x', 'y']);
    for (const [x, y] of [
      [0.3, 0.7],
      [0.11, 0.52],
    ])
      expect(fn([x, y])).to.be.closeTo(2 * Math.PI ** 2 * Math.sin(Math.PI * x) * Math.sin(Math.PI * y), 1e-9);
    // the source may sit anywhere linearly, with a coefficient
    const g = pinn.deriveSource('u_t - nu*u_xx + 2*s = 0', 's', scope2, { u: 'exp(-t)*cos(x)' }, 'pde');
    const gn = pinn.compileNumeric(g, ['x', 't'], { nu: 0.1 });
    const [x, t] = [0.4, 0.3];
    expect(gn([x, t])).to.be.closeTo(-(-Math.exp(-t) * Math.cos(x) + 0.1 * Math.exp(-t) * Math.cos(x)) / 2, 1e-12);
    expect(() => pinn.deriveSource('u_t - s^2', 's', scope2, { u: 'x' }, 'pde')).to.throw(/'s' must appear linearly/);
  });

  it('compiled grad/div/dot/pow/functions evaluate on a field context like hand-written ops', () => {
    // u(x, y) = x^2 y + sin(y) as a transform of a dummy network; f64 points
    const spec: pinn.ProblemSpec = {
      coords: ['x', 'y'],
      fields: ['u', 'v'],
      domain: rectangle([0, 0], [1, 1]),
      pde: ['div(grad(u)) - lap(u)', 'dot(grad(u), [1, 2]) + pow(abs(v), 2) + tanh(x) + exp(y)/sqrt(4) + div([u, v])'],
      transform: (x, out) => {
        const X = pinn.column(x, 0);
        const Y = pinn.column(x, 1);
        const u = fx.add(fx.mul(fx.square(X), Y), fx.sin(Y));
        const v = fx.mul(X, Y);
        return fx.add(fx.concat([u, v], 1), fx.mul(0, out));
      },
    };
    const tr = new pinn.PinnTrainer(spec, { dtype: 'f64', net: { hidden: [3] }, points: { domain: 4, boundary: 4 } });
    const pts = Float64Array.from([0.2, 0.5, 0.7, 0.1]);
    const [r0, r1] = tr.pdeResiduals(pts);
    for (let i = 0; i < 2; i++) {
      const [x, y] = [pts[2 * i], pts[2 * i + 1]];
      const ux = 2 * x * y;
      const uy = x * x + Math.cos(y);
      const want = ux + 2 * uy + (x * y) ** 2 + Math.tanh(x) + Math.exp(y) / 2 + (ux + x);
      expect(r0[i]).to.be.closeTo(0, 1e-12);
      expect(r1[i]).to.be.closeTo(want, 1e-10);
    }
  });

  it("stop_gradient keeps the value and blocks the parameters' gradient", () => {
    const problem = (pde: string): pinn.ProblemSpec => ({ coords: ['x'], fields: ['u'], domain: interval(0, 1), pde });
    const opts = { dtype: 'f64' as const, seed: 3, net: { hidden: [4] }, points: { domain: 8, boundary: 2 }, lr: 0.1 };
    const stopped = new pinn.PinnTrainer(problem('stop_gradient(1 + u_x^2) * u'), opts);
    const plain = new pinn.PinnTrainer(problem('(1 + u_x^2) * u'), opts);
    const pts = Float64Array.from([0.1, 0.4, 0.9]);
    expect(Array.from(stopped.pdeResiduals(pts)[0])).to.deep.equal(Array.from(plain.pdeResiduals(pts)[0]));
    const frozen = new pinn.PinnTrainer(problem('stop_gradient(u)'), opts);
    const before = Array.from(frozen.parameters());
    frozen.trainStep();
    expect(Array.from(frozen.parameters())).to.deep.equal(before);
    const before2 = Array.from(stopped.parameters());
    stopped.trainStep();
    plain.trainStep();
    // the weight is constant to the optimizer, so the two trainers step differently from the same start
    expect(Array.from(stopped.parameters())).to.not.deep.equal(before2);
    expect(Array.from(stopped.parameters())).to.not.deep.equal(Array.from(plain.parameters()));
  });
});
