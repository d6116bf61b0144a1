import { expect } from 'chai';
import fc from 'fast-check';
import { type Lifetime, planOffsets } from '../../../core/compile/memory.js';

/** The planner before its time index: every placed value is checked against each new one (quadratic). */
function referencePlan(items: readonly Lifetime[]): { offsets: number[]; total: number } {
  const order = items.map((_, i) => i).sort((a, b) => items[b].bytes - items[a].bytes);
  const placed: Array<{ start: number; end: number; item: Lifetime }> = [];
  const offsets = new Array<number>(items.length);
  let total = 0;
  for (const i of order) {
    const it = items[i];
    const size = Math.ceil(Math.max(it.bytes, 1) / 64) * 64;
    const clashes = placed.filter((p) => p.item.first <= it.last && it.first <= p.item.last).sort((a, b) => a.start - b.start);
    let start = 0;
    for (const c of clashes) {
      if (start + size <= c.start) break;
      start = Math.max(start, c.end);
    }
    offsets[i] = start;
    placed.push({ start, end: start + size, item: it });
    total = Math.max(total, start + size);
  }
  return { offsets, total };
}

const lifetime = fc
  .record({
    bytes: fc.integer({ min: 0, max: 5000 }),
    first: fc.integer({ min: -1, max: 300 }),
    len: fc.integer({ min: 0, max: 60 }),
    forever: fc.boolean(),
  })
  .map(({ bytes, first, len, forever }): Lifetime => ({ bytes, first, last: forever && len % 7 === 0 ? Infinity : first + len }));

/** True when two placed values that live at the same time share a byte. */
function overlapsInMemory(items: readonly Lifetime[], offsets: readonly number[]): boolean {
  for (let i = 0; i < items.length; i++)
    for (let j = i + 1; j < items.length; j++) {
      const live = items[i].first <= items[j].last && items[j].first <= items[i].last;
      const bi = Math.max(items[i].bytes, 1);
      const bj = Math.max(items[j].bytes, 1);
      if (live && offsets[i] < offsets[j] + bj && offsets[j] < offsets[i] + bi) return true;
    }
  return false;
}

describe('core/compile/memory: arena planning', () => {
  it('gives the same offsets as the quadratic first-fit planner (random lifetimes)', () => {
    fc.assert(
      fc.property(fc.array(lifetime, { maxLength: 400 }), (items) => {
        expect(planOffsets(items)).to.deep.equal(referencePlan(items));
      }),
      { seed: 7, numRuns: 150 },
    );
  });

  it('never lets two values alive at once share memory', () => {
    fc.assert(
      fc.property(fc.array(lifetime, { maxLength: 150 }), (items) => {
        const { offsets, total } = planOffsets(items);
        expect(overlapsInMemory(items, offsets)).to.equal(false);
        items.forEach((it, i) => expect(offsets[i] + Math.max(it.bytes, 1)).to.be.at.most(total));
      }),
      { seed: 11, numRuns: 100 },
    );
  });

  it('reuses memory along a chain of short-lived values (a long unrolled graph)', () => {
    // 20k values, each written at step i and read at step i + 1: two buffers suffice
    const chain: Lifetime[] = Array.from({ length: 20000 }, (_, i) => ({ bytes: 4096, first: i, last: i + 1 }));
    const { total } = planOffsets(chain);
    expect(total).to.equal(2 * 4096);
  });
});
