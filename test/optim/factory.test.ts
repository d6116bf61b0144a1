import { expect } from 'chai';
import {
  Adam,
  ConFIG,
  LBFGS,
  LearningRateAnnealing,
  MConFIG,
  MultiAdam,
  NtkWeighting,
  PCGrad,
  ReLoBRaLo,
  SGD,
  UPGrad,
  makeOptimizer,
  optimizerNames,
} from '../../optim/index.js';

describe('optim makeOptimizer', () => {
  it('builds every method by name', () => {
    const kinds = {
      adam: Adam,
      adamw: Adam,
      sgd: SGD,
      lbfgs: LBFGS,
      multiadam: MultiAdam,
      config: ConFIG,
      mconfig: MConFIG,
      lra: LearningRateAnnealing,
      relobralo: ReLoBRaLo,
      pcgrad: PCGrad,
      upgrad: UPGrad,
      ntk: NtkWeighting,
    };
    for (const name of optimizerNames) expect(makeOptimizer(name), name).to.be.instanceOf(kinds[name]);
  });

  it('passes options through (Adam lr and betas change the first step)', () => {
    const p = new Float64Array([0]);
    makeOptimizer('adam', { lr: 0.3, betas: [0.5, 0.5] }).step(p, new Float64Array([1]));
    expect(p[0]).to.be.closeTo(-0.3, 1e-7);
    const q = new Float64Array([0]);
    makeOptimizer('lra', { base: 'sgd' }).step(q, [1, 1], [new Float64Array([1]), new Float64Array([1])]);
    expect(q[0]).to.be.closeTo(-0.01 * (1 + 1), 1e-15); // sgd default lr 0.01, lambda = 0.9 + 0.1*1/1 = 1
  });

  const bad: [string, Record<string, unknown>, string][] = [
    ['adam', { betas: [0.9] }, 'optimizer.betas: expected two numbers in [0,1), got [0.9]'],
    ['adam', { betas: [0.9, 1] }, 'optimizer.betas: expected two numbers in [0,1), got [0.9,1]'],
    ['adam', { lr: -1 }, 'optimizer.lr: expected a number in (0,inf), got -1'],
    ['adam', { lr: 'fast' }, 'optimizer.lr: expected a number in (0,inf), got "fast"'],
    ['adam', { eps: -1 }, 'optimizer.eps: expected a number in [0,inf), got -1'],
    ['adam', { lrr: 0.1 }, 'optimizer.lrr: unknown option (expected one of'],
    ['adam', { lr: { type: 'cosine', lr: 1 } }, 'optimizer.lr.totalSteps: expected an integer in [1,inf), got undefined'],
    ['sgd', { momentum: 1 }, 'optimizer.momentum: expected a number in [0,1), got 1'],
    ['sgd', { nesterov: true }, 'optimizer.nesterov: requires optimizer.momentum > 0'],
    ['sgd', { nesterov: 'yes' }, 'optimizer.nesterov: expected true or false, got "yes"'],
    ['lbfgs', { history: 2.5 }, 'optimizer.history: expected an integer in [1,inf), got 2.5'],
    ['lbfgs', { c1: 0.95 }, 'optimizer.c2: expected a number greater than optimizer.c1 (0.95), got 0.9'],
    ['multiadam', { weights: [1, -1] }, 'optimizer.weights[1]: expected a number in [0,inf), got -1'],
    ['mconfig', { betas: 0.9 }, 'optimizer.betas: expected two numbers in [0,1), got 0.9'],
    ['lra', { alpha: 0 }, 'optimizer.alpha: expected a number in (0,1], got 0'],
    ['lra', { statistic: 'mean' }, "optimizer.statistic: expected one of 'weighted', 'raw', got \"mean\""],
    ['lra', { ranges: [[0, 4], [5]] }, 'optimizer.ranges: expected a list of [start, end) integer pairs with 0 <= start < end'],
    ['lra', { base: 'lbfgs' }, "optimizer.base.name: expected one of 'adam', 'adamw', 'sgd', got \"lbfgs\""],
    ['lra', { base: { name: 'adam', betas: [2, 0] } }, 'optimizer.base.betas: expected two numbers in [0,1)'],
    ['lra', { base: 'adam', lr: 0.1 }, 'optimizer.lr: give the learning rate inside optimizer.base'],
    ['relobralo', { temperature: 0 }, 'optimizer.temperature: expected a number in (0,inf), got 0'],
    ['pcgrad', { seed: 0.5 }, 'optimizer.seed: expected a finite integer, got 0.5'],
  ];
  for (const [name, opts, msg] of bad) {
    it(`rejects ${name} ${JSON.stringify(opts)}`, () => {
      expect(() => makeOptimizer(name as 'adam', opts)).to.throw(msg);
    });
  }

  it('rejects an unknown name and uses a caller-given path', () => {
    expect(() => makeOptimizer('adamm' as 'adam')).to.throw("optimizer.name: expected one of 'adam', 'adamw'");
    expect(() => makeOptimizer('adam', { betas: [] }, 'training.optimizer')).to.throw('training.optimizer.betas');
  });
});
