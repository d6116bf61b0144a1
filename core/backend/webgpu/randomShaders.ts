// The `random` primitive as a WGSL kernel: the counter-based generator of core/random.ts (uniformAt, sampleInto)
// in u32 arithmetic, one thread per value. The host draws a 53-bit uniform as an f64 and stores it rounded to f32;
// the shader rebuilds the same 53 random bits, repeats JavaScript's rounding of (N + 0.5) / 2^53 to an f64 (a tie to
// even when N >= 2^52) and rounds that to f32 in integer arithmetic, so uniform and Rademacher draws equal the
// wasm/js backends' bit for bit. Normal draws (Box-Muller in f64 on the host) take log and cos from the same
// integers: log by exponent and mantissa (log1p series), cos by quadrant reduction of 4u exactly (sin/cos
// polynomials on [-pi/4, pi/4]), so they sit within a few f32 ulps of the host's values; no builtin sin, cos or
// log is used (WGSL allows them large errors: 2^-11 absolute for cos).
import type { PrimParams } from '../../prims/types.js';
import type { Distribution } from '../../random.js';
import { perElement, u, type Kernel } from './shaders.js';

/** The arena as u32 words: the key's i32 bits and the results' f32 bits move through it without float loads. */
const U32_ARENA = '@group(0) @binding(0) var<storage, read_write> m: array<u32>;';

const FUNCTIONS = `
fn mix32(v: u32) -> u32 {
  var x = v;
  x = x ^ (x >> 16u);
  x = x * 0x7feb352du;
  x = x ^ (x >> 15u);
  x = x * 0x846ca68bu;
  return x ^ (x >> 16u);
}
// uniformAt's 53 bits for counter (k, i, lane) as the f64 numerator T = 2N + 1 over 2^54 (N = hi 2^26 + lo),
// after JavaScript's rounding of N + 0.5 to 53 bits; returned as (high word, low word)
fn draw(k: u32, i: u32, lane: u32) -> vec2u {
  let c = 2u * i + lane * 0x40000000u;
  let hi = mix32(k ^ mix32(c)) >> 5u;
  let lo = mix32((k + 0x6a09e667u) ^ mix32(c + 1u)) >> 6u;
  var t = vec2u(hi >> 5u, (hi << 27u) | (2u * lo + 1u));
  if (hi >= 0x4000000u) {
    // 54 significant bits: the odd T is a tie between T - 1 and T + 1; the one whose half is even wins
    if ((lo & 1u) == 0u) { t.y = t.y - 1u; } else { t = add64(t, 1u); }
  }
  return t;
}
fn add64(a: vec2u, b: u32) -> vec2u {
  let l = a.y + b;
  return vec2u(a.x + select(0u, 1u, l < b), l);
}
fn bitlen(t: vec2u) -> u32 {
  if (t.x != 0u) { return 64u - countLeadingZeros(t.x); }
  return 32u - countLeadingZeros(t.y);
}
// t >> s for 0 < s < 32, the low word
fn shr(t: vec2u, s: u32) -> u32 {
  return (t.y >> s) | (t.x << (32u - s));
}
// a non-negative 64-bit integer as f32 (within an ulp)
fn mag(t: vec2u) -> f32 {
  return f32(t.x) * 4294967296.0 + f32(t.y);
}
fn neg64(t: vec2u) -> vec2u {
  return add64(vec2u(~t.x, ~t.y), 1u);
}
// T / 2^54 rounded to the nearest f32, ties to even (T < 2^55)
fn toF32(t: vec2u) -> f32 {
  let p = bitlen(t);
  if (p <= 24u) { return ldexp(f32(t.y), -54); }
  let s = p - 24u;
  var q = shr(t, s);
  let rem = t.y & ((1u << s) - 1u);
  let mid = 1u << (s - 1u);
  if (rem > mid || (rem == mid && (q & 1u) == 1u)) { q = q + 1u; }
  return ldexp(f32(q), i32(s) - 54);
}
// log(1 + f) for |f| < 0.42: 2 atanh(f / (2 + f)) by its series
fn log1pSmall(f: f32) -> f32 {
  let s = f / (2.0 + f);
  let z = s * s;
  return 2.0 * s * (1.0 + z * (0.33333334 + z * (0.2 + z * (0.14285715 + z * (0.11111111 + z * 0.09090909)))));
}
// log(T / 2^54) = e log 2 + log(1 + f), the mantissa 1 + f in [sqrt(1/2), sqrt(2)) and f taken from T exactly
fn logOf(t: vec2u) -> f32 {
  let p = bitlen(t);
  var top = 0u;
  if (p > 32u) { top = (t.x << (64u - p)) | (t.y >> (p - 32u)); } else { top = t.y << (32u - p); }
  var f = 0.0;
  var e = 0;
  if (top >= 0xb504f334u) {
    // T / 2^p in [sqrt(1/2), 1): f = (T - 2^p) / 2^p < 0
    e = i32(p) - 54;
    var b = vec2u(0u, 0u);
    if (p >= 32u) { b.x = 1u << (p - 32u); } else { b.y = 1u << p; }
    let d = vec2u(b.x - t.x - select(0u, 1u, b.y < t.y), b.y - t.y);
    f = -ldexp(mag(d), -i32(p));
  } else {
    // T / 2^(p-1) in [1, sqrt(2)): f = (T - 2^(p-1)) / 2^(p-1), the top bit cleared
    e = i32(p) - 55;
    var d = t;
    if (p > 32u) { d.x = d.x ^ (1u << (p - 33u)); } else { d.y = d.y ^ (1u << (p - 1u)); }
    f = ldexp(mag(d), 1 - i32(p));
  }
  let fe = f32(e);
  return fe * 0.693145751953125 + (fe * 1.4286068203094173e-6 + log1pSmall(f));
}
// cos(2 pi T / 2^54): 4T / 2^54 = q + t with q the nearest integer, |t| <= 1/2, the angle pi t / 2 in [-pi/4, pi/4]
fn cosTurn(t: vec2u) -> f32 {
  let q = (t.x + 0x80000u) >> 20u;
  let d = vec2u(t.x - (q << 20u), t.y);
  let negative = bitcast<i32>(d.x) < 0;
  var r = ldexp(mag(select(d, neg64(d), negative)), -52);
  if (negative) { r = -r; }
  let x = r * 1.5707963267948966;
  let z = x * x;
  let s = ((-1.9515295891e-4 * z + 8.3321608736e-3) * z - 1.6666654611e-1) * z * x + x;
  let c = ((2.443315711809948e-5 * z - 1.388731625493765e-3) * z + 4.166664568298827e-2) * z * z - 0.5 * z + 1.0;
  // quadrants 0..3: c, -s, -c, s
  let v = select(c, s, (q & 1u) == 1u);
  return select(v, -v, ((q + 1u) & 2u) != 0u);
}
`;

/** The value of draw i from key `k` (a u32), as WGSL statements ending in `let v: f32`. */
const VALUE: Record<Distribution, string[]> = {
  uniform: ['let v = toF32(draw(k, i, 0u));'],
  // uniformAt < 0.5 exactly when hi < 2^26, that is T < 2^53
  rademacher: ['let v = select(1.0, -1.0, draw(k, i, 0u).x < 0x200000u);'],
  normal: ['let v = sqrt(-2.0 * logOf(draw(k, i, 0u))) * cosTurn(draw(k, i, 1u));'],
};

/** random: `n` draws of `p.dist` from the i32 key at word `key`, written from word `out`. */
export function randomKernel(p: PrimParams['random'], n: number, key: number, out: number): Kernel {
  const body = [`let k = mix32(m[${u(key)}] ^ 0x9e3779b9u);`, ...VALUE[p.dist], `m[${u(out)} + i] = bitcast<u32>(v);`];
  return perElement(n, body, `random ${p.dist} x${n}`, `${U32_ARENA}\n${FUNCTIONS}`);
}
