import { expect } from 'chai';
import { Mulberry32, mulberry32, hashSeed, permutation, shuffleInPlace, uniformAt, sampleInto, Rng, boxMuller } from '../../core/random.js';
import * as meshes from '../../meshes/index.js';

// core/random.ts holds both generators of the library (counter-based and mulberry32); meshes/, optim/, sim/
// and the solvers import them, so their streams are pinned here: checkpoints and seeded results depend on them.
describe('core/random: counter-based streams', () => {
  // values recorded from core/random.ts before meshes/rng.ts was merged into it
  it('uniformAt is a pure function of (key, i, lane)', () => {
    expect([uniformAt(0, 0), uniformAt(7, 3), uniformAt(7, 3, 1), uniformAt(-5, 1000)]).to.deep.equal([
      0.6813889109698188, 0.8038003568077836, 0.6225170352027154, 0.7387572338614863,
    ]);
  });

  it('sampleInto draws normals by Box-Muller on two lanes, rademacher signs by thresholding', () => {
    expect(Array.from(sampleInto('normal', 11, 3, 'f64'))).to.deep.equal([1.3642321519699656, -0.026977193598449037, 0.6461545438504146]);
    expect(sampleInto('normal', 11, 3, 'f64')[1]).to.equal(boxMuller(uniformAt(11, 1, 0), uniformAt(11, 1, 1)));
    expect(Array.from(sampleInto('rademacher', 11, 6, 'f32'))).to.deep.equal([-1, -1, -1, 1, -1, -1]);
  });

  it('Rng draws one counter per call', () => {
    const g = new Rng(3);
    expect([g.uniform(), g.normal(), g.int(10), g.choose(10, 4)]).to.deep.equal([0.13681456650778673, 1.3293183839742182, 9, [8, 7, 3, 1]]);
  });
});

describe('core/random: mulberry32', () => {
  it('meshes/ re-exports the same generator', () => {
    expect(meshes.Mulberry32).to.equal(Mulberry32);
    expect(meshes.permutation).to.equal(permutation);
  });

  it('Mulberry32 reproduces the reference mulberry32 stream for a raw state', () => {
    const g = new Mulberry32(42);
    expect([g.next(), g.next(), g.next()]).to.deep.equal([0.6011037519201636, 0.44829055899754167, 0.8524657934904099]);
  });

  it('normal() is Box-Muller on two consecutive draws', () => {
    const g = new Mulberry32(7);
    const u = new Mulberry32(7);
    const u1 = u.next(),
      u2 = u.next();
    expect(g.normal()).to.equal(Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2));
    expect(new Mulberry32(7).normal()).to.equal(2.759372987028844);
  });

  it('seedState round-trips and resumes the same stream', () => {
    const g = new Mulberry32(3);
    g.next();
    const saved = g.seedState;
    const a = [g.next(), g.next()];
    const h = new Mulberry32(0);
    h.seedState = saved;
    expect([h.next(), h.next()]).to.deep.equal(a);
  });

  it('mulberry32(seed) is the raw generator started at hashSeed(seed)', () => {
    const f = mulberry32(5);
    const g = new Mulberry32(hashSeed(5));
    for (let i = 0; i < 100; i++) expect(f()).to.equal(g.next());
  });

  it('permutation and shuffle draw the same Fisher-Yates swaps', () => {
    const p = permutation(20, mulberry32(9));
    const xs = new Mulberry32(hashSeed(9)).shuffle(Array.from({ length: 20 }, (_, k) => k));
    expect(Array.from(p)).to.deep.equal(xs);
    expect([...p].sort((a, b) => a - b)).to.deep.equal(Array.from({ length: 20 }, (_, k) => k));
    expect(Array.from(shuffleInPlace(new Float64Array([1]), () => 0.5))).to.deep.equal([1]);
  });

  it('rejects a non-finite state', () => {
    expect(() => new Mulberry32(Number.NaN)).to.throw('Mulberry32: state must be a finite number, got NaN');
  });
});
