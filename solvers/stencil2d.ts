// Five-point finite-difference operator  shift*u - div(k grad u)  on the interior nodes of a
// uniform (n+1) x (n+1) node grid of the unit square with u = 0 on the boundary.
// Face coefficients already include 1/h^2 so the operator is applied without further scaling.
// Unknown (i, j), 1 <= i, j <= n-1, lives at index (j-1)*(n-1) + (i-1) (x fastest).

export interface NeighbourCouplings {
  west: Float64Array;
  east: Float64Array;
  south: Float64Array;
  north: Float64Array;
}

export class FivePointOperator {
  /** interior nodes per side */
  readonly m: number;
  /**
   * @param n intervals per side (h = 1/n)
   * @param kx x-faces between nodes (i, j) and (i+1, j): index (j-1)*n + i, i in [0, n), j in [1, n)
   * @param ky y-faces between nodes (i, j) and (i, j+1): index j*(n-1) + (i-1), j in [0, n), i in [1, n)
   * @param shift added to the diagonal (mass term, e.g. 1 for Crank-Nicolson's I + dt/2 A)
   */
  constructor(
    readonly n: number,
    readonly kx: Float64Array,
    readonly ky: Float64Array,
    readonly shift = 0,
  ) {
    if (!Number.isInteger(n) || n < 2) throw new RangeError(`FivePointOperator: n must be an integer >= 2, got ${n}`);
    this.m = n - 1;
    if (kx.length !== n * this.m) throw new RangeError(`FivePointOperator: kx must have n*(n-1) = ${n * this.m} entries, got ${kx.length}`);
    if (ky.length !== n * this.m) throw new RangeError(`FivePointOperator: ky must have n*(n-1) = ${n * this.m} entries, got ${ky.length}`);
    if (!(shift >= 0)) throw new RangeError(`FivePointOperator: shift must be >= 0, got ${shift}`);
  }

  get size(): number {
    return this.m * this.m;
  }

  /** Same stencil times `scale`, plus `shift` on the diagonal. */
  scaled(scale: number, shift: number): FivePointOperator {
    return new FivePointOperator(
      this.n,
      this.kx.map((v) => v * scale),
      this.ky.map((v) => v * scale),
      shift,
    );
  }

  /** out = A x */
  apply(x: Float64Array, out: Float64Array): void {
    const { n, m, kx, ky, shift } = this;
    for (let j = 1; j <= m; j++) {
      const row = (j - 1) * m;
      for (let i = 1; i <= m; i++) {
        const p = row + i - 1;
        const w = kx[(j - 1) * n + i - 1],
          e = kx[(j - 1) * n + i];
        const s = ky[(j - 1) * m + i - 1],
          nn = ky[j * m + i - 1];
        let v = (shift + w + e + s + nn) * x[p];
        if (i > 1) v -= w * x[p - 1];
        if (i < m) v -= e * x[p + 1];
        if (j > 1) v -= s * x[p - m];
        if (j < m) v -= nn * x[p + m];
        out[p] = v;
      }
    }
  }

  /** Coupling coefficients of unknown p = (i, j) to its west, east, south, north neighbours. */
  couplings(i: number, j: number): { w: number; e: number; s: number; n: number } {
    const { n, m, kx, ky } = this;
    return { w: kx[(j - 1) * n + i - 1], e: kx[(j - 1) * n + i], s: ky[(j - 1) * m + i - 1], n: ky[j * m + i - 1] };
  }

  diagonal(): Float64Array {
    const d = new Float64Array(this.size);
    for (let j = 1; j <= this.m; j++) {
      for (let i = 1; i <= this.m; i++) {
        const c = this.couplings(i, j);
        d[(j - 1) * this.m + i - 1] = this.shift + c.w + c.e + c.s + c.n;
      }
    }
    return d;
  }

  /**
   * Per-unknown couplings to interior neighbours (zero where the neighbour is a boundary node),
   * for sweeps that visit unknowns in order (Gauss-Seidel, incomplete factorizations).
   */
  neighbours(): NeighbourCouplings {
    const { m } = this;
    const N = this.size;
    const out: NeighbourCouplings = {
      west: new Float64Array(N),
      east: new Float64Array(N),
      south: new Float64Array(N),
      north: new Float64Array(N),
    };
    for (let j = 1; j <= m; j++) {
      for (let i = 1; i <= m; i++) {
        const p = (j - 1) * m + i - 1;
        const c = this.couplings(i, j);
        if (i > 1) out.west[p] = c.w;
        if (i < m) out.east[p] = c.e;
        if (j > 1) out.south[p] = c.s;
        if (j < m) out.north[p] = c.n;
      }
    }
    return out;
  }
}

function harmonic(a: number, b: number): number {
  return (2 * a * b) / (a + b);
}

/**
 * -div(a grad u) with a given at the (n+1)^2 nodes (row-major, x fastest), treated as constant on
 * each node's dual cell, so a face between two nodes carries the harmonic mean of their values
 * (the exact flux of a two-layer medium).
 */
export function diffusionOperator(a: Float64Array, n: number): FivePointOperator {
  const s = n + 1;
  if (!Number.isInteger(n) || n < 2) throw new RangeError(`diffusionOperator: n must be an integer >= 2, got ${n}`);
  if (a.length !== s * s) throw new RangeError(`diffusionOperator: coefficient must have (n+1)^2 = ${s * s} node values, got ${a.length}`);
  for (let q = 0; q < a.length; q++) {
    if (!(a[q] > 0)) throw new RangeError(`diffusionOperator: coefficient must be positive everywhere, got ${a[q]} at node ${q}`);
  }
  const m = n - 1;
  const h2 = n * n;
  const kx = new Float64Array(n * m);
  const ky = new Float64Array(n * m);
  for (let j = 1; j < n; j++) {
    for (let i = 0; i < n; i++) kx[(j - 1) * n + i] = h2 * harmonic(a[j * s + i], a[j * s + i + 1]);
  }
  for (let j = 0; j < n; j++) {
    for (let i = 1; i < n; i++) ky[j * m + i - 1] = h2 * harmonic(a[j * s + i], a[(j + 1) * s + i]);
  }
  return new FivePointOperator(n, kx, ky);
}

/** The 5-point negative Laplacian -Delta_h on the unit square (a = 1). */
export function laplacianOperator(n: number): FivePointOperator {
  if (!Number.isInteger(n) || n < 2) throw new RangeError(`laplacianOperator: n must be an integer >= 2, got ${n}`);
  const k = new Float64Array(n * (n - 1)).fill(n * n);
  return new FivePointOperator(n, k, Float64Array.from(k));
}

/** Interior values of a node-grid array ((n+1)^2, x fastest) as an unknown vector ((n-1)^2). */
export function interiorOf(nodes: Float64Array, n: number): Float64Array {
  const s = n + 1,
    m = n - 1;
  if (nodes.length !== s * s) throw new RangeError(`interiorOf: expected ${s * s} node values, got ${nodes.length}`);
  const out = new Float64Array(m * m);
  for (let j = 1; j <= m; j++) for (let i = 1; i <= m; i++) out[(j - 1) * m + i - 1] = nodes[j * s + i];
  return out;
}

/** Unknown vector ((n-1)^2) back on the full node grid with zero boundary values. */
export function withZeroBoundary(interior: Float64Array, n: number): Float64Array {
  const s = n + 1,
    m = n - 1;
  if (interior.length !== m * m) throw new RangeError(`withZeroBoundary: expected ${m * m} interior values, got ${interior.length}`);
  const out = new Float64Array(s * s);
  for (let j = 1; j <= m; j++) for (let i = 1; i <= m; i++) out[j * s + i] = interior[(j - 1) * m + i - 1];
  return out;
}
