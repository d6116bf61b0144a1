/**
 * Constitutive models as core functions of the deformation gradient, written once for d = 2 and 3:
 * Kirchhoff stress tau = P F^T (what MLS-MPM scatters), and snow's plastic return mapping (2D).
 * Same formulas as the oracle's test/sim/oracle/mpm/materials{2,3}d.ts; derivatives come from the core.
 */
import * as fx from '../../core/index.js';
import type { Tensor } from '../../core/index.js';
import type { MpmMaterial } from '../mpmOptions.js';
import type { NeuralElasticity } from './neuralMaterial.js';
import { polar2, polar3 } from './polar.js';
import { addDiagonal, det, dimOf, matMul, matMulNT, matVec, scaleMat, subMat, type Mat } from './smallMat.js';

export interface StressInputs {
  /** Lamé parameters: scalars, or per particle [N] (snow's hardened moduli) */
  mu: Tensor;
  lambda: Tensor;
  /** actuation stress scale per particle [N] (alpha F d d^T F^T), or null for none */
  alpha: Tensor | null;
  /** unit actuation direction */
  direction: readonly number[];
  /** the learned law and its parameters (material 'neural' only) */
  neural?: { law: NeuralElasticity; theta: Tensor };
}

/** The analytic materials of sim/mpm plus the learned one. */
export type CoreMpmMaterial = MpmMaterial | 'neural';

/** Polar rotation of F, closed form in 2D and Newton with a custom vjp in 3D. */
export const polarRotation = (F: Mat): Mat => (F.length === 4 ? polar2(F) : polar3(F));

/** Kirchhoff stress of `material` (snow is fixed-corotated with the hardened moduli it is given). */
export function kirchhoff(material: CoreMpmMaterial, F: Mat, p: StressInputs): Mat {
  const d = dimOf(F);
  const J = det(F);
  let tau: Mat;
  if (material === 'neural') {
    if (!p.neural) throw new Error("kirchhoff: material 'neural' needs the law and its parameters theta");
    tau = p.neural.law.kirchhoff(F, p.neural.theta);
  } else if (material === 'neoHookean') {
    // mu (F F^T - I) + lambda log J I
    tau = addDiagonal(scaleMat(addDiagonal(matMulNT(F, F), -1), p.mu), fx.mul(p.lambda, fx.log(J)));
  } else if (material === 'fluid') {
    // pressure only: K J (J - 1) I with the bulk modulus K = lambda + 2 mu / d
    const k = fx.add(p.lambda, fx.mul(2 / d, p.mu));
    const pressure = fx.mul(fx.mul(k, J), fx.sub(J, 1));
    const zero = fx.zerosLike(pressure);
    tau = F.map((_, i) => (i % (d + 1) === 0 ? pressure : zero));
  } else {
    // fixed corotated: 2 mu (F - R) F^T + lambda J (J - 1) I
    const A = subMat(F, polarRotation(F));
    tau = addDiagonal(scaleMat(matMulNT(A, F), fx.mul(2, p.mu)), fx.mul(fx.mul(p.lambda, J), fx.sub(J, 1)));
  }
  if (p.alpha) {
    const alpha = p.alpha;
    const g = matVec(F, p.direction);
    tau = tau.map((t, k) => fx.add(t, fx.mul(fx.mul(alpha, g[Math.floor(k / d)]), g[k % d])));
  }
  return tau;
}

export interface SnowResult {
  F: Mat;
  Jp: Tensor;
}

/** The plastic return mapping's branch where some singular value is clamped (valid where S has distinct singular values). */
function clampSingularValues(F: Mat, Jp: Tensor, lo: number, hi: number): SnowResult & { sig: [Tensor, Tensor] } {
  const [c, , s] = polar2(F);
  // S = R^T F (symmetric) = V diag(sig) V^T with V the rotation by phi
  const s00 = fx.add(fx.mul(c, F[0]), fx.mul(s, F[2]));
  const s01 = fx.add(fx.mul(c, F[1]), fx.mul(s, F[3]));
  const s11 = fx.add(fx.mul(fx.neg(s), F[1]), fx.mul(c, F[3]));
  const a = fx.mul(2, s01);
  const b = fx.sub(s00, s11);
  // S = sigma I has any V: atan2(0, 0) has no derivative, so read phi = 0 there (as the hand-written tangent)
  const defined = fx.greater(fx.add(fx.mul(a, a), fx.mul(b, b)), 1e-300);
  const phi = fx.mul(0.5, fx.atan2(fx.where(defined, a, 0), fx.where(defined, b, 1)));
  const cp = fx.cos(phi);
  const sp = fx.sin(phi);
  const cc = fx.mul(cp, cp);
  const ss = fx.mul(sp, sp);
  const cs2 = fx.mul(fx.mul(2, cp), sp);
  const sig0 = fx.add(fx.add(fx.mul(cc, s00), fx.mul(cs2, s01)), fx.mul(ss, s11));
  const sig1 = fx.add(fx.sub(fx.mul(ss, s00), fx.mul(cs2, s01)), fx.mul(cc, s11));
  const clamp = (x: Tensor): Tensor => fx.minimum(fx.maximum(x, lo), hi);
  const n0 = clamp(sig0);
  const n1 = clamp(sig1);
  const q00 = fx.add(fx.mul(cc, n0), fx.mul(ss, n1));
  const q01 = fx.mul(fx.mul(cp, sp), fx.sub(n0, n1));
  const q11 = fx.add(fx.mul(ss, n0), fx.mul(cc, n1));
  const Fn = [
    fx.sub(fx.mul(c, q00), fx.mul(s, q01)),
    fx.sub(fx.mul(c, q01), fx.mul(s, q11)),
    fx.add(fx.mul(s, q00), fx.mul(c, q01)),
    fx.add(fx.mul(s, q01), fx.mul(c, q11)),
  ];
  return { F: Fn, Jp: fx.div(fx.mul(Jp, fx.mul(sig0, sig1)), fx.mul(n0, n1)), sig: [sig0, sig1] };
}

/**
 * Snow plasticity (2D, Stomakhin et al. 2013): singular values of F clamped to [1 - thetaC, 1 + thetaS], the
 * removed volume change moved into Jp. Where no singular value is clamped the map is the identity, with identity
 * derivative even where S = sigma I (its eigenvectors, and so the clamped branch's derivative, are undefined there):
 * the clamped branch is evaluated at a harmless stand-in for those particles so its unused derivative stays finite.
 */
export function snowPlasticity(F: Mat, Jp: Tensor, thetaC: number, thetaS: number): SnowResult {
  const lo = 1 - thetaC;
  const hi = 1 + thetaS;
  const probe = clampSingularValues(F.map(fx.stopGradient), fx.stopGradient(Jp), lo, hi);
  const inside = (x: Tensor): Tensor => fx.mul(fx.greater(x, lo), fx.greater(hi, x));
  const elastic = fx.mul(inside(probe.sig[0]), inside(probe.sig[1]));
  const standIn = [1.01, 0.001, -0.002, 0.98];
  const Fs = F.map((f, k) => fx.where(elastic, standIn[k], f));
  const plastic = clampSingularValues(Fs, Jp, lo, hi);
  return { F: F.map((f, k) => fx.where(elastic, f, plastic.F[k])), Jp: fx.where(elastic, Jp, plastic.Jp) };
}

/** F' = (I + dt C) F */
export function updateDeformation(F: Mat, C: Mat, dt: number): Mat {
  const CF = matMul(C, F);
  return F.map((f, k) => fx.add(f, fx.mul(dt, CF[k])));
}

/** Fluids keep only the volume change: F = J^{1/d} I. */
export function fluidReset(F: Mat): Mat {
  const d = dimOf(F);
  const J = det(F);
  const r = d === 2 ? fx.sqrt(J) : fx.pow(J, 1 / 3);
  const zero = fx.zerosLike(r);
  return F.map((_, k) => (k % (d + 1) === 0 ? r : zero));
}
