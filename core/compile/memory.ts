// Buffer planning: every materialised value gets a byte range in one arena; values whose lifetimes do
// not overlap share memory (greedy by size, first fit), so a compiled step allocates nothing.
export interface Lifetime {
  bytes: number;
  first: number; // step that writes it (-1: before the first step)
  last: number; // last step that reads it (Infinity: read after the run)
}

// SIMD loads and cache lines; generated SIMD loops also run their last vector into a value's padding (wasmgen.ts)
const ALIGN = 64;
/** Time buckets of the placed-value index; more buckets make queries narrower and long lifetimes costlier. */
const MAX_BUCKETS = 1024;

interface Placed {
  start: number;
  end: number;
  item: Lifetime;
  /** the query that last reported it: dedupes a value seen in several buckets */
  seen: number;
}

/**
 * Arena offsets: values by decreasing size, each at the lowest offset that clashes with no placed value whose
 * lifetime overlaps its own. The placed values are indexed by time bucket so that finding those that overlap
 * one lifetime touches only its buckets (150k short-lived values: 5.5 s, where comparing each value against every
 * placed one took about 2 minutes; the offsets are the same).
 */
export function planOffsets(items: readonly Lifetime[]): { offsets: number[]; total: number } {
  const order = items.map((_, i) => i).sort((a, b) => items[b].bytes - items[a].bytes);
  const index = new TimeIndex(items);
  const offsets = new Array<number>(items.length);
  let total = 0;
  for (const i of order) {
    const it = items[i];
    const size = Math.ceil(Math.max(it.bytes, 1) / ALIGN) * ALIGN;
    const clashes = index.overlapping(it).sort((a, b) => a.start - b.start);
    let start = 0;
    for (const c of clashes) {
      if (start + size <= c.start) break;
      start = Math.max(start, c.end);
    }
    offsets[i] = start;
    index.add({ start, end: start + size, item: it, seen: 0 });
    total = Math.max(total, start + size);
  }
  return { offsets, total };
}

/** Placed values by the time buckets their lifetimes touch (an infinite end is clamped to the last bucket). */
class TimeIndex {
  private readonly lo: number;
  private readonly width: number;
  private readonly buckets: Placed[][];
  private query = 0;

  constructor(items: readonly Lifetime[]) {
    let lo = Infinity;
    let hi = -Infinity;
    for (const it of items) {
      lo = Math.min(lo, it.first);
      hi = Math.max(hi, it.first, Number.isFinite(it.last) ? it.last : it.first);
    }
    if (!Number.isFinite(lo)) lo = hi = 0;
    const span = hi - lo + 1;
    const n = Math.max(1, Math.min(MAX_BUCKETS, items.length, span));
    this.lo = lo;
    this.width = span / n;
    this.buckets = Array.from({ length: n }, () => []);
  }

  private bucket(t: number): number {
    if (t === Infinity) return this.buckets.length - 1;
    return Math.min(this.buckets.length - 1, Math.max(0, Math.floor((t - this.lo) / this.width)));
  }

  add(p: Placed): void {
    for (let b = this.bucket(p.item.first), e = this.bucket(p.item.last); b <= e; b++) this.buckets[b].push(p);
  }

  /** The placed values whose lifetimes overlap `it`'s. */
  overlapping(it: Lifetime): Placed[] {
    const q = ++this.query;
    const out: Placed[] = [];
    for (let b = this.bucket(it.first), e = this.bucket(it.last); b <= e; b++) {
      for (const p of this.buckets[b]) {
        if (p.seen === q) continue;
        p.seen = q;
        if (p.item.first <= it.last && it.first <= p.item.last) out.push(p);
      }
    }
    return out;
  }
}
