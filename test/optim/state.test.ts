// state() -> JSON -> load() into a fresh instance must give bit-identical subsequent steps.
import { expect } from 'chai';
import { makeOptimizer, type MultiLossOptimizer, type Optimizer, type OptimState } from '../../optim/index.js';
import { Mulberry32 } from '../../core/random.js';
import { randomVec } from './helpers.js';

const P = 6;

function viaJson(s: OptimState): OptimState {
  return JSON.parse(JSON.stringify(s)) as OptimState;
}

function checkSingle(make: () => Optimizer, f32: boolean): void {
  const rng = new Mulberry32(1);
  const grads = Array.from({ length: 9 }, () => randomVec(P, rng));
  const a = make();
  const pa = f32 ? Float32Array.from(randomVec(P, rng)) : randomVec(P, rng);
  for (let t = 0; t < 5; t++) a.step(pa, grads[t]);
  const b = make();
  b.load(viaJson(a.state()));
  const pb = pa.slice();
  for (let t = 5; t < 9; t++) {
    a.step(pa, grads[t]);
    b.step(pb, grads[t]);
  }
  expect(Array.from(pb)).to.deep.equal(Array.from(pa));
  expect(viaJson(b.state())).to.deep.equal(viaJson(a.state()));
}

function checkMulti(make: () => MultiLossOptimizer, nLoss: number, ntkTraces?: number[]): void {
  const rng = new Mulberry32(2);
  const steps = Array.from({ length: 10 }, (_, t) => ({
    losses: Array.from({ length: nLoss }, (_, i) => (1 + i) * Math.exp(-t / 4) + 0.1 * rng.next()),
    grads: Array.from({ length: nLoss }, () => randomVec(P, rng)),
  }));
  const a = make();
  if (ntkTraces) (a as unknown as { setTraces(t: number[]): void }).setTraces(ntkTraces);
  const pa = randomVec(P, rng);
  for (let t = 0; t < 6; t++) a.step(pa, steps[t].losses, steps[t].grads);
  const b = make();
  b.load(viaJson(a.state()));
  const pb = pa.slice();
  for (let t = 6; t < 10; t++) {
    const wa = a.step(pa, steps[t].losses, steps[t].grads).weights;
    const wb = b.step(pb, steps[t].losses, steps[t].grads).weights;
    expect(wb).to.deep.equal(wa);
  }
  expect(Array.from(pb)).to.deep.equal(Array.from(pa));
}

describe('optim state()/load() round trip', () => {
  for (const name of ['adam', 'adamw', 'sgd'] as const) {
    it(`${name} resumes bit-for-bit (f64 and f32 params)`, () => {
      const opts = name === 'sgd' ? { lr: 0.1, momentum: 0.9, nesterov: true } : { lr: { type: 'cosine', lr: 0.1, totalSteps: 20 } };
      checkSingle(() => makeOptimizer(name, opts), false);
      checkSingle(() => makeOptimizer(name, opts), true);
    });
  }

  it('multiadam resumes bit-for-bit', () => checkMulti(() => makeOptimizer('multiadam', { lr: 0.01 }), 3));
  it('multiadam with loss groups resumes bit-for-bit', () =>
    checkMulti(() => makeOptimizer('multiadam', { lr: 0.01, groups: [0, 1, 1] }), 3));
  it('config resumes bit-for-bit (inner Adam state included)', () => checkMulti(() => makeOptimizer('config', { lr: 0.01 }), 3));
  it('mconfig resumes bit-for-bit mid round robin', () => checkMulti(() => makeOptimizer('mconfig', { lr: 0.01 }), 4));
  it('lra resumes bit-for-bit', () =>
    checkMulti(() => makeOptimizer('lra', { updateEvery: 4, base: { name: 'sgd', lr: 0.01, momentum: 0.5 } }), 2));
  it('relobralo resumes bit-for-bit including its random stream', () =>
    checkMulti(() => makeOptimizer('relobralo', { expectedRho: 0.5, seed: 9 }), 3));
  it('pcgrad resumes bit-for-bit including its random stream', () => checkMulti(() => makeOptimizer('pcgrad', { seed: 4 }), 4));
  it('ntk resumes bit-for-bit', () => checkMulti(() => makeOptimizer('ntk'), 2, [2, 5]));

  it('refuses state from a different optimizer kind', () => {
    const s = makeOptimizer('adam').state();
    expect(() => makeOptimizer('sgd').load(s)).to.throw('optimizer state: expected kind \'sgd\', got "adam"');
    expect(() => makeOptimizer('pcgrad').load({ kind: 'pcgrad', rng: 1 })).to.throw('optimizer state.base');
  });
});
