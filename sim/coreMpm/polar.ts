/**
 * Rotation R of the polar decomposition F = R S for small matrices as core programs.
 * 2D: closed form from the angle of (f00 + f11, f10 - f01); its derivative by the core is exact and well
 * defined wherever R is (F not a multiple of a reflection), repeated singular values included.
 * 3D: scaled Newton iteration (as sim/mpm/mat3.ts polar3) with a custom vjp, because differentiating the
 * iteration itself is expensive and only converges with it: R-bar -> F-bar = R hat(K^{-1} vee(G - G^T)),
 * G = R^T R-bar, K = tr(S) I - S (from R^T dR = hat(w), K w = vee(R^T dF - dF^T R)). K's eigenvalues are
 * the pairwise sums of singular values, so it stays invertible when singular values repeat (F = I included).
 */
import * as fx from '../../core/index.js';
import type { Tensor } from '../../core/index.js';
import { addDiagonal, cofactor, det, matMulTN, rows, scaleMat, stackRows, trace, type Mat } from './smallMat.js';

/** 2D polar rotation [c, -s, s, c]; F = 0-like inputs (no defined angle) give R = I, as the hand-written code. */
export function polar2(F: Mat): Mat {
  const x = fx.add(F[0], F[3]);
  const y = fx.sub(F[2], F[1]);
  const r = fx.sqrt(fx.add(fx.mul(x, x), fx.mul(y, y)));
  const has = fx.greater(r, 0);
  // the unselected branch of `where` must stay finite or its zero cotangent times inf poisons the gradient
  const safe = fx.where(has, r, 1);
  const c = fx.where(has, fx.div(x, safe), 1);
  const s = fx.where(has, fx.div(y, safe), 0);
  return [c, fx.neg(s), s, c];
}

/** Newton steps: 6 scaled (Higham) then unscaled ones; from F near a rotation this reaches f64 rounding. */
const SCALED_STEPS = 6;
const NEWTON_STEPS = 10;

function newtonPolar3(F: Mat): Mat {
  let R = F;
  for (let it = 0; it < NEWTON_STEPS; it++) {
    const invT = scaleMat(cofactor(R), fx.div(1, det(R)));
    let next: Mat;
    if (it < SCALED_STEPS) {
      const sq = (m: Mat): Tensor => m.slice(1).reduce((s, x) => fx.add(s, fx.mul(x, x)), fx.mul(m[0], m[0]));
      const g = fx.sqrt(fx.sqrt(fx.div(sq(invT), sq(R))));
      next = R.map((r, k) => fx.mul(0.5, fx.add(fx.mul(g, r), fx.div(invT[k], g))));
    } else {
      next = R.map((r, k) => fx.mul(0.5, fx.add(r, invT[k])));
    }
    R = next;
  }
  return R;
}

const polar3Rows = (F: Tensor): Tensor => stackRows(newtonPolar3(rows(F)));

/** F-bar of the polar rotation for cotangent R-bar (see the module comment). */
function polar3Backward(Rt: Tensor, Ft: Tensor, RBar: Tensor): Tensor {
  const R = rows(Rt);
  const G = matMulTN(R, rows(RBar));
  const gamma = [fx.sub(G[7], G[5]), fx.sub(G[2], G[6]), fx.sub(G[3], G[1])];
  const S = matMulTN(R, rows(Ft));
  const K = addDiagonal(scaleMat(S, -1), trace(S));
  const cof = cofactor(K);
  const d = det(K);
  const eta = [0, 1, 2].map((i) =>
    fx.div(fx.add(fx.add(fx.mul(cof[i], gamma[0]), fx.mul(cof[3 + i], gamma[1])), fx.mul(cof[6 + i], gamma[2])), d),
  );
  const out: Tensor[] = [];
  for (let i = 0; i < 3; i++) {
    const [r0, r1, r2] = [R[3 * i], R[3 * i + 1], R[3 * i + 2]];
    out.push(fx.sub(fx.mul(r1, eta[2]), fx.mul(r2, eta[1])));
    out.push(fx.sub(fx.mul(r2, eta[0]), fx.mul(r0, eta[2])));
    out.push(fx.sub(fx.mul(r0, eta[1]), fx.mul(r1, eta[0])));
  }
  return stackRows(out);
}

/** 3D polar rotation of F given as [9, N] rows (row-major entries); returns R as [9, N]. */
export const polar3Tensor: (F: Tensor) => Tensor = fx.customVjp(
  polar3Rows,
  (F) => {
    const R = polar3Rows(F);
    return [R, [R, F]];
  },
  ([R, F], RBar) => [polar3Backward(R, F, RBar)],
);

/** 3D polar rotation on component lists. */
export const polar3 = (F: Mat): Mat => rows(polar3Tensor(stackRows(F)));
