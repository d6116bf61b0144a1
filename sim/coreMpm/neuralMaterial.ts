/**
 * A learned hyperelastic law for the core MLS-MPM (the elastic part of NCLaw, Ma et al. 2023), written as a core
 * program of the deformation gradient F and one flat parameter vector theta, so a rollout is differentiable in theta.
 *
 * The energy depends on F only through invariants, which makes the law frame-indifferent by construction
 * (psi(Q F) = psi(F) for rotations Q, hence P(Q F) = Q P(F) and tau(Q F) = Q tau(F) Q^T) and isotropic:
 *   x = (Ibar1 - d, J - 1),  Ibar1 = tr(F^T F) J^{-2/d} (isochoric),  J = det F,
 *   psi = E0 [ (Ibar1 - d) exp(m_1(x)) / 2 + (J - 1)^2 exp(m_2(x)) / 2 ],  m = MLP_theta(x).
 * Both brackets are >= 0 and vanish to second order at F = I (Ibar1 >= d with equality for F J^{-1/d} a rotation),
 * so stress is zero at rest and the stiffness there is positive for every theta: an untrained network is a stable,
 * wrongly stiff material rather than an exploding one. Neo-Hookean is exactly representable (m_1 = log(mu J / E0),
 * m_2 = log(2 g(J) / (E0 (J - 1)^2)) with g its volumetric part). P = d psi / d F comes from the core's grad, and
 * tau = P F^T is what MLS-MPM scatters.
 */
import * as fx from '../../core/index.js';
import type { DType, Tensor } from '../../core/index.js';
import { mlp, type MlpParams } from '../../nn/mlp.js';
import { det, dimOf, matMulNT, rows, stackRows, type Mat } from './smallMat.js';

export interface NeuralElasticityOptions {
  dim: 2 | 3;
  /** E0: the stiffness scale the network's moduli are relative to (a prior guess of Young's modulus) */
  stiffness: number;
  /** hidden widths of the MLP (default [16, 16]) */
  hidden?: readonly number[];
  /** seed of the Glorot initialisation */
  seed?: number;
  dtype?: DType;
}

export interface NeuralElasticity {
  readonly dim: 2 | 3;
  /** length of the flat parameter vector theta */
  readonly size: number;
  /** the seeded initial theta */
  init(): Tensor;
  /** strain energy density per particle [N] */
  energy(F: Mat, theta: Tensor): Tensor;
  /** first Piola-Kirchhoff stress P = d psi / d F (component list, row-major) */
  piola(F: Mat, theta: Tensor): Mat;
  /** Kirchhoff stress tau = P F^T */
  kirchhoff(F: Mat, theta: Tensor): Mat;
}

/** The MLP's layers read back out of the flat vector (leaf order of the MlpParams tree: W then b per layer). */
export function unflattenMlp(theta: Tensor, like: MlpParams): MlpParams {
  let at = 0;
  const take = (shape: readonly number[]): Tensor => {
    const size = shape.reduce((a, b) => a * b, 1);
    const t = fx.reshape(fx.slice(theta, [at], [size]), shape);
    at += size;
    return t;
  };
  return like.map((l) => ({ W: take(l.W.shape), b: take(l.b.shape) }));
}

export function neuralElasticity(options: NeuralElasticityOptions): NeuralElasticity {
  const { dim, stiffness, hidden = [16, 16], seed = 0, dtype = 'f64' } = options;
  if (dim !== 2 && dim !== 3) throw new Error(`neuralElasticity: dim must be 2 or 3, got ${String(dim)}`);
  if (!(stiffness > 0) || !Number.isFinite(stiffness)) throw new Error(`neuralElasticity: stiffness must be > 0, got ${stiffness}`);
  const net = mlp({ layers: [2, ...hidden, 2], activation: 'tanh', seed, dtype });
  const size = net.params.reduce((s, l) => s + l.W.size + l.b.size, 0);
  const init = (): Tensor => fx.concat(net.params.flatMap((l) => [fx.reshape(l.W, [-1]), l.b]));

  function energy(F: Mat, theta: Tensor): Tensor {
    if (dimOf(F) !== dim) throw new Error(`neuralElasticity: built for d = ${dim}, got a ${dimOf(F)}x${dimOf(F)} F`);
    if (theta.rank !== 1 || theta.shape[0] !== size)
      throw new Error(`neuralElasticity: theta must be [${size}], got [${theta.shape.join(', ')}]`);
    const J = det(F);
    const i1 = F.slice(1).reduce((s, f) => fx.add(s, fx.mul(f, f)), fx.mul(F[0], F[0]));
    const iso = fx.sub(dim === 2 ? fx.div(i1, J) : fx.mul(i1, fx.pow(J, -2 / 3)), dim);
    const vol = fx.sub(J, 1);
    const m = net.apply(unflattenMlp(theta, net.params), fx.stack([iso, vol], 1));
    const col = (k: number): Tensor => fx.reshape(fx.slice(m, [0, k], [m.shape[0], 1]), [m.shape[0]]);
    const shear = fx.mul(iso, fx.exp(col(0)));
    const bulk = fx.mul(fx.mul(vol, vol), fx.exp(col(1)));
    return fx.mul(stiffness / 2, fx.add(shear, bulk));
  }

  // theta is differentiated too (its cotangent is dropped) so that it enters the inner graph as an input: under an
  // outer grad or jit the inner pullback is then traced in terms of the outer theta, and d P / d theta is kept
  const energyGrad = fx.grad((Fs: Tensor, th: Tensor) => fx.sum(energy(rows(Fs), th)), [0, 1]);
  const piola = (F: Mat, theta: Tensor): Mat => rows((energyGrad(stackRows(F), theta) as Tensor[])[0]);
  const kirchhoff = (F: Mat, theta: Tensor): Mat => matMulNT(piola(F, theta), F);
  return { dim, size, init, energy, piola, kirchhoff };
}
