// Integral equations (`integral: true`): the residual's spatial mean vanishes at every time, enforced per causal
// time chunk (a global balance such as a conservation law) instead of at each point.
import { expect } from 'chai';
import * as pinn from '../../pinn/index.js';
import { tensor, type Tensor } from '../../core/tensor.js';
import { valueAndGrad } from '../../core/api.js';
import { interval, timeDomain } from '../../meshes/index.js';
import { heat, small } from './heatFixture.js';

type BatchOf = Record<string, { x: Tensor }>;

describe('pinn: integral equations', () => {
  // six points in 3 chunks of [0, 1]: residual 1, 2 | 3, 1 | 2, 2 -> chunk means 1.5, 2, 2
  const times = [0.05, 0.2, 0.4, 0.5, 0.7, 0.95];
  const r = [1, 2, 3, 1, 2, 2];
  const inputs: pinn.CausalInputs = { chunks: pinn.chunkMatrix(times, 0, 1, 3, 'f64'), eps: tensor([1e6], [], 'f64') };

  it('the loss is the mean over chunks of the squared chunk mean, with its exact gradient (eps plays no part)', () => {
    const [v, g] = valueAndGrad((x: Tensor) => pinn.integralLoss([x], inputs))(tensor(r, [6], 'f64')) as [Tensor, Tensor];
    expect(v.item()).to.be.closeTo((1.5 ** 2 + 2 ** 2 + 2 ** 2) / 3, 1e-14);
    // d/dr_j = 2 m_c / |c| / M for r_j in chunk c
    const expected = [0.5, 0.5, 2 / 3, 2 / 3, 2 / 3, 2 / 3];
    Array.from(g.dataSync()).forEach((gj, j) => expect(gj).to.be.closeTo(expected[j], 1e-14));
    // residuals of opposite sign within a chunk cancel: the mean, not the points, is constrained
    expect(pinn.integralLoss([tensor([1, -1, 3, -3, 2, -2], [6], 'f64')], inputs).item()).to.equal(0);
  });

  it('in the trainer, an integral equation is its own loss term: the chunk means of the batch residuals', () => {
    const spec: pinn.ProblemSpec = { ...heat, pde: ['u_t - 0.1*u_xx', { residual: 'u_t - 0.1*u_xx', name: 'balance', integral: true }] };
    const tr = new pinn.PinnTrainer(spec, { ...small, dtype: 'f64', causal: { chunks: 4, epsilon: [1e6] } });
    const x = Float64Array.from((tr.batchAt(0) as unknown as BatchOf).pde.x.dataSync());
    const res = tr.pdeResiduals(x)[1];
    const sum = [0, 0, 0, 0];
    const count = [0, 0, 0, 0];
    res.forEach((v, i) => {
      const c = Math.min(3, Math.floor(x[2 * i + 1] * 4));
      sum[c] += v;
      count[c]++;
    });
    const m = tr.trainStep();
    expect(m.terms).to.have.keys('pde0', 'balance', 'bc', 'ic');
    expect(m.terms.balance).to.be.closeTo(sum.reduce((a, s, c) => a + (s / count[c]) ** 2, 0) / 4, 1e-12);
  });

  it('trains the spatial mean, not the field: mean_x u_t = cos(t) from u_t - 2 x cos(t) gives mean u(., t) = sin(t)', () => {
    // pointwise the equation would make u = 2 x sin(t); as an integral it fixes only the mean over x in [0, 1]
    const spec: pinn.ProblemSpec = {
      coords: ['x', 't'],
      fields: ['u'],
      domain: timeDomain(interval(0, 1), 0, 1),
      pde: [{ residual: 'u_t - 2*x*cos(t)', name: 'mean', integral: true }],
      conditions: [{ kind: 'initial', field: 'u', value: 0, name: 'ic' }],
    };
    const tr = new pinn.PinnTrainer(spec, {
      net: { hidden: [16, 16] },
      points: { domain: 400, initial: 40 },
      seed: 1,
      optimizer: { name: 'adam', lr: 5e-3 },
      causal: { chunks: 8, epsilon: [0] },
    });
    for (let s = 0; s < 1500; s++) tr.trainStep();
    for (const t of [0.5, 1]) {
      const n = 101;
      const pts = Float64Array.from({ length: 2 * n }, (_, i) => (i % 2 ? t : Math.floor(i / 2) / (n - 1)));
      const u = tr.predict(pts, n).u;
      // trapezoid mean over x
      const mean = (u.reduce((a, b) => a + b, 0) - (u[0] + u[n - 1]) / 2) / (n - 1);
      expect(mean, `mean u at t = ${t}`).to.be.closeTo(Math.sin(t), 0.03);
    }
  });

  it('needs causal weighting (its time chunks): the error names the equation', () => {
    const spec: pinn.ProblemSpec = { ...heat, pde: [{ residual: 'u_t - 0.1*u_xx', name: 'balance', integral: true }] };
    expect(() => new pinn.PinnTrainer(spec, small)).to.throw(/pde 'balance': an integral equation needs causal/);
  });
});
