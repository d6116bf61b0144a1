/**
 * 3D Kirchhoff stresses tau = P F^T and adjoints (row-major 3x3 on (array, offset)).
 * Fixed-corotated uses the polar rotation R (Newton iteration) and its exact adjoint:
 * with S = R^T F, K = tr(S) I - S, G = R^T R-bar, gamma = vee(G - G^T),
 * F-bar += R hat(K^{-1} gamma)   (from R^T dR = hat(w), (tr(S) I - S) w = vee(R^T dF - dF^T R)).
 */
import type { MpmMaterial, StressBar } from './materials2d.js';
import { cofactor3, det3, mul3, mulNT3, mulTN3, polar3, solve3 } from './mat3.js';

export interface StressParams3 {
  mu: number;
  lambda: number;
  alpha: number;
  /** unit actuation direction */
  d: Float64Array;
}

const Fm = new Float64Array(9);
const R = new Float64Array(9);
const A = new Float64Array(9);
const T1 = new Float64Array(9);
const T2 = new Float64Array(9);
const cof = new Float64Array(9);
const eta = new Float64Array(3);
const g = new Float64Array(3);

function load(F: Float64Array, o: number): void {
  for (let k = 0; k < 9; k++) Fm[k] = F[o + k];
}

function actuationVector(p: StressParams3): void {
  for (let i = 0; i < 3; i++) g[i] = Fm[3 * i] * p.d[0] + Fm[3 * i + 1] * p.d[1] + Fm[3 * i + 2] * p.d[2];
}

export function kirchhoff3(m: MpmMaterial, F: Float64Array, o: number, p: StressParams3, out: Float64Array): void {
  load(F, o);
  const J = det3(Fm);
  if (m === 'neoHookean') {
    if (!(J > 0)) throw new Error(`neoHookean: det(F) = ${J} is not positive (inverted element)`);
    mulNT3(Fm, Fm, out);
    const lj = p.lambda * Math.log(J);
    for (let k = 0; k < 9; k++) out[k] *= p.mu;
    out[0] += lj - p.mu;
    out[4] += lj - p.mu;
    out[8] += lj - p.mu;
  } else if (m === 'fluid') {
    const kb = p.lambda + (2 / 3) * p.mu;
    out.fill(0);
    out[0] = out[4] = out[8] = kb * J * (J - 1);
  } else if (m === 'fixedCorotated') {
    polar3(Fm, 0, R);
    for (let k = 0; k < 9; k++) A[k] = Fm[k] - R[k];
    mulNT3(A, Fm, out);
    for (let k = 0; k < 9; k++) out[k] *= 2 * p.mu;
    const lj = p.lambda * J * (J - 1);
    out[0] += lj;
    out[4] += lj;
    out[8] += lj;
  } else {
    throw new Error(`MPM 3D: material ${m} is not supported in 3D (use fixedCorotated, neoHookean or fluid)`);
  }
  if (p.alpha !== 0) {
    actuationVector(p);
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) out[3 * i + j] += p.alpha * g[i] * g[j];
  }
}

/** Accumulate F-bar into FBar[fo..fo+9) and parameter cotangents into pb, given tau-bar tb. */
export function kirchhoff3Backward(
  m: MpmMaterial,
  F: Float64Array,
  o: number,
  p: StressParams3,
  tb: Float64Array,
  FBar: Float64Array,
  fo: number,
  pb: StressBar,
): void {
  load(F, o);
  const J = det3(Fm);
  const tr = tb[0] + tb[4] + tb[8];
  let JBar = 0;
  // T1 = tb + tb^T
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) T1[3 * i + j] = tb[3 * i + j] + tb[3 * j + i];
  if (m === 'neoHookean') {
    mul3(T1, Fm, T2);
    for (let k = 0; k < 9; k++) FBar[fo + k] += p.mu * T2[k];
    JBar += (p.lambda * tr) / J;
    mulNT3(Fm, Fm, T2);
    let s = 0;
    for (let k = 0; k < 9; k++) s += tb[k] * T2[k];
    pb.mu += s - tr;
    pb.lambda += tr * Math.log(J);
  } else if (m === 'fluid') {
    const kb = p.lambda + (2 / 3) * p.mu;
    JBar += kb * (2 * J - 1) * tr;
    const kbar = tr * J * (J - 1);
    pb.lambda += kbar;
    pb.mu += (2 / 3) * kbar;
  } else {
    polar3(Fm, 0, R);
    for (let k = 0; k < 9; k++) A[k] = Fm[k] - R[k];
    const tm = 2 * p.mu;
    // mu-bar = 2 tb : (A F^T)
    mulNT3(A, Fm, T2);
    let s = 0;
    for (let k = 0; k < 9; k++) s += tb[k] * T2[k];
    pb.mu += 2 * s;
    pb.lambda += tr * J * (J - 1);
    // A-bar = tm tb F (into T1), F-bar += A-bar + tm tb^T A
    mul3(tb, Fm, T1);
    for (let k = 0; k < 9; k++) T1[k] *= tm;
    mulTN3(tb, A, T2);
    for (let k = 0; k < 9; k++) FBar[fo + k] += T1[k] + tm * T2[k];
    // R-bar = -A-bar ; G = R^T R-bar
    for (let k = 0; k < 9; k++) T1[k] = -T1[k];
    mulTN3(R, T1, T2);
    const g0 = T2[7] - T2[5],
      g1 = T2[2] - T2[6],
      g2 = T2[3] - T2[1];
    // K = tr(S) I - S, S = R^T F
    mulTN3(R, Fm, A);
    const trS = A[0] + A[4] + A[8];
    for (let k = 0; k < 9; k++) A[k] = -A[k];
    A[0] += trS;
    A[4] += trS;
    A[8] += trS;
    solve3(A, g0, g1, g2, eta);
    // F-bar += R hat(eta), hat(e) = [[0,-e2,e1],[e2,0,-e0],[-e1,e0,0]]
    for (let i = 0; i < 3; i++) {
      const r0 = R[3 * i],
        r1 = R[3 * i + 1],
        r2 = R[3 * i + 2];
      FBar[fo + 3 * i] += r1 * eta[2] - r2 * eta[1];
      FBar[fo + 3 * i + 1] += -r0 * eta[2] + r2 * eta[0];
      FBar[fo + 3 * i + 2] += r0 * eta[1] - r1 * eta[0];
    }
    JBar += p.lambda * (2 * J - 1) * tr;
  }
  // actuation alpha g g^T, g = F d
  actuationVector(p);
  let ab = 0;
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) ab += tb[3 * i + j] * g[i] * g[j];
  pb.alpha += ab;
  if (p.alpha !== 0) {
    for (let i = 0; i < 3; i++) {
      let h = 0;
      for (let j = 0; j < 3; j++) h += (tb[3 * i + j] + tb[3 * j + i]) * g[j];
      h *= p.alpha;
      for (let j = 0; j < 3; j++) FBar[fo + 3 * i + j] += h * p.d[j];
    }
  }
  if (JBar !== 0) {
    cofactor3(Fm, 0, cof);
    for (let k = 0; k < 9; k++) FBar[fo + k] += JBar * cof[k];
  }
}
