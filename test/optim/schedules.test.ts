import { expect } from 'chai';
import {
  constantLr,
  cosineDecay,
  exponentialDecay,
  linearDecay,
  makeOptimizer,
  makeSchedule,
  parseLr,
  resolveLr,
  stepDecay,
  warmup,
  Adam,
} from '../../optim/index.js';

describe('optim schedules', () => {
  it('constant', () => {
    expect(constantLr(0.3)(0)).to.equal(0.3);
    expect(constantLr(0.3)(1000)).to.equal(0.3);
  });

  it('exponential decay, smooth and staircase', () => {
    const s = exponentialDecay({ lr: 1, decayRate: 0.5, decaySteps: 2 });
    expect(s(0)).to.equal(1);
    expect(s(2)).to.be.closeTo(0.5, 1e-15);
    expect(s(1)).to.be.closeTo(Math.SQRT1_2, 1e-15); // 0.5^(1/2)
    const st = exponentialDecay({ lr: 1, decayRate: 0.5, decaySteps: 2, staircase: true });
    expect(st(3)).to.equal(0.5); // 0.5^floor(3/2)
  });

  it('step decay: lr * gamma^floor(step/stepSize)', () => {
    const s = stepDecay({ lr: 1, stepSize: 10, gamma: 0.1 });
    expect(s(9)).to.equal(1);
    expect(s(25)).to.be.closeTo(0.01, 1e-17);
  });

  it('cosine decay hits lr, midpoint and minLr', () => {
    const s = cosineDecay({ lr: 1, totalSteps: 100, minLr: 0.1 });
    expect(s(0)).to.equal(1);
    expect(s(50)).to.be.closeTo(0.55, 1e-15); // 0.1 + 0.5*0.9*(1+cos(pi/2))
    expect(s(100)).to.equal(0.1);
    expect(s(500)).to.equal(0.1);
  });

  it('linear decay', () => {
    const s = linearDecay({ lr: 1, totalSteps: 10, endLr: 0.2 });
    expect(s(5)).to.be.closeTo(0.6, 1e-15);
    expect(s(20)).to.be.closeTo(0.2, 1e-15);
  });

  it('warmup ramps linearly then hands over to a shifted schedule', () => {
    const s = warmup({ warmupSteps: 4, after: cosineDecay({ lr: 1, totalSteps: 10 }) });
    expect([0, 1, 2, 3].map(s)).to.deep.equal([0.25, 0.5, 0.75, 1]);
    expect(s(4)).to.equal(1); // cosine(0)
    expect(s(9)).to.be.closeTo(0.5, 1e-15); // cosine(5) of 10
  });

  it('builds from config specs and reports bad keys', () => {
    const s = makeSchedule({ type: 'warmup', warmupSteps: 2, after: { type: 'step', lr: 1, stepSize: 3, gamma: 0.5 } }, 'lr');
    expect([0, 1, 2, 5].map(s)).to.deep.equal([0.5, 1, 1, 0.5]);
    expect(() => makeSchedule({ type: 'cosine', lr: 1 }, 'optimizer.lr')).to.throw(
      'optimizer.lr.totalSteps: expected an integer in [1,inf), got undefined',
    );
    expect(() => makeSchedule({ type: 'cosin', lr: 1 }, 'optimizer.lr')).to.throw('optimizer.lr.type: expected one of');
    expect(() => makeSchedule({ type: 'linear', lr: 1, totalSteps: 3, end: 0 }, 'x')).to.throw('x.end: unknown option');
  });

  it('parseLr reads every form of a learning rate and rejects a bad one at its key path', () => {
    expect(parseLr(0.01, 'training.lr')).to.equal(0.01);
    expect(parseLr(undefined, 'training.lr', 1e-3)).to.equal(1e-3);
    const f = (t: number) => 1 / (t + 1);
    expect(parseLr(f, 'training.lr')).to.equal(f);
    const s = parseLr({ type: 'step', lr: 1, stepSize: 2, gamma: 0.5 }, 'training.lr') as (t: number) => number;
    expect([0, 1, 2, 4].map(s)).to.deep.equal([1, 1, 0.5, 0.25]);
    expect(() => parseLr(0, 'training.lr')).to.throw('training.lr: expected a number in (0,inf), got 0');
    expect(() => parseLr(Number.NaN, 'training.lr')).to.throw('training.lr: expected a number in (0,inf), got NaN');
    expect(() => parseLr('fast', 'training.lr')).to.throw('training.lr: expected a number in (0,inf), got "fast"');
    expect(() => parseLr([0.1], 'training.lr')).to.throw('training.lr: expected a number in (0,inf), got [0.1]');
    expect(() => parseLr(undefined, 'training.lr')).to.throw('training.lr: expected a number in (0,inf), got undefined');
    expect(() => parseLr({ type: 'warmup', warmupSteps: 2, after: -1 }, 'training.lr')).to.throw(
      'training.lr.after: expected a number in (0,inf), got -1',
    );
    expect(() => resolveLr(-2, 'mconfig.lr')).to.throw('mconfig.lr: expected a number in (0,inf), got -2');
    expect(makeOptimizer('multiadam', { lr: 0.5 }).currentLr()).to.equal(0.5);
    expect(() => makeOptimizer('lra', { base: { name: 'sgd', lr: { type: 'cosine', lr: 1 } } })).to.throw(
      'optimizer.base.lr.totalSteps: expected an integer',
    );
  });

  it('an optimizer reads the schedule at the number of steps already taken', () => {
    // SGD-like check through Adam's first step: |update| = lr(0) * g/(|g|+eps)
    const seen: number[] = [];
    const opt = new Adam({
      lr: (t) => {
        seen.push(t);
        return 0.5;
      },
      eps: 0,
    });
    const p = new Float64Array([0]);
    opt.step(p, new Float64Array([2]));
    opt.step(p, new Float64Array([2]));
    expect(seen).to.deep.equal([0, 1]);
    expect(p[0]).to.be.closeTo(-1, 1e-12); // two steps of 0.5 with a constant gradient
  });
});

describe('optim currentLr', () => {
  it('reports the rate of the next step, through inner optimizers too', () => {
    const opt = makeOptimizer('pcgrad', { lr: { type: 'step', lr: 1, stepSize: 1, gamma: 0.5 } });
    expect(opt.currentLr()).to.equal(1);
    const g = [new Float64Array([1]), new Float64Array([1])];
    opt.step(new Float64Array(1), [1, 1], g);
    expect(opt.currentLr()).to.equal(0.5);
  });
});
