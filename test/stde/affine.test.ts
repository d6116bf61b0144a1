// Structured coordinate probes through an affine first layer: the gathered rows W_J give the same directional
// derivatives (and the same gradients) as unit-vector tangents e_j through the whole function.
import { expect } from 'chai';
import * as fx from '../../index.js';
import { affineCoordinateTaylor2, coordinateProbes, coordinateSample, directionalDerivatives, probeSum } from '../../core/stde.js';
import { Rng } from '../../core/random.js';
import { points } from './helpers.js';

const d = 6;
const h = 5;
const W = fx.random.normal(3, [d, h], 'f64');
const b = fx.random.normal(4, [h], 'f64');
const g = (a: fx.Tensor): fx.Tensor => fx.sum(fx.mul(fx.tanh(a), fx.sin(a)), 1, true);
const f = (x: fx.Tensor): fx.Tensor => g(fx.add(fx.matmul(x, W), b));
const x = points(4, d, 9);
const close = (a: ArrayLike<number>, e: ArrayLike<number>, tol: number): void => {
  expect(a.length).to.equal(e.length);
  for (let i = 0; i < a.length; i++) expect(a[i]).to.be.closeTo(e[i], tol * (1 + Math.abs(e[i])));
};

describe('stde: coordinate probes through an affine first layer', () => {
  it('first and summed second orders equal the unit-vector jets of f (a traced J under jit is fresh each call)', () => {
    const step = fx.jit((z: fx.Tensor, J: fx.Tensor) => {
      const t = affineCoordinateTaylor2(g, fx.add(fx.matmul(z, W), b), W, J);
      return [t.value, t.first, t.second];
    });
    for (const rng of [1, 2]) {
      const J = coordinateSample(d, { samples: 3, rng });
      const [value, first, second] = step(x, fx.tensor(Int32Array.from(J), [3], 'i32')) as fx.Tensor[];
      const dirs = coordinateProbes(d, { samples: 3, rng }, 'f64').dirs;
      close(value.dataSync(), f(x).dataSync(), 1e-12);
      close(first.dataSync(), directionalDerivatives(f, x, dirs, 1).dataSync(), 1e-12);
      close(second.dataSync(), probeSum(f, x, { dirs, weights: [1, 1, 1] }, 2).dataSync(), 1e-12);
    }
  });

  it("W's gradient equals the tiled path's, and the tangents reach only rows J (the primal x^T da aside)", () => {
    const J = [4, 1];
    const unit = fx.tensor(
      Float64Array.from({ length: 2 * d }, (_, k) => (k % d === J[Math.floor(k / d)] ? 1 : 0)),
      [2, d],
      'f64',
    );
    const rowsLoss = (w: fx.Tensor) => fx.sum(affineCoordinateTaylor2(g, fx.add(fx.matmul(x, w), b), w, J).second);
    const tiledLoss = (w: fx.Tensor) => fx.sum(probeSum((z) => g(fx.add(fx.matmul(z, w), b)), x, { dirs: unit, weights: [1, 1] }, 2));
    close((fx.grad(rowsLoss)(W) as fx.Tensor).dataSync(), (fx.grad(tiledLoss)(W) as fx.Tensor).dataSync(), 1e-11);
    // with the primal held fixed (a given, not x W + b) the gradient is zero outside rows J
    const a = fx.add(fx.matmul(x, W), b);
    const heldLoss = (w: fx.Tensor) => fx.sum(affineCoordinateTaylor2(g, a, w, J).second);
    const gw = (fx.grad(heldLoss)(W) as fx.Tensor).dataSync();
    for (let i = 0; i < d; i++) {
      const norm = Math.hypot(...gw.slice(i * h, (i + 1) * h));
      if (J.includes(i)) expect(norm).to.be.above(1e-6);
      else expect(norm).to.equal(0);
    }
    expect(() => affineCoordinateTaylor2(g, a, fx.zeros([d, h + 1], 'f64'), J)).to.throw(/W must be \[d, 5\]/);
  });

  it('Rng.choose (sparse Fisher-Yates) matches the dense partial shuffle it replaces', () => {
    const dense = (seed: number, n: number, k: number): number[] => {
      const r = new Rng(seed);
      const pool = [...Array(n).keys()];
      for (let i = 0; i < k; i++) {
        const j = i + r.int(n - i);
        [pool[i], pool[j]] = [pool[j], pool[i]];
      }
      return pool.slice(0, k);
    };
    for (const [n, k] of [
      [10, 10],
      [50, 7],
      [1000, 16],
    ]) {
      for (const seed of [0, 1, 99]) expect(new Rng(seed).choose(n, k)).to.deep.equal(dense(seed, n, k));
    }
  });
});
