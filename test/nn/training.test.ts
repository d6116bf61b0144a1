// The PINN trainer on nn's networks: its default net is nn.mlp bit for bit, every architecture and extra
// trains from TrainerOptions (short runs lower the loss), checkpoints round-trip the flat parameter vector.
import { expect } from 'chai';
import * as fx from '../../index.js';
import { flattenTree } from '../../nn/flat.js';

const { pinn, nn } = fx;
const small: fx.pinn.TrainerOptions = { points: { domain: 48, boundary: 2 }, seed: 1, optimizer: { name: 'adam', lr: 5e-3 } };

describe('nn: networks in the PINN trainer', () => {
  it('the default network is nn.mlp: same parameter vector and the same predictions', () => {
    for (const dtype of ['f32', 'f64'] as const) {
      const t = new pinn.PinnTrainer(pinn.problems.poisson2dSine(), { dtype, seed: 4 });
      const ref = nn.mlp({ layers: [2, 32, 32, 32, 1], seed: 4, dtype });
      expect(Array.from(t.parameters())).to.deep.equal(Array.from(flattenTree(ref.params, dtype)));
      const pts = Float64Array.from([0.1, 0.2, 0.5, 0.9, 0.33, 0.71]);
      const want = ref.apply(ref.params, fx.tensor(pts, [3, 2], dtype)).dataSync();
      expect(Array.from(t.predict(pts, 3).u)).to.deep.equal(Array.from(want));
    }
  });

  const cases: Array<[string, fx.pinn.NetOptions]> = [
    ['modified-mlp', { type: 'modified-mlp', hidden: [16, 16] }],
    ['resnet', { type: 'resnet', hidden: [16, 16] }],
    ['pfnn', { type: 'pfnn', hidden: [16, 16] }],
    ['mlp + fourier_features', { hidden: [16, 16], fourierFeatures: { count: 8, sigma: 0.5 } }],
    ['mlp + laaf', { hidden: [16, 16], adaptiveActivation: { kind: 'laaf', scale: 10 } }],
    ['mlp + gaaf', { hidden: [16, 16], adaptiveActivation: { kind: 'gaaf' } }],
    ['mlp + weight_factorization + he-normal', { hidden: [16, 16], weightFactorization: { mu: 1, sigma: 0.1 }, init: 'he-normal' }],
    ['mlp + periodic x', { hidden: [16, 16], periodic: { x: 2 } }],
  ];
  for (const [name, net] of cases) {
    it(`${name}: 80 Adam steps on 1D Poisson lower the loss at least 5x`, function () {
      this.timeout(15000);
      const t = new pinn.PinnTrainer(pinn.problems.poisson1d(), { ...small, net });
      const first = t.trainStep().loss;
      let last = first;
      for (let i = 0; i < 79; i++) last = t.trainStep().loss;
      expect(Number.isFinite(last)).to.equal(true);
      expect(last).to.be.below(first / 5);
    });
  }

  it('checkpoints: state()/load() restore a modified MLP with LAAF and factorized weights exactly', () => {
    const o: fx.pinn.TrainerOptions = {
      ...small,
      net: { type: 'modified-mlp', hidden: [8, 8], adaptiveActivation: { kind: 'laaf' }, weightFactorization: {} },
    };
    const a = new pinn.PinnTrainer(pinn.problems.poisson1d(), o);
    for (let i = 0; i < 3; i++) a.trainStep();
    const s = JSON.parse(JSON.stringify(a.state())) as unknown;
    const b = new pinn.PinnTrainer(pinn.problems.poisson1d(), o);
    b.load(s);
    expect(Array.from(b.parameters())).to.deep.equal(Array.from(a.parameters()));
    expect(b.trainStep().loss).to.equal(a.trainStep().loss);
  });

  it('a periodic coordinate that is not a coordinate is named', () => {
    expect(() => new pinn.PinnTrainer(pinn.problems.poisson1d(), { net: { periodic: { y: 1 } } })).to.throw(
      /net\.periodic\.y: unknown coordinate 'y'; coordinates are x/,
    );
  });
});
