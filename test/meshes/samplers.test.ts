import { expect } from 'chai';
import {
  createSampler,
  hammersleyPoints,
  rectangle,
  haltonPoints,
  l2StarDiscrepancySq,
  latinHypercube,
  sampleUnitCube,
  sobolPoints,
  SOBOL_MAX_DIM,
  radicalInverse,
} from '../../meshes/index.js';

describe('meshes/samplers', () => {
  it('Sobol first points match the Joe-Kuo / SciPy unscrambled sequence', () => {
    const p = sobolPoints(8, 3);
    const expected = [
      [0, 0, 0],
      [0.5, 0.5, 0.5],
      [0.75, 0.25, 0.25],
      [0.25, 0.75, 0.75],
      [0.375, 0.375, 0.625],
      [0.875, 0.875, 0.125],
      [0.625, 0.125, 0.875],
      [0.125, 0.625, 0.375],
    ];
    expect(Array.from(p)).to.deep.equal(expected.flat());
  });

  it('Sobol supports at least 21 dimensions and every 1D projection of 2^m points is a (0,m,1)-net', () => {
    expect(SOBOL_MAX_DIM).to.be.at.least(21);
    const m = 6;
    const n = 1 << m;
    const d = 21;
    const p = sobolPoints(n, d);
    for (let k = 0; k < d; k++) {
      const bins = new Uint8Array(n);
      for (let i = 0; i < n; i++) bins[Math.floor(p[i * d + k] * n)]++;
      expect(
        Array.from(bins).every((c) => c === 1),
        `dim ${k}`,
      ).to.equal(true);
    }
    // 2D projections of Joe-Kuo numbers are (t,m,2)-nets with small t: dims (0,20) with 2^m pts
    // fill every 2^a x 2^(m-t-a) box; check the weaker property of no duplicate points.
    const seen = new Set<string>();
    for (let i = 0; i < n; i++) seen.add(`${p[i * d]},${p[i * d + 20]}`);
    expect(seen.size).to.equal(n);
    expect(() => sobolPoints(1, SOBOL_MAX_DIM + 1)).to.throw(/sobol dim/);
  });

  it('Halton uses radical inverses in prime bases', () => {
    expect(radicalInverse(6, 2)).to.equal(0.375);
    expect(radicalInverse(5, 3)).to.be.closeTo(7 / 9, 1e-15);
    const h = haltonPoints(4, 2, 1);
    expect(Array.from(h)).to.deep.equal([0.5, 1 / 3, 0.25, 2 / 3, 0.75, 1 / 9, 0.125, 4 / 9]);
  });

  it('low-discrepancy sequences beat uniform random on L2 star discrepancy', () => {
    const n = 256;
    const d = 3;
    const disc = (kind: 'uniform' | 'lhs' | 'halton' | 'sobol') => Math.sqrt(l2StarDiscrepancySq(sampleUnitCube(n, d, kind, 0), d));
    let uniformMean = 0;
    for (let s = 1; s <= 5; s++) uniformMean += Math.sqrt(l2StarDiscrepancySq(sampleUnitCube(n, d, 'uniform', s), d)) / 5;
    expect(disc('sobol')).to.be.lessThan(uniformMean / 3);
    expect(disc('halton')).to.be.lessThan(uniformMean / 3);
    expect(disc('lhs')).to.be.lessThan(uniformMean);
  });

  it('Latin hypercube puts exactly one point in each stratum of each axis', () => {
    const n = 50;
    const d = 4;
    const p = latinHypercube(n, d, 7);
    for (let k = 0; k < d; k++) {
      const bins = new Uint8Array(n);
      for (let i = 0; i < n; i++) bins[Math.floor(p[i * d + k] * n)]++;
      expect(Array.from(bins).every((c) => c === 1)).to.equal(true);
    }
  });

  it('is reproducible from the seed and continues a stream', () => {
    expect(Array.from(sampleUnitCube(10, 2, 'uniform', 3))).to.deep.equal(Array.from(sampleUnitCube(10, 2, 'uniform', 3)));
    expect(Array.from(sampleUnitCube(10, 2, 'uniform', 3))).to.not.deep.equal(Array.from(sampleUnitCube(10, 2, 'uniform', 4)));
    const s = createSampler('sobol', 2);
    const a = s.next(3);
    const b = s.next(2);
    expect([...a, ...b]).to.deep.equal(Array.from(sobolPoints(5, 2, 1)));
    const shifted = sampleUnitCube(100, 2, 'sobol', 5);
    expect(shifted.every((v) => v >= 0 && v < 1)).to.equal(true);
    expect(() => sampleUnitCube(3, 2, 'bogus' as 'uniform')).to.throw(/sampler: expected one of/);
  });

  it('Hammersley: first coordinate exactly i/n, the others radical inverses in 2, 3, ...; distinct points of low discrepancy', () => {
    const n = 256;
    const d = 3;
    const p = hammersleyPoints(n, d);
    for (let i = 0; i < n; i++) {
      expect(p[i * d]).to.equal(i / n);
      expect(p[i * d + 1]).to.equal(radicalInverse(i + 1, 2));
      expect(p[i * d + 2]).to.equal(radicalInverse(i + 1, 3));
    }
    expect(p.every((v) => v >= 0 && v < 1)).to.equal(true);
    expect(new Set(Array.from({ length: n }, (_, i) => Array.from(p.subarray(i * d, (i + 1) * d)).join(','))).size).to.equal(n);
    let uniformMean = 0;
    for (let s = 1; s <= 5; s++) uniformMean += Math.sqrt(l2StarDiscrepancySq(sampleUnitCube(n, d, 'uniform', s), d)) / 5;
    expect(Math.sqrt(l2StarDiscrepancySq(sampleUnitCube(n, d, 'hammersley', 0), d))).to.be.lessThan(uniformMean / 3);
    // through a geometry: in the box, distinct, and seeded draws are shifted copies
    const q = rectangle([-1, 2], [3, 4]).sampleInterior(100, 'hammersley', 7).data;
    for (let i = 0; i < 100; i++) {
      expect(q[2 * i]).to.be.within(-1, 3);
      expect(q[2 * i + 1]).to.be.within(2, 4);
    }
    expect(new Set(Array.from({ length: 100 }, (_, i) => `${q[2 * i]},${q[2 * i + 1]}`)).size).to.equal(100);
  });
});
