// Scalar special functions for the reference loops and generated JS (double precision).
const TWO_OVER_SQRT_PI = 1.1283791670955126;

/**
 * erf(x) to about 1e-15: the positive series erf x = 2/sqrt(pi) e^{-x^2} sum 2^n x^{2n+1} / (2n+1)!!
 * below |x| = 2.5, the continued fraction of erfc above (both without cancellation).
 */
export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const a = Math.abs(x);
  if (a >= 6) return Math.sign(x);
  if (a < 2.5) {
    let term = a;
    let sum = a;
    for (let n = 1; term > 1e-17 * sum; n++) {
      term *= (2 * a * a) / (2 * n + 1);
      sum += term;
    }
    return Math.sign(x) * TWO_OVER_SQRT_PI * Math.exp(-a * a) * sum;
  }
  // erfc a = e^{-a^2}/sqrt(pi) / (a + (1/2)/(a + 1/(a + (3/2)/(a + ...)))), evaluated from the tail
  let f = a;
  for (let k = 80; k >= 1; k--) f = a + k / 2 / f;
  const erfc = ((TWO_OVER_SQRT_PI / 2) * Math.exp(-a * a)) / f;
  return Math.sign(x) * (1 - erfc);
}

/** log(1 + e^x) without overflow for large x or loss of precision for very negative x. */
export const softplus = (x: number): number => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
