import { expect } from 'chai';
import { NumpyRandomState } from '../../solvers/numpyRandom.js';

// Expected values printed by NumPy 2.4.6 (legacy np.random.seed / rand / randn), an independent implementation.
describe('solvers/numpyRandom', () => {
  it('matches np.random.seed(0); np.random.rand(3) exactly', () => {
    const r = new NumpyRandomState(0);
    expect(Array.from(r.rand(3))).to.deep.equal([0.5488135039273248, 0.7151893663724195, 0.6027633760716439]);
  });

  it('matches np.random.seed(0); np.random.randn(3) exactly (polar Box-Muller with the cached value)', () => {
    const r = new NumpyRandomState(0);
    expect(Array.from(r.randn(3))).to.deep.equal([1.764052345967664, 0.4001572083672233, 0.9787379841057392]);
  });

  it('interleaves rand and randn on one stream as NumPy does (seed 20220722)', () => {
    const r = new NumpyRandomState(20220722);
    expect(Array.from(r.rand(2))).to.deep.equal([0.8395316056132536, 0.8276412707524037]);
    expect(Array.from(r.randn(3))).to.deep.equal([-0.4094101531026632, -0.9090384993258345, -0.6912196143353215]);
    expect(Array.from(r.rand(1))).to.deep.equal([0.6805168063554009]);
  });

  it('crosses the 624-word regeneration boundary (seed 1, the 1000th draw)', () => {
    const x = new NumpyRandomState(1).rand(1000);
    expect(x[999]).to.equal(0.7744772660150796);
  });

  it('seeds with the largest integer and with an array (init_by_array)', () => {
    expect(Array.from(new NumpyRandomState(4294967295).rand(2))).to.deep.equal([0.0976320289940138, 0.9123828453026218]);
    expect(Array.from(new NumpyRandomState([1, 2, 3]).rand(2))).to.deep.equal([0.6098612722867289, 0.8866970434146851]);
  });

  it('gives the reference MT19937 first output for seed 5489', () => {
    // Matsumoto and Nishimura's mt19937ar.c with init_genrand(5489) prints 3499211612 first.
    expect(new NumpyRandomState(5489).nextUint32()).to.equal(3499211612);
  });

  it('rejects a seed NumPy rejects, naming the value', () => {
    expect(() => new NumpyRandomState(-1)).to.throw(/seed must be an integer in \[0, 2\^32 - 1\], got -1/);
    expect(() => new NumpyRandomState(1.5)).to.throw(/got 1.5/);
    expect(() => new NumpyRandomState([])).to.throw(/must not be empty/);
  });
});
