// Per-point coefficients (ProblemSpec.coefficients) and point constraints: a tabulated coefficient gives the
// same residuals and losses as the equivalent expression, on every path that builds points (batches, RAR).
import { expect } from 'chai';
import * as fx from '../../index.js';
import * as pinn from '../../pinn/index.js';
import { gridInterpolator, rectangle } from '../../meshes/index.js';

// a(x, y) = 1 + x + 2y tabulated on a 5 x 4 grid (multilinear interpolation reproduces it exactly)
const xs = [0, 0.25, 0.5, 0.75, 1];
const ys = [0, 0.3, 0.6, 1];
const table = xs.flatMap((x) => ys.map((y) => [x, y]));
const aFile = gridInterpolator(
  table.flat(),
  table.map(([x, y]) => 1 + x + 2 * y),
  2,
);
const aExpr = '(1 + x + 2*y)';

const known = (x: fx.Tensor, out: fx.Tensor): fx.Tensor => fx.add(fx.mul(fx.sin(pinn.column(x, 0)), pinn.column(x, 1)), fx.mul(0, out));

function problem(a: string, extra: Partial<pinn.ProblemSpec> = {}): pinn.ProblemSpec {
  return {
    coords: ['x', 'y'],
    fields: ['u'],
    domain: rectangle([0, 0], [1, 1]),
    pde: `${a} * u_xx + u = x`,
    conditions: [{ kind: 'dirichlet', field: 'u', value: `${a} * y` }],
    ...extra,
  };
}
const opts: pinn.TrainerOptions = { dtype: 'f64', seed: 2, net: { hidden: [6] }, points: { domain: 32, boundary: 16 } };

describe('pinn: per-point coefficients', () => {
  it('a PDE and a condition value with a file coefficient equal the same ones with the equivalent expression', () => {
    const byFile = new pinn.PinnTrainer(problem('a', { coefficients: { a: aFile } }), opts);
    const byCall = new pinn.PinnTrainer(problem('a(x, y)', { coefficients: { a: aFile } }), opts);
    const byExpr = new pinn.PinnTrainer(problem(aExpr), opts);
    const pts = Float64Array.from([0.1, 0.2, 0.55, 0.95, 0.8, 0.33]);
    const [r1, r2, r3] = [byFile, byCall, byExpr].map((t) => t.pdeResiduals(pts)[0]);
    for (let i = 0; i < 3; i++) {
      expect(r1[i]).to.be.closeTo(r3[i], 1e-12);
      expect(r2[i]).to.be.closeTo(r3[i], 1e-12);
    }
    const [l1, l3] = [byFile.losses(), byExpr.losses()];
    expect(l1.pde).to.be.closeTo(l3.pde, 1e-12);
    expect(l1.bc).to.be.closeTo(l3.bc, 1e-12);
    const [s1, s3] = [byFile.trainStep(), byExpr.trainStep()];
    expect(s1.loss).to.be.closeTo(s3.loss, 1e-12);
  });

  it('only terms that read a coefficient get it as an input; RAR candidates get it too', () => {
    const spec = problem('a', { coefficients: { a: aFile }, conditions: [{ kind: 'dirichlet', field: 'u', value: 0 }] });
    const compiled = pinn.compileProblem(spec);
    expect(compiled.terms.map((t) => !!t.pointInputs)).to.deep.equal([true, false]);
    const tr = new pinn.PinnTrainer(compiled, { ...opts, rar: { every: 1, candidates: 8, add: 2 } });
    for (let k = 0; k < 3; k++) expect(Number.isFinite(tr.trainStep().loss)).to.equal(true);
  });

  it('derives a manufactured source through a coefficient (the residual of the exact solution vanishes)', () => {
    const spec = problem('a', {
      coefficients: { a: aFile },
      pde: 'a * u_xx + u = f',
      exact: { u: 'sin(x) * y' },
      transform: known,
      conditions: [],
    });
    const r = new pinn.PinnTrainer(spec, opts).pdeResiduals(Float64Array.from([0.1, 0.2, 0.7, 0.9]))[0];
    for (const v of r) expect(v).to.be.closeTo(0, 1e-12);
  });

  it('rejects coefficient names that are taken and calls at other points', () => {
    expect(() => pinn.compileProblem(problem('u', { coefficients: { x: aFile } }))).to.throw(
      'coefficients.x: the name is already a coordinate, field, constant or unknown',
    );
    expect(() => pinn.compileProblem(problem('a(y, x)', { coefficients: { a: aFile } }))).to.throw(
      /coefficient a\(\) is only evaluated at the point itself: write a or a\(x, y\)/,
    );
  });
});

describe('pinn: point constraints', () => {
  it('p(0, 0) = value at one or several points, the value an expression in the coordinates', () => {
    const spec: pinn.ProblemSpec = {
      coords: ['x', 'y'],
      fields: ['u'],
      domain: rectangle([0, 0], [1, 1]),
      pde: 'u_xx',
      transform: known,
      conditions: [
        { kind: 'point', field: 'u', at: [0.5, 0.5], value: 0 },
        {
          kind: 'point',
          name: 'pins',
          field: 'u',
          at: [
            [0.2, 1],
            [1, 0.5],
          ],
          value: 'x + y',
        },
      ],
    };
    const tr = new pinn.PinnTrainer(spec, opts);
    expect(tr.termNames).to.deep.equal(['pde', 'point0', 'pins']);
    const l = tr.losses();
    expect(l.point0).to.be.closeTo((Math.sin(0.5) * 0.5) ** 2, 1e-12);
    expect(l.pins).to.be.closeTo(((Math.sin(0.2) - 1.2) ** 2 + (Math.sin(1) * 0.5 - 1.5) ** 2) / 2, 1e-12);
    const bad = { ...spec, conditions: [{ kind: 'point' as const, field: 'u', at: [[0.2, 1], [1]], value: 0 }] };
    expect(() => pinn.compileProblem(bad)).to.throw('conditions[0].at[1]: expected 2 finite coordinates, got [1]');
  });

  it('data terms observe only the listed fields', () => {
    const one = { coords: ['x', 'y'], fields: ['u', 'k'], domain: rectangle([0, 0], [1, 1]), pde: 'u_xx' };
    const data = (fields?: string[]): pinn.ProblemSpec => ({
      ...one,
      // u = sin(x) y, k = 0
      transform: (x: fx.Tensor, o: fx.Tensor) =>
        fx.add(fx.concat([fx.mul(fx.sin(pinn.column(x, 0)), pinn.column(x, 1)), fx.mul(0, pinn.column(x, 0))], 1), fx.mul(0, o)),
      conditions: [
        { kind: 'data', points: Float64Array.from([0.5, 0.5]), values: { u: Float64Array.of(1), k: Float64Array.of(2) }, fields },
      ],
    });
    const u = Math.sin(0.5) * 0.5;
    expect(new pinn.PinnTrainer(data(['u']), opts).losses().data).to.be.closeTo((u - 1) ** 2, 1e-12);
    expect(new pinn.PinnTrainer(data(), opts).losses().data).to.be.closeTo((u - 1) ** 2 + 4, 1e-12);
    expect(() => pinn.compileProblem(data(['v']))).to.throw("conditions[0].values.field: unknown field 'v'");
  });
});
