// Strong-Wolfe line search (Nocedal & Wright, Algorithms 3.5 and 3.6) with cubic-interpolation
// zoom. phi(a) = f(x + a d); accepts a with
//   phi(a) <= phi(0) + c1 a phi'(0)   and   |phi'(a)| <= c2 |phi'(0)|.

export interface LinePoint {
  a: number;
  f: number;
  /** directional derivative phi'(a) = g(x + a d) . d */
  df: number;
}

export interface LineSearchOptions {
  c1: number;
  c2: number;
  maxEvals: number;
  /** Stop zooming once the bracket is shorter than this (in units of a). */
  tolBracket: number;
}

export interface LineSearchResult {
  point: LinePoint;
  evals: number;
  /** false when the evaluation budget ran out; `point` is then the best point seen. */
  wolfe: boolean;
}

/** Minimiser of the cubic through (a1, f1, df1) and (a2, f2, df2), clamped to [lo, hi] (N&W eq. 3.59). */
export function cubicMinimizer(p1: LinePoint, p2: LinePoint, lo: number, hi: number): number {
  const d1 = p1.df + p2.df - (3 * (p1.f - p2.f)) / (p1.a - p2.a);
  const disc = d1 * d1 - p1.df * p2.df;
  if (disc >= 0 && p1.a !== p2.a) {
    const d2 = Math.sign(p2.a - p1.a) * Math.sqrt(disc);
    const a = p2.a - ((p2.a - p1.a) * (p2.df + d2 - d1)) / (p2.df - p1.df + 2 * d2);
    if (Number.isFinite(a)) return Math.min(Math.max(a, lo), hi);
  }
  return (lo + hi) / 2;
}

export function strongWolfe(phi: (a: number) => LinePoint, p0: LinePoint, a1: number, o: LineSearchOptions): LineSearchResult {
  let evals = 0;
  let best = p0;
  const evaluate = (a: number): LinePoint => {
    evals++;
    const p = phi(a);
    if (p.f < best.f) best = p;
    return p;
  };
  const sufficient = (p: LinePoint) => p.f <= p0.f + o.c1 * p.a * p0.df;
  const curvature = (p: LinePoint) => Math.abs(p.df) <= -o.c2 * p0.df;

  const zoom = (lo: LinePoint, hi: LinePoint): LineSearchResult => {
    while (evals < o.maxEvals) {
      const left = Math.min(lo.a, hi.a);
      const right = Math.max(lo.a, hi.a);
      const width = right - left;
      if (width < o.tolBracket) break;
      // safeguard: stay at least 10% of the bracket away from its ends
      const a = cubicMinimizer(lo, hi, left + 0.1 * width, right - 0.1 * width);
      const p = evaluate(a);
      if (!sufficient(p) || p.f >= lo.f) {
        hi = p;
      } else {
        if (curvature(p)) return { point: p, evals, wolfe: true };
        if (p.df * (hi.a - lo.a) >= 0) hi = lo;
        lo = p;
      }
    }
    return { point: best, evals, wolfe: false };
  };

  let prev = p0;
  let a = a1;
  for (let i = 1; evals < o.maxEvals; i++) {
    const p = evaluate(a);
    if (!Number.isFinite(p.f) || !sufficient(p) || (i > 1 && p.f >= prev.f)) return zoom(prev, p);
    if (curvature(p)) return { point: p, evals, wolfe: true };
    if (p.df >= 0) return zoom(p, prev);
    // extrapolate by cubic interpolation, kept in [1.1 a, 10 a] so the bracket grows
    const next = cubicMinimizer(prev, p, a * 1.1, a * 10);
    prev = p;
    a = next;
  }
  return { point: best, evals, wolfe: false };
}
