// The position gradient of the 2D quadratic B-spline transfer in f64 (core/kernels/bspline.ts gradPos2, the MPM
// backward's hot loop), two particles per iteration in the f64x2 lanes, optionally with the gather ('also' = 1: the
// coefficients) or the scatter ('also' = 2: the grid, which the caller zeroes first) that the same pass fills, for
// particles [p0, p1). x [2, n], A [c, 3, n], g [c, nGrid^2]; pos [2, n]; at: the other slot.

// @ts-ignore: decorator
@inline function pair(a: f64, b: f64): v128 {
  return f64x2.replace_lane(f64x2.splat(a), 1, b);
}

// the quadratic B-spline weights of the stencil's three nodes at f = x nGrid - base, and their x-derivatives
// @ts-ignore: decorator
@inline function w0(f: v128): v128 {
  const u = f64x2.sub(f64x2.splat(1.5), f);
  return f64x2.mul(f64x2.splat(0.5), f64x2.mul(u, u));
}
// @ts-ignore: decorator
@inline function w1(f: v128): v128 {
  const u = f64x2.sub(f, f64x2.splat(1.0));
  return f64x2.sub(f64x2.splat(0.75), f64x2.mul(u, u));
}
// @ts-ignore: decorator
@inline function w2(f: v128): v128 {
  const u = f64x2.sub(f, f64x2.splat(0.5));
  return f64x2.mul(f64x2.splat(0.5), f64x2.mul(u, u));
}
// @ts-ignore: decorator
@inline function d0(f: v128, ng: v128): v128 {
  return f64x2.mul(f64x2.sub(f, f64x2.splat(1.5)), ng);
}
// @ts-ignore: decorator
@inline function d1(f: v128, ng: v128): v128 {
  return f64x2.mul(f64x2.mul(f64x2.splat(-2.0), f64x2.sub(f, f64x2.splat(1.0))), ng);
}
// @ts-ignore: decorator
@inline function d2(f: v128, ng: v128): v128 {
  return f64x2.mul(f64x2.sub(f, f64x2.splat(0.5)), ng);
}

/** Whether the stencil base b (a float) lies on the grid (NaN does not). */
// @ts-ignore: decorator
@inline function onGrid(b: f64, nGrid: i32): bool {
  return b >= 0 && b <= <f64>(nGrid - 3);
}

/**
 * Returns -1, or 2 p + axis of the first particle whose stencil leaves the grid (the outputs are then incomplete).
 * Per stencil row (x node i, y nodes j) four dot products of the row's grid values with the y weights w, their
 * derivatives w' and the offsets oy: r0 = g.w, r1 = g.(w oy), r2 = g.w', r3 = g.(w' oy) (gradPos2's factoring).
 */
export function bspline_grad_pos2_f64x2(x: usize, A: usize, g: usize, pos: usize, at: usize, n: i32, c: i32, nGrid: i32, also: i32, p0: i32, p1: i32): i32 {
  const G = nGrid * nGrid;
  const NG = f64x2.splat(<f64>nGrid);
  const DX = f64x2.splat(1.0 / <f64>nGrid);
  const HALF = f64x2.splat(0.5);
  const rowStride = <usize>nGrid << 3;
  const nb = <usize>n << 3;
  for (let p = p0; p < p1; p += 2) {
    // lane 1 is particle p + 1, or p again past the end (then only lane 0 is stored)
    const two = p + 1 < p1;
    const q1 = two ? p + 1 : p;
    const xv = pair(load<f64>(x + (<usize>p << 3)), load<f64>(x + (<usize>q1 << 3)));
    const yv = pair(load<f64>(x + nb + (<usize>p << 3)), load<f64>(x + nb + (<usize>q1 << 3)));
    const bxv = f64x2.floor(f64x2.sub(f64x2.mul(xv, NG), HALF));
    const byv = f64x2.floor(f64x2.sub(f64x2.mul(yv, NG), HALF));
    if (!onGrid(f64x2.extract_lane(bxv, 0), nGrid)) return 2 * p;
    if (!onGrid(f64x2.extract_lane(byv, 0), nGrid)) return 2 * p + 1;
    if (!onGrid(f64x2.extract_lane(bxv, 1), nGrid)) return 2 * q1;
    if (!onGrid(f64x2.extract_lane(byv, 1), nGrid)) return 2 * q1 + 1;
    const fx = f64x2.sub(f64x2.mul(xv, NG), bxv);
    const fy = f64x2.sub(f64x2.mul(yv, NG), byv);
    // per weight, both axes
    const wx0 = w0(fx);
    const wy0 = w0(fy);
    const wx1 = w1(fx);
    const wy1 = w1(fy);
    const wx2 = w2(fx);
    const wy2 = w2(fy);
    const ex0 = d0(fx, NG);
    const dy0 = d0(fy, NG);
    const ex1 = d1(fx, NG);
    const dy1 = d1(fy, NG);
    const ex2 = d2(fx, NG);
    const dy2 = d2(fy, NG);
    const ox0 = f64x2.neg(f64x2.mul(fx, DX));
    const oy0 = f64x2.neg(f64x2.mul(fy, DX));
    const ox1 = f64x2.add(ox0, DX);
    const oy1 = f64x2.add(oy0, DX);
    const ox2 = f64x2.add(ox1, DX);
    const oy2 = f64x2.add(oy1, DX);
    const wo0 = f64x2.mul(wy0, oy0);
    const wo1 = f64x2.mul(wy1, oy1);
    const wo2 = f64x2.mul(wy2, oy2);
    const do0 = f64x2.mul(dy0, oy0);
    const do1 = f64x2.mul(dy1, oy1);
    const do2 = f64x2.mul(dy2, oy2);
    const ia = <i32>f64x2.extract_lane(bxv, 0) * nGrid + <i32>f64x2.extract_lane(byv, 0);
    const ib = <i32>f64x2.extract_lane(bxv, 1) * nGrid + <i32>f64x2.extract_lane(byv, 1);
    let gx = f64x2.splat(0);
    let gy = f64x2.splat(0);
    for (let ch = 0; ch < c; ch++) {
      const o = A + (<usize>(3 * ch * n) << 3);
      const a0 = pair(load<f64>(o + (<usize>p << 3)), load<f64>(o + (<usize>q1 << 3)));
      const a1 = pair(load<f64>(o + nb + (<usize>p << 3)), load<f64>(o + nb + (<usize>q1 << 3)));
      const a2 = pair(load<f64>(o + 2 * nb + (<usize>p << 3)), load<f64>(o + 2 * nb + (<usize>q1 << 3)));
      let s0 = f64x2.splat(0);
      let s1 = f64x2.splat(0);
      let s2 = f64x2.splat(0);
      let rowa = <usize>(ch * G + ia) << 3;
      let rowb = <usize>(ch * G + ib) << 3;
      for (let i = 0; i < 3; i++) {
        const wi = i == 0 ? wx0 : i == 1 ? wx1 : wx2;
        const dwi = i == 0 ? ex0 : i == 1 ? ex1 : ex2;
        const oi = i == 0 ? ox0 : i == 1 ? ox1 : ox2;
        const q = f64x2.add(a0, f64x2.mul(a1, oi));
        const ga = g + rowa;
        const gb = g + rowb;
        const g0 = pair(load<f64>(ga), load<f64>(gb));
        const g1 = pair(load<f64>(ga, 8), load<f64>(gb, 8));
        const g2 = pair(load<f64>(ga, 16), load<f64>(gb, 16));
        const r0 = f64x2.add(f64x2.add(f64x2.mul(g0, wy0), f64x2.mul(g1, wy1)), f64x2.mul(g2, wy2));
        const r1 = f64x2.add(f64x2.add(f64x2.mul(g0, wo0), f64x2.mul(g1, wo1)), f64x2.mul(g2, wo2));
        const r2 = f64x2.add(f64x2.add(f64x2.mul(g0, dy0), f64x2.mul(g1, dy1)), f64x2.mul(g2, dy2));
        const r3 = f64x2.add(f64x2.add(f64x2.mul(g0, do0), f64x2.mul(g1, do1)), f64x2.mul(g2, do2));
        gx = f64x2.add(gx, f64x2.sub(f64x2.mul(dwi, f64x2.add(f64x2.mul(q, r0), f64x2.mul(a2, r1))), f64x2.mul(f64x2.mul(wi, a1), r0)));
        gy = f64x2.add(gy, f64x2.mul(wi, f64x2.add(f64x2.mul(q, r2), f64x2.mul(a2, f64x2.sub(r3, r0)))));
        if (also == 1) {
          const wr = f64x2.mul(wi, r0);
          s0 = f64x2.add(s0, wr);
          s1 = f64x2.add(s1, f64x2.mul(wr, oi));
          s2 = f64x2.add(s2, f64x2.mul(wi, r1));
        } else if (also == 2) {
          // the scatter of A: w_i (q w_j + A_2 w_j oy_j), one particle after the other (stencils may share nodes)
          const t = f64x2.mul(wi, q);
          const u = f64x2.mul(wi, a2);
          const v0 = f64x2.add(f64x2.mul(t, wy0), f64x2.mul(u, wo0));
          const v1 = f64x2.add(f64x2.mul(t, wy1), f64x2.mul(u, wo1));
          const v2 = f64x2.add(f64x2.mul(t, wy2), f64x2.mul(u, wo2));
          const ra = at + rowa;
          store<f64>(ra, load<f64>(ra) + f64x2.extract_lane(v0, 0));
          store<f64>(ra, load<f64>(ra, 8) + f64x2.extract_lane(v1, 0), 8);
          store<f64>(ra, load<f64>(ra, 16) + f64x2.extract_lane(v2, 0), 16);
          if (two) {
            const rb = at + rowb;
            store<f64>(rb, load<f64>(rb) + f64x2.extract_lane(v0, 1));
            store<f64>(rb, load<f64>(rb, 8) + f64x2.extract_lane(v1, 1), 8);
            store<f64>(rb, load<f64>(rb, 16) + f64x2.extract_lane(v2, 1), 16);
          }
        }
        rowa += rowStride;
        rowb += rowStride;
      }
      if (also == 1) {
        const d = at + (<usize>(3 * ch * n + p) << 3);
        storePair(d, s0, two);
        storePair(d + nb, s1, two);
        storePair(d + 2 * nb, s2, two);
      }
    }
    storePair(pos + (<usize>p << 3), gx, two);
    storePair(pos + nb + (<usize>p << 3), gy, two);
  }
  return -1;
}

/** Both lanes to [d, d + 16), or lane 0 only to d. */
// @ts-ignore: decorator
@inline function storePair(d: usize, v: v128, two: bool): void {
  if (two) v128.store(d, v);
  else store<f64>(d, f64x2.extract_lane(v, 0));
}

/** -1 when the stencils of particles [p0, p1) lie on the grid, else 2 p + axis of the first that does not. */
export function bspline_check2(x: usize, n: i32, nGrid: i32, p0: i32, p1: i32): i32 {
  for (let p = p0; p < p1; p++) {
    for (let ax = 0; ax < 2; ax++) {
      const b = Math.floor(load<f64>(x + (<usize>(ax * n + p) << 3)) * <f64>nGrid - 0.5);
      if (!onGrid(b, nGrid)) return 2 * p + ax;
    }
  }
  return -1;
}
