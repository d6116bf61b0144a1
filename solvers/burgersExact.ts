// Exact periodic Burgers solution for u0(x) = A sin(2 pi x) on [0, 1) by the Cole-Hopf transform
// u = -2 nu phi_x / phi, where phi solves the heat equation phi_t = nu phi_xx from
// phi0 = exp(c cos(2 pi x)), c = A / (4 pi nu). phi0's Fourier coefficients are I_k(c), so
// phi = I_0(c) + 2 sum_k I_k(c) exp(-nu (2 pi k)^2 t) cos(2 pi k x).

/** Modified Bessel function I_k(c) by its power series (positive terms, no cancellation). */
export function besselI(k: number, c: number): number {
  let term = 1;
  for (let j = 1; j <= k; j++) term *= c / 2 / j;
  let sum = term;
  const q = (c * c) / 4;
  for (let m = 1; m < 500; m++) {
    term *= q / (m * (m + k));
    sum += term;
    if (term < 1e-17 * sum) break;
  }
  return sum;
}

/** u(x, t) for u0 = amplitude * sin(2 pi x), viscosity nu, at the given points x. */
export function burgersSineExact(x: Float64Array, t: number, nu: number, amplitude = 1): Float64Array {
  if (!(nu > 0)) throw new RangeError(`burgersSineExact: nu must be positive, got ${nu}`);
  if (!(t >= 0)) throw new RangeError(`burgersSineExact: t must be >= 0, got ${t}`);
  const c = amplitude / (4 * Math.PI * nu);
  if (Math.abs(c) > 200) throw new RangeError(`burgersSineExact: amplitude/(4 pi nu) = ${c} is too large for the series (|c| <= 200)`);
  const coeffs: number[] = [];
  const i0 = besselI(0, Math.abs(c));
  for (let k = 1; k < 400; k++) {
    // I_k(-c) = (-1)^k I_k(c); normalize by I_0 so large c does not overflow
    const ik = (besselI(k, Math.abs(c)) / i0) * (c < 0 && k % 2 === 1 ? -1 : 1);
    const a = 2 * ik * Math.exp(-nu * (2 * Math.PI * k) ** 2 * t);
    coeffs.push(a);
    if (Math.abs(a) < 1e-18 && k > Math.abs(c)) break;
  }
  const u = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    let phi = 1,
      phiX = 0;
    for (let k = 1; k <= coeffs.length; k++) {
      const w = 2 * Math.PI * k;
      phi += coeffs[k - 1] * Math.cos(w * x[i]);
      phiX -= coeffs[k - 1] * w * Math.sin(w * x[i]);
    }
    u[i] = (-2 * nu * phiX) / phi;
  }
  return u;
}
