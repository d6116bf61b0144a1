// The neural ODE example (examples/ode/neuralOde.ts) in short: an MLP vector field trained through fx.odeint's
// adjoint method must fit the spiral's trajectory far better than at its start, and the adjoint gradient of the
// MLP's parameters must be the gradient that backpropagation through an (accurate) unrolled RK4 gives.
import { expect } from 'chai';
import * as fx from '../../index.js';
import { segmentBatch, segmentLoss, spiralData, spiralModel, trainNeuralOde } from '../../examples/ode/neuralOde.js';
import { flattenTree } from '../../nn/index.js';
import { relErr } from '../support/check.js';

describe('neural ODE example: an MLP vector field learned through the adjoint method', () => {
  // the demo's 1000 observations on [0, 25]; fewer steps than the example, the same model and batches
  let data: ReturnType<typeof spiralData>;
  let trained: ReturnType<typeof trainNeuralOde>;
  before(() => {
    data = spiralData();
    trained = trainNeuralOde(data, { steps: 150, seed: 0 });
  });

  it('150 Adam steps on trajectory segments cut the whole-trajectory error by 5x or more', () => {
    // measured: 9.97 -> 0.70
    expect(trained.before).to.be.above(0.5);
    expect(trained.after).to.be.below(trained.before / 5);
    expect(trained.stats.steps).to.be.above(0);
  });

  it('the adjoint gradient wrt the MLP parameters matches backprop through RK4 (at the start and trained)', () => {
    const { f, params: initial } = spiralModel();
    const batchTime = 10;
    const batch = segmentBatch(data, new fx.Rng(3).choose(data.ts.length - batchTime, 8), batchTime);
    const ts = data.ts.slice(0, batchTime);
    for (const params of [initial, trained.params]) {
      const flat = (opts: fx.OdeintOptions) => flattenTree(fx.grad(segmentLoss(f, ts, batch, opts))(params) as fx.nn.MlpParams, 'f64');
      const adjoint = flat({ rtol: 1e-10, atol: 1e-12 });
      const unrolled = flat({ adjoint: false, steps: 8 });
      expect(Math.hypot(...adjoint)).to.be.above(1e-3);
      // measured 7.5e-10 trained (3e-15 at the start); RK4 at 2 steps per interval is already 2e-7 from RK4 at 8
      expect(relErr(adjoint, unrolled)).to.be.below(1e-7);
    }
  });
});
