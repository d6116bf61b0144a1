/**
 * A learned plastic return mapping for the 2D core MPM (NCLaw's plastic part): the trial F = R S (polar) is projected
 * to F' = R V diag(sigma') V^T, where the singular values move as
 *   sigma'_i = m' + h (sigma_i - m),   m = (sigma_1 + sigma_2) / 2,   m' = m + 0.05 o_2,   h = exp(-softplus(o_1)),
 * o = MLP_theta((m - 1) / 0.05, q / 0.05^2) and q = ((sigma_1 - sigma_2) / 2)^2 = (tr S / 2)^2 - det S.
 * h in (0, 1) shrinks the deviatoric part (yield), m' moves the mean (volume change). Written as F' = R (a I + b S)
 * with b = h, a = m' - h m (the same map, since a I + b S = V (a + b Sigma) V^T), so no eigenvectors are formed and the
 * map is smooth also where sigma_1 = sigma_2 (F = I included). Frame-indifferent by construction: F -> Q F changes R
 * only. The last layer starts at zero with bias (-8, 0), so an untrained network is almost elastic (h ~ 1 - 3e-4).
 */
import * as fx from '../../core/index.js';
import type { DType, Tensor } from '../../core/index.js';
import { mlp } from '../../nn/mlp.js';
import { unflattenMlp } from './neuralMaterial.js';
import { polar2 } from './polar.js';
import { det, matMul, matMulTN, type Mat } from './smallMat.js';

export interface NeuralPlasticityOptions {
  hidden?: readonly number[];
  seed?: number;
  dtype?: DType;
}

export interface NeuralPlasticity {
  /** length of the flat parameter vector */
  readonly size: number;
  init(): Tensor;
  /** the projected deformation gradient (2D, component list) */
  project(F: Mat, theta: Tensor): Mat;
}

const STRAIN = 0.05;

export function neuralPlasticity(options: NeuralPlasticityOptions = {}): NeuralPlasticity {
  const { hidden = [16, 16], seed = 0, dtype = 'f64' } = options;
  const net = mlp({ layers: [2, ...hidden, 2], activation: 'tanh', seed, dtype });
  const size = net.params.reduce((s, l) => s + l.W.size + l.b.size, 0);
  const last = net.params.length - 1;
  const init = (): Tensor =>
    fx.concat(
      net.params.flatMap((l, k) =>
        k === last ? [fx.zeros([l.W.size], dtype), fx.tensor([-8, 0], [2], dtype)] : [fx.reshape(l.W, [-1]), l.b],
      ),
    );

  function project(F: Mat, theta: Tensor): Mat {
    if (F.length !== 4) throw new Error('neuralPlasticity: 2D only (a 2x2 F)');
    if (theta.rank !== 1 || theta.shape[0] !== size)
      throw new Error(`neuralPlasticity: theta must be [${size}], got [${theta.shape.join(', ')}]`);
    const R = polar2(F);
    const S = matMulTN(R, F);
    const m = fx.mul(0.5, fx.add(S[0], S[3]));
    const q = fx.sub(fx.mul(m, m), det(S));
    const x = fx.stack([fx.mul(1 / STRAIN, fx.sub(m, 1)), fx.mul(1 / STRAIN ** 2, q)], 1);
    const o = net.apply(unflattenMlp(theta, net.params), x);
    const col = (k: number): Tensor => fx.reshape(fx.slice(o, [0, k], [o.shape[0], 1]), [o.shape[0]]);
    const h = fx.exp(fx.neg(fx.softplus(col(0))));
    const mNew = fx.add(m, fx.mul(STRAIN, col(1)));
    const a = fx.sub(mNew, fx.mul(h, m));
    // a I + b S, symmetrised (S = R^T F is symmetric only to rounding)
    const off = fx.mul(0.5, fx.add(S[1], S[2]));
    const P: Mat = [fx.add(a, fx.mul(h, S[0])), fx.mul(h, off), fx.mul(h, off), fx.add(a, fx.mul(h, S[3]))];
    return matMul(R, P);
  }
  return { size, init, project };
}
