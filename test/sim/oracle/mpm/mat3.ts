/** Small row-major 3x3 helpers on (array, offset) storage, allocation-free. */
export function det3(a: Float64Array, o = 0): number {
  return (
    a[o] * (a[o + 4] * a[o + 8] - a[o + 5] * a[o + 7]) -
    a[o + 1] * (a[o + 3] * a[o + 8] - a[o + 5] * a[o + 6]) +
    a[o + 2] * (a[o + 3] * a[o + 7] - a[o + 4] * a[o + 6])
  );
}

/** out = cofactor matrix of a (= det(a) a^{-T}), i.e. d det / d a. */
export function cofactor3(a: Float64Array, o: number, out: Float64Array): void {
  out[0] = a[o + 4] * a[o + 8] - a[o + 5] * a[o + 7];
  out[1] = a[o + 5] * a[o + 6] - a[o + 3] * a[o + 8];
  out[2] = a[o + 3] * a[o + 7] - a[o + 4] * a[o + 6];
  out[3] = a[o + 2] * a[o + 7] - a[o + 1] * a[o + 8];
  out[4] = a[o] * a[o + 8] - a[o + 2] * a[o + 6];
  out[5] = a[o + 1] * a[o + 6] - a[o] * a[o + 7];
  out[6] = a[o + 1] * a[o + 5] - a[o + 2] * a[o + 4];
  out[7] = a[o + 2] * a[o + 3] - a[o] * a[o + 5];
  out[8] = a[o] * a[o + 4] - a[o + 1] * a[o + 3];
}

/** out = a b (no aliasing of out with a or b). */
export function mul3(a: Float64Array, b: Float64Array, out: Float64Array): void {
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) {
      out[3 * i + j] = a[3 * i] * b[j] + a[3 * i + 1] * b[3 + j] + a[3 * i + 2] * b[6 + j];
    }
  }
}

/** out = a^T b */
export function mulTN3(a: Float64Array, b: Float64Array, out: Float64Array): void {
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) out[3 * i + j] = a[i] * b[j] + a[3 + i] * b[3 + j] + a[6 + i] * b[6 + j];
  }
}

/** out = a b^T */
export function mulNT3(a: Float64Array, b: Float64Array, out: Float64Array): void {
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) out[3 * i + j] = a[3 * i] * b[3 * j] + a[3 * i + 1] * b[3 * j + 1] + a[3 * i + 2] * b[3 * j + 2];
  }
}

const tmpInv = new Float64Array(9);
const tmpR = new Float64Array(9);

/**
 * Rotation of the polar decomposition F = R S by Higham's scaled Newton iteration
 * R <- (g R + R^{-T} / g) / 2. Requires det F != 0 (det F < 0 gives an improper R).
 */
export function polar3(F: Float64Array, o: number, R: Float64Array): void {
  for (let k = 0; k < 9; k++) R[k] = F[o + k];
  for (let it = 0; it < 30; it++) {
    const d = det3(R);
    if (d === 0) throw new Error('polar3: singular deformation gradient (det F = 0)');
    cofactor3(R, 0, tmpInv); // R^{-T} = cof(R) / det
    let nR = 0,
      nI = 0;
    for (let k = 0; k < 9; k++) {
      nR += R[k] * R[k];
      tmpInv[k] /= d;
      nI += tmpInv[k] * tmpInv[k];
    }
    const g = it < 6 ? Math.sqrt(Math.sqrt(nI / nR)) : 1;
    let change = 0;
    for (let k = 0; k < 9; k++) {
      const v = 0.5 * (g * R[k] + tmpInv[k] / g);
      change += (v - R[k]) * (v - R[k]);
      tmpR[k] = v;
    }
    R.set(tmpR);
    if (change < 1e-30) break;
  }
}

/** Solve the symmetric 3x3 system K y = b (Cramer), writing y into out. */
export function solve3(K: Float64Array, b0: number, b1: number, b2: number, out: Float64Array): void {
  cofactor3(K, 0, tmpInv);
  const d = det3(K);
  // K^{-1} = cof(K)^T / det
  out[0] = (tmpInv[0] * b0 + tmpInv[3] * b1 + tmpInv[6] * b2) / d;
  out[1] = (tmpInv[1] * b0 + tmpInv[4] * b1 + tmpInv[7] * b2) / d;
  out[2] = (tmpInv[2] * b0 + tmpInv[5] * b1 + tmpInv[8] * b2) / d;
}
