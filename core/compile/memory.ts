// Buffer planning: every materialised value gets a byte range in one arena; values whose lifetimes do
// not overlap share memory (greedy by size, first fit), so a compiled step allocates nothing.
export interface Lifetime {
  bytes: number;
  first: number; // step that writes it (-1: before the first step)
  last: number; // last step that reads it (Infinity: read after the run)
}

const ALIGN = 64; // SIMD loads and cache lines

export function planOffsets(items: readonly Lifetime[]): { offsets: number[]; total: number } {
  const order = items.map((_, i) => i).sort((a, b) => items[b].bytes - items[a].bytes);
  const placed: Array<{ start: number; end: number; item: Lifetime }> = [];
  const offsets = new Array<number>(items.length);
  let total = 0;
  for (const i of order) {
    const it = items[i];
    const size = Math.ceil(Math.max(it.bytes, 1) / ALIGN) * ALIGN;
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
