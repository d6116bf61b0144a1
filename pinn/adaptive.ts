// Residual-based adaptive sampling of the PDE points (Wu et al. 2023, "A comprehensive study of non-adaptive
// and residual-based adaptive sampling for PINNs"). Every `every` steps a fresh candidate set is drawn and its
// |PDE residual| evaluated; then
//   rar-g: the `add` candidates of largest residual join the PDE points (greedy RAR, Lu et al.),
//   rar-d: `add` candidates drawn with p ~ |r|^k / mean(|r|^k) + c join them,
//   rad:   the PDE points are replaced by a draw of as many candidates with that same p.
// Draws are a pure function of (seed, step), and the point set is part of the trainer's checkpoint.
import { hashSeed } from '../core/random.js';
import { rarDSelect, rarSelect } from '../meshes/rar.js';

export type AdaptiveMethod = 'rar-g' | 'rar-d' | 'rad';
export const ADAPTIVE_METHODS: readonly AdaptiveMethod[] = ['rar-g', 'rar-d', 'rad'];

export interface AdaptiveOptions {
  method: AdaptiveMethod;
  /** refine every this many steps (the first refinement after step `every`) */
  every: number;
  /** fresh candidate points per refinement */
  candidates: number;
  /** points added per refinement (rar-g, rar-d; default 100) */
  add?: number;
  /** exponent on |r| (rar-d, rad; default 1) */
  k?: number;
  /** additive constant keeping low-residual regions sampled (rar-d, rad; default 1) */
  c?: number;
}

/** The checkpointed point set: points added so far, and RAD's current replacement set (null before the first). */
export interface AdaptiveState {
  added: number[];
  replaced: number[] | null;
}

const posInt = (v: unknown): boolean => typeof v === 'number' && Number.isInteger(v) && v > 0;

/** Checks options against the PDE point count `domainPoints` (RAD draws that many distinct candidates). */
export function checkAdaptive(o: AdaptiveOptions, domainPoints: number, where = 'adaptive'): void {
  if (!ADAPTIVE_METHODS.includes(o.method))
    throw new Error(`${where}.method: expected one of ${ADAPTIVE_METHODS.join(', ')}, got '${String(o.method)}'`);
  for (const key of ['every', 'candidates'] as const)
    if (!posInt(o[key])) throw new Error(`${where}.${key}: expected a positive integer, got ${String(o[key])}`);
  if (o.add !== undefined && !posInt(o.add)) throw new Error(`${where}.add: expected a positive integer, got ${String(o.add)}`);
  if (o.method !== 'rad' && (o.add ?? 100) > o.candidates)
    throw new Error(`${where}.add: expected at most candidates (${o.candidates}), got ${o.add ?? 100}`);
  if (o.method === 'rad' && o.candidates < domainPoints)
    throw new Error(`${where}.candidates: expected at least the ${domainPoints} PDE points that RAD redraws, got ${o.candidates}`);
  for (const key of ['k', 'c'] as const) {
    const v = o[key];
    if (v !== undefined && !(v >= 0 && Number.isFinite(v)))
      throw new Error(`${where}.${key}: expected a finite non-negative number, got ${String(v)}`);
  }
}

export class AdaptivePoints {
  private added: number[] = [];
  private replaced: Float64Array | null = null;
  /** bumped whenever the point set changes (the trainer's batch cache key) */
  version = 0;

  constructor(
    readonly options: AdaptiveOptions,
    private readonly seed: number,
    private readonly domainPoints: number,
  ) {
    checkAdaptive(options, domainPoints);
  }

  /** Whether step `step` (0-based, before it runs) refines first. */
  due(step: number): boolean {
    return step > 0 && step % this.options.every === 0;
  }

  /**
   * One refinement at `step`: `sample(n, seed)` draws n candidate points (row-major), `residualAbs` gives
   * |PDE residual| at them.
   */
  refine(
    step: number,
    dim: number,
    sample: (n: number, seed: number) => Float64Array,
    residualAbs: (pts: Float64Array) => Float64Array,
  ): void {
    const o = this.options;
    // rar-g keeps the trainer's original candidate seed, so existing RAR runs draw what they drew before
    const seed = hashSeed(this.seed * 31 + step + 0x5bd1e995);
    const cand = { data: sample(o.candidates, seed), dim };
    const abs = residualAbs(cand.data);
    const dOpts = { power: o.k ?? 1, c: o.c ?? 1, seed: hashSeed(seed + 0x632be5ab) };
    if (o.method === 'rar-g') this.added.push(...rarSelect(cand, abs, o.add ?? 100).points.data);
    else if (o.method === 'rar-d') this.added.push(...rarDSelect(cand, abs, o.add ?? 100, dOpts).points.data);
    else this.replaced = rarDSelect(cand, abs, this.domainPoints, dOpts).points.data;
    this.version++;
  }

  /** The PDE points: the drawn `base` (or RAD's set once it exists) followed by the added points. */
  apply(base: Float64Array): Float64Array {
    const head = this.replaced ?? base;
    if (!this.added.length) return head;
    const x = new Float64Array(head.length + this.added.length);
    x.set(head);
    x.set(this.added, head.length);
    return x;
  }

  state(): AdaptiveState {
    return { added: this.added.slice(), replaced: this.replaced ? Array.from(this.replaced) : null };
  }

  load(s: Partial<AdaptiveState> | undefined): void {
    this.added = Array.isArray(s?.added) ? s.added.slice() : [];
    this.replaced = Array.isArray(s?.replaced) ? Float64Array.from(s.replaced) : null;
    this.version++;
  }
}
