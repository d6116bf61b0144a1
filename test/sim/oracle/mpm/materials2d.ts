/**
 * 2D constitutive models as Kirchhoff stress tau = P F^T (what MLS-MPM scatters), and their
 * adjoints. Matrices are row-major [a00, a01, a10, a11] read from (array, offset).
 */
import type { MpmMaterial } from '../../../../sim/mpmOptions.js';

export type { MpmMaterial };

export interface StressParams {
  mu: number;
  lambda: number;
  /** Actuation stress alpha * F D F^T with D = d d^T (unit direction d). */
  alpha: number;
  d0: number;
  d1: number;
}

/** Rotation angle of the 2D polar decomposition F = R S (closed form). */
export function polarAngle2(f00: number, f01: number, f10: number, f11: number): number {
  return Math.atan2(f10 - f01, f00 + f11);
}

const rot = { c: 1, s: 0 };
/**
 * cos and sin of the polar rotation angle, (x, y) / |(x, y)| with x = f00 + f11, y = f10 - f01:
 * same as cos/sin(atan2(y, x)) without the transcendental calls. Returns a shared object.
 */
function polarCosSin(f00: number, f01: number, f10: number, f11: number): { c: number; s: number } {
  const x = f00 + f11,
    y = f10 - f01;
  const r = Math.sqrt(x * x + y * y);
  if (r === 0) {
    rot.c = 1;
    rot.s = 0;
  } else {
    rot.c = x / r;
    rot.s = y / r;
  }
  return rot;
}

/** Writes tau into out[0..4). Snow uses fixed-corotated with hardened (mu, lambda). */
export function kirchhoff2(m: MpmMaterial, F: Float64Array, o: number, p: StressParams, out: Float64Array): void {
  const f00 = F[o],
    f01 = F[o + 1],
    f10 = F[o + 2],
    f11 = F[o + 3];
  const J = f00 * f11 - f01 * f10;
  let t00: number, t01: number, t10: number, t11: number;
  if (m === 'neoHookean') {
    if (!(J > 0)) throw new Error(`neoHookean: det(F) = ${J} is not positive (inverted element)`);
    const lj = p.lambda * Math.log(J);
    t00 = p.mu * (f00 * f00 + f01 * f01 - 1) + lj;
    t01 = p.mu * (f00 * f10 + f01 * f11);
    t10 = t01;
    t11 = p.mu * (f10 * f10 + f11 * f11 - 1) + lj;
  } else if (m === 'fluid') {
    const k = p.lambda + p.mu;
    t00 = k * J * (J - 1);
    t01 = 0;
    t10 = 0;
    t11 = t00;
  } else {
    const { c, s } = polarCosSin(f00, f01, f10, f11);
    // A = F - R, tau = 2 mu A F^T + lambda J (J - 1) I
    const a00 = f00 - c,
      a01 = f01 + s,
      a10 = f10 - s,
      a11 = f11 - c;
    const tm = 2 * p.mu;
    const lj = p.lambda * J * (J - 1);
    t00 = tm * (a00 * f00 + a01 * f01) + lj;
    t01 = tm * (a00 * f10 + a01 * f11);
    t10 = tm * (a10 * f00 + a11 * f01);
    t11 = tm * (a10 * f10 + a11 * f11) + lj;
  }
  if (p.alpha !== 0) {
    // F D F^T = (F d)(F d)^T
    const g0 = f00 * p.d0 + f01 * p.d1,
      g1 = f10 * p.d0 + f11 * p.d1;
    t00 += p.alpha * g0 * g0;
    t01 += p.alpha * g0 * g1;
    t10 += p.alpha * g1 * g0;
    t11 += p.alpha * g1 * g1;
  }
  out[0] = t00;
  out[1] = t01;
  out[2] = t10;
  out[3] = t11;
}

/** Cotangents of the stress inputs; F-bar is accumulated into FBar[fo..fo+4). */
export interface StressBar {
  mu: number;
  lambda: number;
  alpha: number;
}

export function kirchhoff2Backward(
  m: MpmMaterial,
  F: Float64Array,
  o: number,
  p: StressParams,
  tb: Float64Array,
  FBar: Float64Array,
  fo: number,
  pb: StressBar,
): void {
  const f00 = F[o],
    f01 = F[o + 1],
    f10 = F[o + 2],
    f11 = F[o + 3];
  const b00 = tb[0],
    b01 = tb[1],
    b10 = tb[2],
    b11 = tb[3];
  const J = f00 * f11 - f01 * f10;
  const tr = b00 + b11;
  let g00 = 0,
    g01 = 0,
    g10 = 0,
    g11 = 0;
  let JBar = 0;
  if (m === 'neoHookean') {
    // tau = mu (F F^T - I) + lambda log J I
    const s00 = b00 + b00,
      s01 = b01 + b10,
      s11 = b11 + b11; // tb + tb^T (symmetric)
    g00 += p.mu * (s00 * f00 + s01 * f10);
    g01 += p.mu * (s00 * f01 + s01 * f11);
    g10 += p.mu * (s01 * f00 + s11 * f10);
    g11 += p.mu * (s01 * f01 + s11 * f11);
    JBar += (p.lambda * tr) / J;
    pb.mu += b00 * (f00 * f00 + f01 * f01 - 1) + (b01 + b10) * (f00 * f10 + f01 * f11) + b11 * (f10 * f10 + f11 * f11 - 1);
    pb.lambda += tr * Math.log(J);
  } else if (m === 'fluid') {
    const k = p.lambda + p.mu;
    JBar += k * (2 * J - 1) * tr;
    const kb = tr * J * (J - 1);
    pb.mu += kb;
    pb.lambda += kb;
  } else {
    const { c, s } = polarCosSin(f00, f01, f10, f11);
    const a00 = f00 - c,
      a01 = f01 + s,
      a10 = f10 - s,
      a11 = f11 - c;
    const tm = 2 * p.mu;
    // d(A F^T): A-bar = tm * tb F ; F-bar += tm * tb^T A
    const A00 = tm * (b00 * f00 + b01 * f10),
      A01 = tm * (b00 * f01 + b01 * f11);
    const A10 = tm * (b10 * f00 + b11 * f10),
      A11 = tm * (b10 * f01 + b11 * f11);
    g00 += A00 + tm * (b00 * a00 + b10 * a10);
    g01 += A01 + tm * (b00 * a01 + b10 * a11);
    g10 += A10 + tm * (b01 * a00 + b11 * a10);
    g11 += A11 + tm * (b01 * a01 + b11 * a11);
    // R-bar = -A-bar; theta-bar = R-bar : dR/dtheta with dR/dtheta = [[-s, -c], [c, -s]]
    const thBar = -(A00 * -s + A01 * -c + A10 * c + A11 * -s);
    const xx = f00 + f11,
      yy = f10 - f01,
      r2 = xx * xx + yy * yy;
    const dY = (thBar * xx) / r2,
      dX = (-thBar * yy) / r2;
    g00 += dX;
    g11 += dX;
    g10 += dY;
    g01 -= dY;
    JBar += p.lambda * (2 * J - 1) * tr;
    pb.mu +=
      2 * (b00 * (a00 * f00 + a01 * f01) + b01 * (a00 * f10 + a01 * f11) + b10 * (a10 * f00 + a11 * f01) + b11 * (a10 * f10 + a11 * f11));
    pb.lambda += tr * J * (J - 1);
  }
  if (p.alpha !== 0 || p.d0 !== 0 || p.d1 !== 0) {
    const g0 = f00 * p.d0 + f01 * p.d1,
      g1 = f10 * p.d0 + f11 * p.d1;
    pb.alpha += b00 * g0 * g0 + (b01 + b10) * g0 * g1 + b11 * g1 * g1;
    // d/dg of alpha g g^T : tb = alpha (tb + tb^T) g ; g = F d
    const h0 = p.alpha * ((b00 + b00) * g0 + (b01 + b10) * g1);
    const h1 = p.alpha * ((b01 + b10) * g0 + (b11 + b11) * g1);
    g00 += h0 * p.d0;
    g01 += h0 * p.d1;
    g10 += h1 * p.d0;
    g11 += h1 * p.d1;
  }
  // dJ/dF = [[f11, -f10], [-f01, f00]]
  FBar[fo] += g00 + JBar * f11;
  FBar[fo + 1] += g01 - JBar * f10;
  FBar[fo + 2] += g10 - JBar * f01;
  FBar[fo + 3] += g11 + JBar * f00;
}

/**
 * Snow plasticity (Stomakhin et al. 2013, as in the 88-line MLS-MPM): clamp the singular values
 * of F to [1 - thetaC, 1 + thetaS] and move the removed volume change into Jp. In place on F[o..o+4).
 * Returns the new Jp.
 */
export function snowPlasticity2(F: Float64Array, o: number, Jp: number, thetaC: number, thetaS: number): number {
  const f00 = F[o],
    f01 = F[o + 1],
    f10 = F[o + 2],
    f11 = F[o + 3];
  const { c, s } = polarCosSin(f00, f01, f10, f11);
  // S = R^T F (symmetric), S = V diag(sig) V^T
  const s00 = c * f00 + s * f10,
    s01 = c * f01 + s * f11,
    s11 = -s * f01 + c * f11;
  const phi = 0.5 * Math.atan2(2 * s01, s00 - s11);
  const cp = Math.cos(phi),
    sp = Math.sin(phi);
  const sig0 = cp * cp * s00 + 2 * cp * sp * s01 + sp * sp * s11;
  const sig1 = sp * sp * s00 - 2 * cp * sp * s01 + cp * cp * s11;
  const n0 = Math.min(Math.max(sig0, 1 - thetaC), 1 + thetaS);
  const n1 = Math.min(Math.max(sig1, 1 - thetaC), 1 + thetaS);
  // S' = V diag(n) V^T, F' = R S'
  const q00 = cp * cp * n0 + sp * sp * n1,
    q01 = cp * sp * (n0 - n1),
    q11 = sp * sp * n0 + cp * cp * n1;
  F[o] = c * q00 - s * q01;
  F[o + 1] = c * q01 - s * q11;
  F[o + 2] = s * q00 + c * q01;
  F[o + 3] = s * q01 + c * q11;
  return (Jp * (sig0 * sig1)) / (n0 * n1);
}

/**
 * Tangent of snowPlasticity2 at (F[o..o+4), Jp) along (dF, dJp): writes dF' into dOut[0..4) and returns dJp'.
 * Singular values strictly inside the clamp leave F and Jp unchanged (the map is the identity there, also where
 * S is a multiple of I and its eigenvectors are not unique); a clamped singular value has zero derivative.
 */
function snowPlasticity2Tangent(
  F: Float64Array,
  o: number,
  Jp: number,
  thetaC: number,
  thetaS: number,
  dF: ArrayLike<number>,
  dJp: number,
  dOut: Float64Array,
): number {
  const f00 = F[o],
    f01 = F[o + 1],
    f10 = F[o + 2],
    f11 = F[o + 3];
  const [d00, d01, d10, d11] = [dF[0], dF[1], dF[2], dF[3]];
  const x = f00 + f11,
    y = f10 - f01,
    r = Math.sqrt(x * x + y * y);
  const c = x / r,
    s = y / r;
  const dx = d00 + d11,
    dy = d10 - d01,
    dr = (x * dx + y * dy) / r;
  const dc = (dx - c * dr) / r,
    ds = (dy - s * dr) / r;
  const s00 = c * f00 + s * f10,
    s01 = c * f01 + s * f11,
    s11 = -s * f01 + c * f11;
  const ds00 = dc * f00 + c * d00 + ds * f10 + s * d10;
  const ds01 = dc * f01 + c * d01 + ds * f11 + s * d11;
  const ds11 = -ds * f01 - s * d01 + dc * f11 + c * d11;
  const a = 2 * s01,
    b = s00 - s11,
    ab = a * a + b * b;
  const phi = 0.5 * Math.atan2(a, b);
  const dphi = ab > 1e-300 ? (0.5 * (b * 2 * ds01 - a * (ds00 - ds11))) / ab : 0;
  const cp = Math.cos(phi),
    sp = Math.sin(phi),
    dcp = -sp * dphi,
    dsp = cp * dphi;
  const sig0 = cp * cp * s00 + 2 * cp * sp * s01 + sp * sp * s11;
  const sig1 = sp * sp * s00 - 2 * cp * sp * s01 + cp * cp * s11;
  const lo = 1 - thetaC,
    hi = 1 + thetaS;
  const in0 = sig0 > lo && sig0 < hi,
    in1 = sig1 > lo && sig1 < hi;
  if (in0 && in1) {
    dOut[0] = d00;
    dOut[1] = d01;
    dOut[2] = d10;
    dOut[3] = d11;
    return dJp;
  }
  const dsig0 =
    2 * cp * dcp * s00 + cp * cp * ds00 + 2 * (dcp * sp + cp * dsp) * s01 + 2 * cp * sp * ds01 + 2 * sp * dsp * s11 + sp * sp * ds11;
  const dsig1 =
    2 * sp * dsp * s00 + sp * sp * ds00 - 2 * (dcp * sp + cp * dsp) * s01 - 2 * cp * sp * ds01 + 2 * cp * dcp * s11 + cp * cp * ds11;
  const n0 = Math.min(Math.max(sig0, lo), hi),
    n1 = Math.min(Math.max(sig1, lo), hi);
  const dn0 = in0 ? dsig0 : 0,
    dn1 = in1 ? dsig1 : 0;
  const q00 = cp * cp * n0 + sp * sp * n1,
    q01 = cp * sp * (n0 - n1),
    q11 = sp * sp * n0 + cp * cp * n1;
  const dq00 = 2 * cp * dcp * n0 + cp * cp * dn0 + 2 * sp * dsp * n1 + sp * sp * dn1;
  const dq01 = (dcp * sp + cp * dsp) * (n0 - n1) + cp * sp * (dn0 - dn1);
  const dq11 = 2 * sp * dsp * n0 + sp * sp * dn0 + 2 * cp * dcp * n1 + cp * cp * dn1;
  dOut[0] = dc * q00 + c * dq00 - ds * q01 - s * dq01;
  dOut[1] = dc * q01 + c * dq01 - ds * q11 - s * dq11;
  dOut[2] = ds * q00 + s * dq00 + dc * q01 + c * dq01;
  dOut[3] = ds * q01 + s * dq01 + dc * q11 + c * dq11;
  const jpNew = (Jp * sig0 * sig1) / (n0 * n1);
  return (dJp * sig0 * sig1 + Jp * (dsig0 * sig1 + sig0 * dsig1)) / (n0 * n1) - jpNew * (dn0 / n0 + dn1 / n1);
}

const unitTangents = [
  [1, 0, 0, 0],
  [0, 1, 0, 0],
  [0, 0, 1, 0],
  [0, 0, 0, 1],
] as const;
const noTangent = [0, 0, 0, 0] as const;
const tangentOut = new Float64Array(4);

/**
 * Adjoint of snowPlasticity2 at the pre-clamp (F[o..o+4), Jp): given the cotangents of F' (fBar[0..4)) and Jp'
 * (jpBar), writes the cotangent of F into gBar[go..go+4) and returns that of Jp. The 5x5 Jacobian comes from
 * five tangents (snowPlasticity2Tangent), each row of J^T times the cotangent.
 */
export function snowPlasticity2Backward(
  F: Float64Array,
  o: number,
  Jp: number,
  thetaC: number,
  thetaS: number,
  fBar: ArrayLike<number>,
  jpBar: number,
  gBar: Float64Array,
  go: number,
): number {
  const dot = (dJpOut: number): number =>
    tangentOut[0] * fBar[0] + tangentOut[1] * fBar[1] + tangentOut[2] * fBar[2] + tangentOut[3] * fBar[3] + dJpOut * jpBar;
  for (let k = 0; k < 4; k++) gBar[go + k] = dot(snowPlasticity2Tangent(F, o, Jp, thetaC, thetaS, unitTangents[k], 0, tangentOut));
  return dot(snowPlasticity2Tangent(F, o, Jp, thetaC, thetaS, noTangent, 1, tangentOut));
}
