// Every method, built by name, must actually train: two badly scaled losses with a shared
// minimiser x* (the situation loss balancing exists for).
import { expect } from 'chai';
import { makeOptimizer, optimizerInputs, optimizerNames, type MultiLossOptimizer, type Optimizer } from '../../optim/index.js';

const xStar = [1, -2, 0.5];
// L1 = 0.5 |x - x*|^2, L2 = 50 (x1 - x1*)^2 + 50 (x2 - x2*)^2: scales differ by 1e2; the test catches
// methods that ascend, stall or diverge (non-diagonal ill-conditioning is not what it is about)
function lossesAndGrads(x: Float64Array): { losses: number[]; grads: Float64Array[] } {
  const e = [x[0] - xStar[0], x[1] - xStar[1], x[2] - xStar[2]];
  return {
    losses: [0.5 * (e[0] ** 2 + e[1] ** 2 + e[2] ** 2), 50 * (e[1] ** 2 + e[2] ** 2)],
    grads: [new Float64Array([e[0], e[1], e[2]]), new Float64Array([0, 100 * e[1], 100 * e[2]])],
  };
}

describe('optim: every method trains a two-loss problem to its shared minimiser', () => {
  for (const name of optimizerNames) {
    it(name, () => {
      const x = new Float64Array([3, 2, -1]);
      const kind = optimizerInputs[name];
      if (kind === 'objective') {
        const opt = makeOptimizer('lbfgs');
        opt
          .minimize(
            (p) => {
              const { losses, grads } = lossesAndGrads(p);
              return { f: losses[0] + losses[1], g: grads[0].map((g, i) => g + grads[1][i]) };
            },
            x,
            { tolGrad: 1e-12 },
          )
          .x.forEach((v, i) => (x[i] = v));
      } else {
        const opts = name === 'sgd' ? { lr: 2e-3, momentum: 0.9 } : name === 'multiadam' ? { lr: 2e-2, betas: [0.9, 0.99] } : { lr: 2e-2 };
        const opt = makeOptimizer(name, opts);
        for (let t = 0; t < 3000; t++) {
          const { losses, grads } = lossesAndGrads(x);
          if (kind === 'gradient')
            (opt as Optimizer).step(
              x,
              grads[0].map((g, i) => g + grads[1][i]),
            );
          else (opt as MultiLossOptimizer).step(x, losses, grads);
        }
      }
      xStar.forEach((v, i) => expect(Math.abs(x[i] - v), `${name} x[${i}] = ${x[i]}`).to.be.below(2e-2));
    });
  }
});
