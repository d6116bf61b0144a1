import { checkModuli } from '../../../../sim/mpmOptions.js';

/** Young's modulus / Poisson ratio <-> Lamé parameters, and the chain rule back to (E, nu). */
export interface Lame {
  mu: number;
  lambda: number;
}

export function lame(E: number, nu: number): Lame {
  checkModuli(E, nu);
  return { mu: E / (2 * (1 + nu)), lambda: (E * nu) / ((1 + nu) * (1 - 2 * nu)) };
}

/** Map (d loss/d mu, d loss/d lambda) to (d loss/d E, d loss/d nu). */
export function lameBackward(E: number, nu: number, muBar: number, lambdaBar: number): { E: number; nu: number } {
  const q = (1 + nu) * (1 - 2 * nu);
  return {
    E: muBar / (2 * (1 + nu)) + (lambdaBar * nu) / q,
    nu: (-muBar * E) / (2 * (1 + nu) * (1 + nu)) + (lambdaBar * E * (1 + 2 * nu * nu)) / (q * q),
  };
}
