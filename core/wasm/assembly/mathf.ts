// f32x4 approximations of exp, log, tanh, sin, cos (Cephes single-precision polynomials, ~1-2 ulp).
// Plain mul/add (never FMA) so both builds give identical elementwise results.

// @ts-ignore: external
@external("env", "sin") declare function hostSin(x: f64): f64;
// @ts-ignore: external
@external("env", "cos") declare function hostCos(x: f64): f64;

// @ts-ignore: decorator
@inline function sp(x: f32): v128 { return f32x4.splat(x); }
// @ts-ignore: decorator
@inline function mad(a: v128, b: v128, c: v128): v128 { return f32x4.add(f32x4.mul(a, b), c); }

export function exp4(x0: v128): v128 {
  // Clamp keeps 2^n representable as two factors; min/max propagate NaN.
  const x = f32x4.min(f32x4.max(x0, sp(-104.0)), sp(89.0));
  const fx = f32x4.nearest(f32x4.mul(x, sp(1.44269504088896341)));
  // Cody-Waite: ln2 = C1 + C2, fx*C1 is exact.
  const r = f32x4.sub(f32x4.sub(x, f32x4.mul(fx, sp(0.693359375))), f32x4.mul(fx, sp(-2.12194440e-4)));
  let p = mad(sp(1.9875691500e-4), r, sp(1.3981999507e-3));
  p = mad(p, r, sp(8.3334519073e-3));
  p = mad(p, r, sp(4.1665795894e-2));
  p = mad(p, r, sp(1.6666665459e-1));
  p = mad(p, r, sp(5.0000001201e-1));
  const y = f32x4.add(f32x4.add(f32x4.mul(p, f32x4.mul(r, r)), r), sp(1.0));
  // Scale by 2^n in two steps so n in [-150, 129] never leaves the normal exponent range of one factor.
  const n = i32x4.trunc_sat_f32x4_s(fx);
  const n1 = i32x4.shr_s(n, 1);
  const n2 = i32x4.sub(n, n1);
  const s1 = i32x4.shl(i32x4.add(n1, i32x4.splat(127)), 23);
  const s2 = i32x4.shl(i32x4.add(n2, i32x4.splat(127)), 23);
  return f32x4.mul(f32x4.mul(y, s1), s2);
}

export function log4(x: v128): v128 {
  // Subnormals: scale up by 2^23 first so the exponent field is meaningful.
  const tiny = f32x4.lt(x, sp(1.17549435e-38));
  const xs = v128.bitselect(f32x4.mul(x, sp(8388608.0)), x, tiny);
  const bits = xs;
  let e = i32x4.sub(i32x4.shr_s(v128.and(bits, i32x4.splat(0x7f800000)), 23), i32x4.splat(126));
  e = i32x4.sub(e, v128.and(tiny, i32x4.splat(23)));
  const m = v128.or(v128.and(bits, i32x4.splat(0x807fffff)), i32x4.splat(0x3f000000)); // mantissa in [0.5, 1)
  const lo = f32x4.lt(m, sp(0.707106781186547524));
  e = i32x4.add(e, lo); // lo lanes are -1
  const xm = f32x4.sub(v128.bitselect(f32x4.add(m, m), m, lo), sp(1.0));
  const z = f32x4.mul(xm, xm);
  let p = mad(sp(7.0376836292e-2), xm, sp(-1.1514610310e-1));
  p = mad(p, xm, sp(1.1676998740e-1));
  p = mad(p, xm, sp(-1.2420140846e-1));
  p = mad(p, xm, sp(1.4249322787e-1));
  p = mad(p, xm, sp(-1.6668057665e-1));
  p = mad(p, xm, sp(2.0000714765e-1));
  p = mad(p, xm, sp(-2.4999993993e-1));
  p = mad(p, xm, sp(3.3333331174e-1));
  const fe = f32x4.convert_i32x4_s(e);
  let y = f32x4.mul(f32x4.mul(p, xm), z);
  y = mad(fe, sp(-2.12194440e-4), y);
  y = f32x4.sub(y, f32x4.mul(sp(0.5), z));
  let r = f32x4.add(xm, y);
  r = mad(fe, sp(0.693359375), r);
  r = v128.bitselect(sp(Infinity), r, f32x4.eq(x, sp(Infinity)));
  r = v128.bitselect(sp(-Infinity), r, f32x4.eq(x, sp(0)));
  return v128.bitselect(sp(NaN), r, v128.not(f32x4.ge(x, sp(0)))); // negatives and NaN
}

export function tanh4(x: v128): v128 {
  const ax = f32x4.abs(x);
  const z = f32x4.mul(x, x);
  let p = mad(sp(-5.70498872745e-3), z, sp(2.06390887954e-2));
  p = mad(p, z, sp(-5.37397155531e-2));
  p = mad(p, z, sp(1.33314422036e-1));
  p = mad(p, z, sp(-3.33332819422e-1));
  const small = mad(f32x4.mul(p, z), x, x);
  const isSmall = f32x4.lt(ax, sp(0.625));
  if (v128.all_true<i32>(isSmall)) return small;
  // tanh|x| = 1 - 2/(e^{2|x|}+1); exp overflow to inf gives exactly 1.
  const e = exp4(f32x4.add(ax, ax));
  const big = f32x4.sub(sp(1.0), f32x4.div(sp(2.0), f32x4.add(e, sp(1.0))));
  const signed = v128.or(big, v128.and(x, i32x4.splat(0x80000000)));
  return v128.bitselect(small, signed, isSmall);
}

// Beyond this |x| the 3-part Cody-Waite reduction loses accuracy; those lanes use the host's f64 sin/cos.
const TRIG_LIMIT: f32 = 8192.0;

// @ts-ignore: decorator
@inline function sincos4(x: v128, isCos: bool): v128 {
  const ax = f32x4.abs(x);
  let j = i32x4.trunc_sat_f32x4_s(f32x4.mul(ax, sp(1.27323954473516)));
  j = v128.and(i32x4.add(j, i32x4.splat(1)), i32x4.splat(-2)); // round octant up to even
  const y = f32x4.convert_i32x4_s(j);
  const xr = f32x4.sub(f32x4.sub(f32x4.sub(ax, f32x4.mul(y, sp(0.78515625))),
    f32x4.mul(y, sp(2.4187564849853515625e-4))), f32x4.mul(y, sp(3.77489497744594108e-8)));
  const z = f32x4.mul(xr, xr);
  let pc = mad(sp(2.443315711809948e-5), z, sp(-1.388731625493765e-3));
  pc = mad(pc, z, sp(4.166664568298827e-2));
  const yc = f32x4.add(f32x4.sub(f32x4.mul(f32x4.mul(pc, z), z), f32x4.mul(sp(0.5), z)), sp(1.0));
  let ps = mad(sp(-1.9515295891e-4), z, sp(8.3321608736e-3));
  ps = mad(ps, z, sp(-1.6666654611e-1));
  const ys = mad(f32x4.mul(ps, z), xr, xr);
  // cos(x) = sin(|x| + pi/2): shift the octant by 2.
  const jj = isCos ? i32x4.add(j, i32x4.splat(2)) : j;
  const useCos = i32x4.ne(v128.and(jj, i32x4.splat(2)), i32x4.splat(0));
  let sign = i32x4.shl(v128.and(jj, i32x4.splat(4)), 29);
  if (!isCos) sign = v128.xor(sign, v128.and(x, i32x4.splat(0x80000000)));
  let r = v128.xor(v128.bitselect(yc, ys, useCos), sign);
  const far = v128.not(f32x4.le(ax, sp(TRIG_LIMIT))); // also NaN/inf lanes
  if (v128.any_true(far)) {
    r = v128.bitselect(hostTrig4(x, isCos), r, far);
  }
  return r;
}

function hostTrig4(x: v128, isCos: bool): v128 {
  const a = <f64>f32x4.extract_lane(x, 0), b = <f64>f32x4.extract_lane(x, 1);
  const c = <f64>f32x4.extract_lane(x, 2), d = <f64>f32x4.extract_lane(x, 3);
  let v = f32x4.splat(<f32>(isCos ? hostCos(a) : hostSin(a)));
  v = f32x4.replace_lane(v, 1, <f32>(isCos ? hostCos(b) : hostSin(b)));
  v = f32x4.replace_lane(v, 2, <f32>(isCos ? hostCos(c) : hostSin(c)));
  v = f32x4.replace_lane(v, 3, <f32>(isCos ? hostCos(d) : hostSin(d)));
  return v;
}

export function sin4(x: v128): v128 { return sincos4(x, false); }
export function cos4(x: v128): v128 { return sincos4(x, true); }
