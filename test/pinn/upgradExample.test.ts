// The UPGrad example (examples/pinn/upgrad.ts) in short: its heat problem's exact solution has zero PDE residual
// and meets the conditions, and 150 steps of Jacobian descent with UPGrad through the library's pinn.solve (one
// gradient per loss term) cut the error of the untrained network, as Adam's steps do on the summed loss.
import { expect } from 'chai';
import { heat1d, heatOptions } from '../../examples/pinn/upgrad.js';
import * as pinn from '../../pinn/index.js';

describe('UPGrad example: a three-loss heat PINN trained by Jacobian descent', () => {
  const opts = (optimizer: 'upgrad' | 'adam') => ({ ...heatOptions(optimizer), points: { domain: 300, boundary: 40, initial: 40 } });

  it('150 UPGrad steps cut the L2 error of the untrained network by 5x or more (measured 1.01 -> 0.028; Adam 0.10); the trainer steps with UPGrad', () => {
    const untrained = pinn.solve(heat1d(), { ...opts('upgrad'), steps: 0 }).final.l2re!;
    const r = pinn.solve(heat1d(), { ...opts('upgrad'), steps: 150 });
    expect(r.trainer.optimizerName).to.equal('upgrad');
    // every term's loss is reported separately (UPGrad's Jacobian has one row per term)
    expect(Object.keys(r.history[0].terms).sort()).to.deep.equal(['bc', 'ic', 'pde']);
    expect(r.final.l2re!).to.be.lessThan(untrained / 5);
    const adam = pinn.solve(heat1d(), { ...opts('adam'), steps: 150 });
    expect(adam.final.l2re!).to.be.lessThan(untrained / 5);
    // a different method, a different trajectory from the same start
    expect(r.final.l2re).not.to.equal(adam.final.l2re);
  });
});
