// nn/ networks: shapes, hand-computed forward passes, gradients against central differences (f64),
// seeded determinism, initialisation statistics and errors naming the bad option.
import { expect } from 'chai';
import * as fx from '../../index.js';
import { flattenTree, unflattenTree } from '../../nn/flat.js';
import { relErr } from '../support/check.js';
import { collapsedTaylor2 } from '../../core/transforms/collapsed.js';

const { nn } = fx;
type Spec = fx.nn.NetworkSpec;

const x64 = (rows: number[][]): fx.Tensor => fx.tensor(rows.flat(), [rows.length, rows[0].length], 'f64');
const pts = x64([
  [0.1, -0.4],
  [0.7, 0.3],
  [-0.5, 0.9],
]);

/** every architecture with every extra switched on somewhere */
const SPECS: Record<string, Spec> = {
  mlp: { type: 'mlp', hidden: [5, 4] },
  'mlp + fourier + he-uniform': { type: 'mlp', hidden: [6], fourierFeatures: { count: 4, sigma: 2 }, init: 'he-uniform' },
  'modified-mlp': { type: 'modified-mlp', hidden: [4, 4, 4] },
  'modified-mlp + laaf + factorized': {
    type: 'modified-mlp',
    hidden: [4, 4],
    adaptiveActivation: { kind: 'laaf' },
    weightFactorization: { mu: 1, sigma: 0.1 },
  },
  resnet: { type: 'resnet', hidden: [4, 4], activation: 'sin' },
  'resnet + gaaf + periodic': {
    type: 'resnet',
    hidden: [3],
    adaptiveActivation: { kind: 'gaaf', scale: 5 },
    periodic: [{ axis: 0, period: 2, harmonics: 2 }],
  },
  pfnn: { type: 'pfnn', hidden: [4, 3] },
  'pfnn + he-normal + laaf': { type: 'pfnn', hidden: [3], init: 'he-normal', adaptiveActivation: { kind: 'laaf', scale: 2 } },
};

describe('nn: networks', () => {
  for (const [name, spec] of Object.entries(SPECS)) {
    it(`${name}: output [N, outDim], gradient matches central differences (f64)`, () => {
      const net = nn.buildNetwork(spec, 2, 3, { seed: 3, dtype: 'f64' });
      const y = net.apply(net.params, pts);
      expect(y.shape).to.deep.equal([3, 3]);
      // perturb the zero biases and unit slopes so every parameter matters at the evaluation point
      const flat = flattenTree(net.params, 'f64') as Float64Array;
      const p0 = Float64Array.from(flat, (v, i) => v + 0.05 * Math.sin(1.7 * i + 0.3));
      const w = fx.tensor([0.3, -1.1, 0.7], [1, 3], 'f64');
      const loss = (p: fx.PyTree): fx.Tensor => fx.sum(fx.mul(fx.sin(net.apply(p, pts)), w));
      const params = unflattenTree(net.params, p0);
      const g = flattenTree(fx.grad(loss)(params) as fx.PyTree, 'f64');
      const h = 1e-6;
      const idx = Array.from({ length: Math.min(p0.length, 40) }, (_, k) => Math.floor((k * p0.length) / 40));
      const fd = idx.map((i) => {
        const at = (d: number): number => {
          const q = Float64Array.from(p0);
          q[i] += d;
          return loss(unflattenTree(net.params, q)).item();
        };
        return (at(h) - at(-h)) / (2 * h);
      });
      expect(
        relErr(
          idx.map((i) => g[i]),
          fd,
        ),
      ).to.be.below(1e-7);
    });
  }

  it('the collapsed Laplacian (forward Laplacian) goes through every network without falling back, and matches grad-of-grad', () => {
    for (const [name, spec] of Object.entries(SPECS)) {
      const net = nn.buildNetwork(spec, 2, 3, { seed: 2, dtype: 'f64' });
      const f = (x: fx.Tensor) => net.apply(net.params, x);
      const dirs = fx.tensor([1, 0, 1, 0, 1, 0, 0, 1, 0, 1, 0, 1], [6, 2], 'f64'); // e_x then e_y for the 3 points
      const { second } = collapsedTaylor2(f, pts, dirs); // throws NotCollapsible instead of falling back
      const ref = [0, 1, 2].map((j) => fx.hessianTrace((x: fx.Tensor) => fx.sliceAxis(f(x), 1, j, j + 1), pts).dataSync());
      const want = [0, 1, 2].flatMap((r) => [0, 1, 2].map((j) => ref[j][r]));
      expect(relErr(second.dataSync(), want), name).to.be.below(1e-12);
    }
  });

  it('the default spec gives exactly nn.mlp: same parameters, same outputs (f32 and f64)', () => {
    for (const dtype of ['f32', 'f64'] as const) {
      const ref = nn.mlp({ layers: [2, 16, 16, 1], seed: 7, dtype });
      const net = nn.buildNetwork({ type: 'mlp', hidden: [16, 16] }, 2, 1, { seed: 7, dtype });
      expect(Array.from(flattenTree(net.params, dtype))).to.deep.equal(Array.from(flattenTree(ref.params, dtype)));
      const x = fx.cast(pts, dtype);
      expect(Array.from(net.apply(net.params, x).dataSync())).to.deep.equal(Array.from(ref.apply(ref.params, x).dataSync()));
    }
  });

  it('modified MLP matches a hand-computed forward pass on tiny weights', () => {
    const net = nn.buildNetwork({ type: 'modified-mlp', hidden: [2, 2] }, 1, 1, { dtype: 'f64' });
    const L = (W: number[], b: number[], fanIn: number) => ({
      W: fx.tensor(W, [fanIn, W.length / fanIn], 'f64'),
      b: fx.tensor(b, [b.length], 'f64'),
    });
    const p = {
      layers: [L([0.5, -0.3], [0.1, 0.2], 1), L([0.4, 0.1, -0.2, 0.3], [0, -0.1], 2), L([0.7, -0.6], [0.05], 2)],
      U: L([1.0, -0.5], [0.0, 0.3], 1),
      V: L([-0.8, 0.2], [0.1, 0.0], 1),
    };
    expect(Object.keys(net.params as object).sort()).to.deep.equal(['U', 'V', 'layers']);
    const x = 0.6;
    const t = Math.tanh;
    const U = [t(1.0 * x), t(-0.5 * x + 0.3)];
    const V = [t(-0.8 * x + 0.1), t(0.2 * x)];
    const H1 = [t(0.5 * x + 0.1), t(-0.3 * x + 0.2)];
    const Z = [t(H1[0] * 0.4 + H1[1] * -0.2), t(H1[0] * 0.1 + H1[1] * 0.3 - 0.1)];
    const H2 = Z.map((z, k) => (1 - z) * U[k] + z * V[k]);
    const want = H2[0] * 0.7 + H2[1] * -0.6 + 0.05;
    expect(net.apply(p, fx.tensor([x], [1, 1], 'f64')).item()).to.be.closeTo(want, 1e-15);
  });

  it('LAAF: act(n a x) per layer with a = 1/n at first (the plain network), then each slope acts on its own layer', () => {
    const plain = nn.buildNetwork({ type: 'mlp', hidden: [3, 3] }, 2, 1, { seed: 1, dtype: 'f64' });
    const laaf = nn.buildNetwork({ type: 'mlp', hidden: [3, 3], adaptiveActivation: { kind: 'laaf', scale: 10 } }, 2, 1, {
      seed: 1,
      dtype: 'f64',
    });
    const ls = laaf.params as Array<{ W: fx.Tensor; b: fx.Tensor; a?: fx.Tensor }>;
    expect(ls.map((l) => l.a?.item())).to.deep.equal([0.1, 0.1, undefined]); // no slope on the linear output layer
    expect(Array.from(laaf.apply(laaf.params, pts).dataSync())).to.deep.equal(Array.from(plain.apply(plain.params, pts).dataSync()));
    // tiny hand example: 1 -> 1 -> 1, W1 = 2, b1 = 0.5, a = 0.3, n = 10; W2 = 1.5, b2 = -0.2
    const tiny = nn.buildNetwork({ type: 'mlp', hidden: [1], adaptiveActivation: { kind: 'laaf', scale: 10 } }, 1, 1, { dtype: 'f64' });
    const s = (v: number) => fx.tensor([v], [1, 1], 'f64');
    const p: fx.nn.LayerParams[] = [
      { W: s(2), b: fx.tensor([0.5], [1], 'f64'), a: fx.tensor(0.3, [], 'f64') },
      { W: s(1.5), b: fx.tensor([-0.2], [1], 'f64') },
    ];
    const x = 0.4;
    expect(tiny.apply(p, s(x)).item()).to.be.closeTo(1.5 * Math.tanh(10 * 0.3 * (2 * x + 0.5)) - 0.2, 1e-15);
  });

  it('GAAF: one slope shared by every activated layer', () => {
    const net = nn.buildNetwork({ type: 'mlp', hidden: [1, 1], adaptiveActivation: { kind: 'gaaf', scale: 4 } }, 1, 1, { dtype: 'f64' });
    const q = net.params as { body: unknown[]; a: fx.Tensor };
    expect(q.a.item()).to.equal(0.25);
    const s = (v: number) => fx.tensor([v], [1, 1], 'f64');
    const b = (v: number) => fx.tensor([v], [1], 'f64');
    const p = {
      body: [
        { W: s(0.5), b: b(0.1) },
        { W: s(-2), b: b(0) },
        { W: s(3), b: b(1) },
      ],
      a: fx.tensor(0.7, [], 'f64'),
    };
    const x = -0.3;
    const h1 = Math.tanh(4 * 0.7 * (0.5 * x + 0.1));
    const h2 = Math.tanh(4 * 0.7 * (-2 * h1));
    expect(net.apply(p, s(x)).item()).to.be.closeTo(3 * h2 + 1, 1e-15);
  });

  it('ResNet block h + act(act(h W1 + b1) W2 + b2) and PFNN (one MLP per output) on hand weights', () => {
    const s = (v: number) => fx.tensor([v], [1, 1], 'f64');
    const b = (v: number) => fx.tensor([v], [1], 'f64');
    const rn = nn.buildNetwork({ type: 'resnet', hidden: [1] }, 1, 1, { dtype: 'f64' });
    const p = {
      lift: { W: s(0.8), b: b(0.1) },
      blocks: [
        [
          { W: s(-1.2), b: b(0.3) },
          { W: s(0.9), b: b(-0.4) },
        ],
      ],
      out: { W: s(2), b: b(0.5) },
    };
    const x = 0.35;
    const h0 = Math.tanh(0.8 * x + 0.1);
    const h1 = h0 + Math.tanh(0.9 * Math.tanh(-1.2 * h0 + 0.3) - 0.4);
    expect(rn.apply(p, s(x)).item()).to.be.closeTo(2 * h1 + 0.5, 1e-15);

    const pf = nn.buildNetwork({ type: 'pfnn', hidden: [1] }, 1, 2, { dtype: 'f64' });
    const q = [
      [
        { W: s(0.5), b: b(0) },
        { W: s(2), b: b(1) },
      ],
      [
        { W: s(-1), b: b(0.2) },
        { W: s(3), b: b(0) },
      ],
    ];
    expect(Array.from(pf.apply(q, s(x)).dataSync())).to.deep.equal([2 * Math.tanh(0.5 * x) + 1, 3 * Math.tanh(-x + 0.2)]);
  });

  it('weight factorization: V diag(exp(s)) is the Glorot matrix at initialisation, s ~ N(mu, sigma)', () => {
    const plain = nn.buildNetwork({ type: 'mlp', hidden: [64] }, 64, 64, { seed: 5, dtype: 'f64' });
    const fac = nn.buildNetwork({ type: 'mlp', hidden: [64], weightFactorization: { mu: 1, sigma: 0.1 } }, 64, 64, {
      seed: 5,
      dtype: 'f64',
    });
    const l0 = (plain.params as Array<{ W: fx.Tensor }>)[0];
    const f0 = (fac.params as Array<{ s: fx.Tensor; V: fx.Tensor }>)[0];
    expect(relErr(fx.mul(f0.V, fx.exp(f0.s)).dataSync(), l0.W.dataSync())).to.be.below(1e-14);
    const s = Array.from(f0.s.dataSync());
    const mean = s.reduce((a, v) => a + v, 0) / s.length;
    const sd = Math.sqrt(s.reduce((a, v) => a + (v - mean) ** 2, 0) / s.length);
    expect(mean).to.be.closeTo(1, 0.04);
    expect(sd).to.be.closeTo(0.1, 0.03);
    expect(
      relErr(fac.apply(fac.params, fx.ones([2, 64], 'f64')).dataSync(), plain.apply(plain.params, fx.ones([2, 64], 'f64')).dataSync()),
    ).to.be.below(1e-13);
  });

  it('initialisers: Glorot / He variances and uniform bounds', () => {
    const stats = (kind: fx.nn.InitKind) => {
      const w = Array.from(nn.initWeights(kind, 200, 100, 11, 'f64').dataSync());
      return { sd: Math.sqrt(w.reduce((a, v) => a + v * v, 0) / w.length), max: Math.max(...w.map(Math.abs)) };
    };
    expect(stats('glorot-normal').sd).to.be.closeTo(Math.sqrt(2 / 300), 0.002);
    expect(stats('he-normal').sd).to.be.closeTo(Math.sqrt(2 / 200), 0.002);
    const gu = stats('glorot-uniform');
    expect(gu.max)
      .to.be.below(Math.sqrt(6 / 300))
      .and.above(0.99 * Math.sqrt(6 / 300));
    const hu = stats('he-uniform');
    expect(hu.max)
      .to.be.below(Math.sqrt(6 / 200))
      .and.above(0.99 * Math.sqrt(6 / 200));
    expect(hu.sd).to.be.closeTo(Math.sqrt(2 / 200), 0.002);
  });

  it('Fourier features: gamma(x) = [cos(2 pi x B), sin(2 pi x B)] with a fixed seeded B, not among the parameters', () => {
    const ff = nn.fourierFeatures({ count: 3, sigma: 2 }, 2, 9, 'f64');
    const B = ff.B.dataSync();
    const x = [0.3, -0.7];
    const y = ff.apply(fx.tensor(x, [1, 2], 'f64')).dataSync();
    for (let k = 0; k < 3; k++) {
      const z = 2 * Math.PI * (x[0] * B[k] + x[1] * B[3 + k]);
      expect(y[k]).to.be.closeTo(Math.cos(z), 1e-14);
      expect(y[3 + k]).to.be.closeTo(Math.sin(z), 1e-14);
    }
    const net = nn.buildNetwork({ type: 'mlp', hidden: [4], fourierFeatures: { count: 3 } }, 2, 1, { dtype: 'f64' });
    expect((net.params as Array<{ W: fx.Tensor }>).map((l) => l.W.shape)).to.deep.equal([
      [6, 4],
      [4, 1],
    ]);
  });

  it('periodic inputs: output, first and second x-derivatives agree at x = a and x = a + P', () => {
    for (const [type, P, harmonics] of [
      ['mlp', 2 * Math.PI, 1],
      ['modified-mlp', 2, 2],
    ] as const) {
      const net = nn.buildNetwork({ type, hidden: [8, 8], periodic: [{ axis: 0, period: P, harmonics }] }, 2, 1, { seed: 4, dtype: 'f64' });
      const f = (x: fx.Tensor) => net.apply(net.params, x);
      const a = [-0.37, 0.2, 1.1];
      const at = (shift: number) => x64(a.map((v, i) => [v + shift, 0.3 * i - 0.2]));
      for (const mi of [
        [0, 0],
        [1, 0],
        [2, 0],
        [1, 1],
      ]) {
        const lo = mi[0] + mi[1] === 0 ? f(at(0)).dataSync() : fx.derivative(f, at(0), mi).dataSync();
        const hi = mi[0] + mi[1] === 0 ? f(at(P)).dataSync() : fx.derivative(f, at(P), mi).dataSync();
        expect(relErr(hi, lo), `${type} d${mi}`).to.be.below(1e-12);
      }
      // and it is not trivially constant in x
      expect(Math.abs(fx.derivative(f, at(0), [1, 0]).dataSync()[0])).to.be.above(1e-4);
    }
  });

  it('seeded: the same seed gives the same parameters, another seed others', () => {
    for (const spec of Object.values(SPECS)) {
      const a = flattenTree(nn.buildNetwork(spec, 2, 2, { seed: 1, dtype: 'f64' }).params, 'f64');
      const b = flattenTree(nn.buildNetwork(spec, 2, 2, { seed: 1, dtype: 'f64' }).params, 'f64');
      const c = flattenTree(nn.buildNetwork(spec, 2, 2, { seed: 2, dtype: 'f64' }).params, 'f64');
      expect(Array.from(a)).to.deep.equal(Array.from(b));
      expect(relErr(c, a)).to.be.above(0.1);
    }
    const f1 = nn.fourierFeatures({ count: 4 }, 2, 1, 'f64').B.dataSync();
    const f2 = nn.fourierFeatures({ count: 4 }, 2, 2, 'f64').B.dataSync();
    expect(relErr(f1, f2)).to.be.above(0.1);
  });

  it('bad options name the option and the expectation', () => {
    const bad: Array<[Spec, RegExp]> = [
      [{ type: 'cnn' as 'mlp', hidden: [4] }, /network\.type: expected one of mlp, modified-mlp, resnet, pfnn, got 'cnn'/],
      [{ type: 'mlp', hidden: [4, 0] }, /network\.hidden: expected a list of positive integer widths/],
      [{ type: 'modified-mlp', hidden: [4, 5] }, /network\.hidden: modified-mlp needs equal widths, got \[4, 5\]/],
      [{ type: 'modified-mlp', hidden: [4] }, /network\.hidden: modified-mlp needs at least 2 layers/],
      [{ type: 'resnet', hidden: [4, 3] }, /network\.hidden: resnet needs equal widths/],
      [{ type: 'mlp', hidden: [4], init: 'lecun' as 'he-normal' }, /network\.init: expected one of glorot-normal/],
      [{ type: 'mlp', hidden: [4], activation: 'elu' as 'tanh' }, /network\.activation: expected one of tanh/],
      [{ type: 'mlp', hidden: [4], fourierFeatures: { count: 0 } }, /network\.fourierFeatures\.count: expected a positive integer, got 0/],
      [
        { type: 'mlp', hidden: [4], fourierFeatures: { count: 4, sigma: -1 } },
        /network\.fourierFeatures\.sigma: expected a positive number/,
      ],
      [
        { type: 'mlp', hidden: [4], adaptiveActivation: { kind: 'naaf' as 'laaf' } },
        /network\.adaptiveActivation\.kind: expected 'laaf' or 'gaaf', got 'naaf'/,
      ],
      [
        { type: 'mlp', hidden: [4], adaptiveActivation: { kind: 'laaf', scale: 0 } },
        /network\.adaptiveActivation\.scale: expected a positive number, got 0/,
      ],
      [
        { type: 'mlp', hidden: [4], weightFactorization: { sigma: -0.1 } },
        /network\.weightFactorization: expected a finite mu and sigma >= 0/,
      ],
      [
        { type: 'mlp', hidden: [4], periodic: [{ axis: 2, period: 1 }] },
        /network\.periodic\[0\]\.axis: expected an input column 0\.\.1, got 2/,
      ],
      [
        { type: 'mlp', hidden: [4], periodic: [{ axis: 0, period: 0 }] },
        /network\.periodic\[0\]\.period: expected a positive number, got 0/,
      ],
      [
        { type: 'mlp', hidden: [4], periodic: [{ axis: 0, period: 1, harmonics: 1.5 }] },
        /network\.periodic\[0\]\.harmonics: expected a positive integer/,
      ],
    ];
    for (const [spec, re] of bad) expect(() => nn.buildNetwork(spec, 2, 1), JSON.stringify(spec)).to.throw(re);
  });
});
