import { expect } from 'chai';
import { WasmHeap, ALIGN } from '../../core/wasm/allocator.js';

describe('wasm/allocator WasmHeap', () => {
  const fresh = () => new WasmHeap(new WebAssembly.Memory({ initial: 1, maximum: 1024, shared: true }));

  it('returns aligned, non-overlapping blocks and reuses freed space', () => {
    const h = fresh();
    const a = h.alloc(10),
      b = h.alloc(100),
      c = h.alloc(1);
    for (const p of [a, b, c]) expect(p % ALIGN).to.equal(0);
    expect(b).to.be.at.least(a + 10);
    expect(c).to.be.at.least(b + 100);
    h.free(b);
    expect(h.alloc(64)).to.equal(b); // first fit into the hole
    expect(h.stats.liveBlocks).to.equal(3);
  });

  it('coalesces neighbours and lowers the top when the last block is freed', () => {
    const h = fresh();
    const top0 = h.stats.top;
    const ps = [h.alloc(64), h.alloc(64), h.alloc(64), h.alloc(64)];
    h.free(ps[1]);
    h.free(ps[2]);
    expect(h.stats.freeBlocks).to.equal(1);
    expect(h.alloc(128)).to.equal(ps[1]);
    h.free(ps[1]);
    h.free(ps[3]);
    h.free(ps[0]);
    expect(h.stats).to.include({ liveBlocks: 0, freeBlocks: 0, top: top0, liveBytes: 0 });
  });

  it('grows the memory and keeps earlier contents', () => {
    const h = fresh();
    const a = h.alloc(16);
    new Float32Array(h.memory.buffer, a, 4).set([1, 2, 3, 4]);
    const big = h.alloc(5 * 65536);
    expect(h.memory.buffer.byteLength).to.be.at.least(big + 5 * 65536);
    expect(Array.from(new Float32Array(h.memory.buffer, a, 4))).to.deep.equal([1, 2, 3, 4]);
  });

  it('rejects double free, unknown pointers and bad sizes', () => {
    const h = fresh();
    const a = h.alloc(8);
    h.free(a);
    expect(() => h.free(a)).to.throw(/not a live allocation/);
    expect(() => h.alloc(-1)).to.throw(/bytes must be a non-negative integer/);
    expect(() => h.alloc(1.5)).to.throw(/got 1.5/);
  });

  it('throws a clear error when the memory cannot grow', () => {
    const h = new WasmHeap(new WebAssembly.Memory({ initial: 1, maximum: 2, shared: true }));
    expect(() => h.alloc(4 * 65536)).to.throw(/cannot grow wasm memory/);
  });
});
