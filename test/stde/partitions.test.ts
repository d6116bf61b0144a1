// Faa di Bruno partitions over jet input slots, automatic slot patterns, and mixed partials from one jet.
import { expect } from 'chai';
import * as fx from '../../index.js';
import { faaDiBrunoWeight, jetPartial, partitionsInto, slotPattern } from '../../core/stde.js';
import { points, testFunction } from './helpers.js';

describe('stde: partitions and mixed partials', () => {
  it('partitionsInto has the known counts: p(k) with all parts, floor(k/2)+1 with {1,2}, one for 5 = 2+3', () => {
    const p = [1, 1, 2, 3, 5, 7, 11, 15, 22, 30, 42];
    for (let k = 1; k <= 10; k++)
      expect(
        partitionsInto(
          k,
          Array.from({ length: k }, (_, i) => i + 1),
        ).length,
        `p(${k})`,
      ).to.equal(p[k]);
    for (let k = 0; k <= 9; k++) expect(partitionsInto(k, [1, 2]).length).to.equal(Math.floor(k / 2) + 1);
    expect(partitionsInto(5, [2, 3])).to.deep.equal([[1, 1]]);
    expect(partitionsInto(3, [1, 2])).to.deep.equal([
      [1, 1],
      [3, 0],
    ]);
    expect(partitionsInto(7, [2, 4])).to.deep.equal([]);
    expect(() => partitionsInto(4, [2, 2])).to.throw(/distinct positive integers/);
  });

  it('Faa di Bruno weights over all partitions of k sum to the Bell number (all set partitions)', () => {
    const bell = [1, 1, 2, 5, 15, 52, 203, 877];
    for (let k = 1; k <= 7; k++) {
      const parts = Array.from({ length: k }, (_, i) => i + 1);
      const total = partitionsInto(k, parts).reduce((s, m) => s + faaDiBrunoWeight(parts, m), 0);
      expect(total, `B(${k})`).to.equal(bell[k]);
    }
    expect(faaDiBrunoWeight([2, 3], [1, 1])).to.equal(10); // 5!/(2! 3!)
    expect(faaDiBrunoWeight([1, 2], [1, 1])).to.equal(3);
  });

  it('slotPattern finds the lowest single-partition jet order', () => {
    expect(slotPattern([3, 0])).to.deep.equal({ coords: [0], slots: [1], order: 3 });
    const p11 = slotPattern([0, 1, 1]);
    expect(p11.order).to.equal(5);
    expect([...p11.slots].sort()).to.deep.equal([2, 3]);
    const p21 = slotPattern([2, 1]);
    expect(p21).to.deep.equal({ coords: [0, 1], slots: [2, 3], order: 7 });
    expect(partitionsInto(p21.order, p21.slots)).to.deep.equal([[2, 1]]);
    const p111 = slotPattern([1, 1, 1]);
    expect(partitionsInto(p111.order, p111.slots)).to.have.length(1);
  });

  const d = 3;
  const f = testFunction(d, 8);
  const x = points(4, d, 9);

  it('the order-3 output of a jet with e_0 in slot 1, e_1 in slot 2 is f_000 + 3 f_01 (partitions 1+1+1 and 1+2)', () => {
    const e = (i: number) =>
      fx.tensor(
        Array.from({ length: 4 * d }, (_, k) => (k % d === i ? 1 : 0)),
        [4, d],
        'f64',
      );
    const y3 = fx.jet(f, x, [e(0), e(1), null])[1][2].dataSync();
    const f000 = fx.derivative(f, x, [3, 0, 0]).dataSync();
    const f01 = fx.derivative(f, x, [1, 1, 0]).dataSync();
    y3.forEach((v, n) => expect(v).to.be.closeTo(f000[n] + 3 * f01[n], 1e-10));
  });

  it('jetPartial with automatic slots matches fx.derivative (polarization) for several mixed multi-indices', () => {
    for (const a of [
      [1, 1, 0],
      [0, 1, 1],
      [2, 1, 0],
      [1, 0, 2],
      [1, 1, 1],
      [0, 3, 0],
      [2, 2, 0],
    ]) {
      const want = fx.derivative(f, x, a).dataSync();
      const got = jetPartial(f, x, a).dataSync();
      got.forEach((v, n) => expect(v, `[${a}] point ${n}`).to.be.closeTo(want[n], 1e-8 * (1 + Math.abs(want[n]))));
    }
  });

  it('contaminated patterns are rejected with the extra partitions named, or corrected', () => {
    expect(() => jetPartial(f, x, [1, 1, 0], { slots: [1, 2] })).to.throw(
      /slot pattern \{e_0 in slot 1, e_1 in slot 2\} read at order 3 has extra partitions 1\+1\+1 besides 1\+2/,
    );
    expect(() => jetPartial(f, x, [1, 1, 0], { slots: [1, 3] })).to.throw(/extra partitions 1\+1\+1\+1 besides 1\+3/);
    for (const [a, slots] of [
      [
        [1, 1, 0],
        [1, 2],
      ],
      [
        [1, 1, 0],
        [1, 3],
      ],
      [
        [0, 1, 2],
        [2, 1],
      ],
      [
        [1, 1, 1],
        [1, 2, 3],
      ],
    ] as const) {
      const want = fx.derivative(f, x, [...a]).dataSync();
      const got = jetPartial(f, x, [...a], { slots: [...slots], contaminated: 'correct' }).dataSync();
      got.forEach((v, n) => expect(v, `[${a}] slots [${slots}]`).to.be.closeTo(want[n], 1e-8 * (1 + Math.abs(want[n]))));
    }
    expect(() => jetPartial(f, x, [1, 1, 0], { slots: [2, 2] })).to.throw(/distinct positive integers/);
    expect(() => jetPartial(f, x, [1, 1])).to.throw(/must hold 3 non-negative integers/);
  });
});
