// Rejection sampling of a region inside a bounding box, streaming one sampler so that
// low-discrepancy sequences stay low-discrepancy after rejection.
import { type BBox, type Points, checkCount, scaleToBox } from '../points.js';
import { createSampler, type SamplerKind } from '../sampling/samplers.js';

const MAX_ROUNDS = 10_000;
/** Candidates drawn without one acceptance before a region is declared empty (an acceptance rate below ~1e-6). */
export const EMPTY_REGION_CANDIDATES = 1 << 20;

export function sampleByRejection(
  n: number,
  box: BBox,
  accept: (p: Points) => Uint8Array,
  sampler: SamplerKind,
  seed: number,
  what: string,
): Points {
  checkCount(n);
  const dim = box.min.length;
  const stream = createSampler(sampler, dim, seed);
  const out = new Float64Array(n * dim);
  let filled = 0;
  let batch = Math.max(64, n);
  let tried = 0;
  for (let round = 0; filled < n; round++) {
    if (round >= MAX_ROUNDS) throw new Error(`${what}: rejection sampling accepted only ${filled}/${n} points; is the region empty?`);
    const cand = { data: scaleToBox(stream.next(batch), box), dim };
    const mask = accept(cand);
    tried += batch;
    if (filled === 0 && tried >= EMPTY_REGION_CANDIDATES && !mask.includes(1)) {
      throw new Error(
        `${what}: rejection sampling accepted none of ${tried} candidates in the bounding box; the region is empty (e.g. a difference that removes everything)`,
      );
    }
    const src = cand.data;
    for (let i = 0; i < batch && filled < n; i++) {
      if (!mask[i]) continue;
      // Plain copy loop: a subarray per point would dominate the cost.
      for (let k = 0; k < dim; k++) out[filled * dim + k] = src[i * dim + k];
      filled++;
    }
    // Size the next batch from the acceptance rate so far, with a 10% margin.
    const rate = Math.max(filled / tried, 1e-3);
    batch = Math.min(Math.ceil(((n - filled) / rate) * 1.1) + 64, 1 << 22);
  }
  return { data: out, dim };
}
