// Benchmark problems as ProblemSpecs (shared by examples/pinn, tests and bench/pinn.ts).
import { existsSync } from 'node:fs';
import * as ops from '../core/ops.js';
import { interval, rectangle } from '../meshes/geometry/hypercube.js';
import { disk } from '../meshes/geometry/hypersphere.js';
import { difference, unionAll } from '../meshes/geometry/csg.js';
import { timeDomain } from '../meshes/geometry/timeDomain.js';
import { loadReference } from '../meshes/data/reference.js';
import { getArray } from '../meshes/data/types.js';
import type { ProblemSpec, ReferenceSet } from './problem.js';
import { column } from './transforms.js';
import { PACKAGE_DATA_DIR } from './packageData.js';

/** The reference data shipped with the package (data/ next to package.json). */
export const DATA_DIR = PACKAGE_DATA_DIR;
const near = (a: number, b: number): boolean => Math.abs(a - b) < 1e-6;

/** 1D Poisson -u_xx = f on [-1, 1], u(+-1) = 0, exact sin(pi x); f derived symbolically. */
export function poisson1d(): ProblemSpec {
  return {
    coords: ['x'],
    fields: ['u'],
    domain: interval(-1, 1),
    pde: '-u_xx = f',
    exact: { u: 'sin(pi*x)' },
    conditions: [{ kind: 'dirichlet', field: 'u', value: 0, name: 'bc' }],
  };
}

/** 2D Poisson -lap u = f on [0,1]^2 with u = sin(pi x) sin(pi y) (the bench problem). */
export function poisson2dSine(): ProblemSpec {
  return {
    coords: ['x', 'y'],
    fields: ['u'],
    domain: rectangle([0, 0], [1, 1]),
    pde: '-lap(u) = f',
    exact: { u: 'sin(pi*x)*sin(pi*y)' },
    conditions: [{ kind: 'dirichlet', field: 'u', value: 0, name: 'bc' }],
  };
}

/** Grid reference from a COMSOL table with one column per time (x by t). */
function spaceTimeReference(path: string): ReferenceSet {
  const ref = loadReference(path);
  const x = getArray(ref, ref.names[0]).data;
  const u = getArray(ref, 'u');
  const t = ref.times as Float64Array;
  const nx = x.length;
  const nt = t.length;
  const points = new Float64Array(nx * nt * 2);
  const values = new Float64Array(nx * nt);
  for (let i = 0; i < nx; i++) {
    for (let k = 0; k < nt; k++) {
      const r = i * nt + k;
      points[2 * r] = x[i];
      points[2 * r + 1] = t[k];
      values[r] = u.data[i * nt + k];
    }
  }
  return { points, values: { u: values } };
}

/** 1D Burgers u_t + u u_x = (0.01/pi) u_xx, x in [-1,1], t in [0,1], u0 = -sin(pi x), u(+-1) = 0 (PINNacle data). */
export function burgers1d(dataPath = `${DATA_DIR}/burgers1d.dat`): ProblemSpec {
  return {
    coords: ['x', 't'],
    fields: ['u'],
    domain: timeDomain(interval(-1, 1), 0, 1),
    constants: { nu: 0.01 / Math.PI },
    pde: 'u_t + u*u_x - nu*u_xx',
    conditions: [
      { kind: 'dirichlet', field: 'u', value: 0, name: 'bc' },
      { kind: 'initial', field: 'u', value: '-sin(pi*x)', name: 'ic' },
    ],
    reference: existsSync(dataPath) ? spaceTimeReference(dataPath) : undefined,
  };
}

/**
 * PINNacle Poisson2d-C: -lap u = 0 on [-0.5,0.5]^2 minus four disks of radius 0.1 at (+-0.3, +-0.3);
 * u = 1 on the outer square, u = 0 on the holes (checked against the data: 112 zero-valued nodes at r = 0.1).
 */
export function poisson2dHoles(dataPath = `${DATA_DIR}/poisson1_cg_data.dat`): ProblemSpec {
  const centers: Array<[number, number]> = [
    [0.3, 0.3],
    [-0.3, 0.3],
    [0.3, -0.3],
    [-0.3, -0.3],
  ];
  const domain = difference(rectangle([-0.5, -0.5], [0.5, 0.5]), unionAll(centers.map((c) => disk(c, 0.1))));
  const onOuter = (p: Float64Array): boolean => Math.abs(Math.abs(p[0]) - 0.5) < 1e-6 || Math.abs(Math.abs(p[1]) - 0.5) < 1e-6;
  let reference: ReferenceSet | undefined;
  if (existsSync(dataPath)) {
    const ref = loadReference(dataPath);
    const X = getArray(ref, 'X').data;
    const Y = getArray(ref, 'Y').data;
    const points = new Float64Array(X.length * 2);
    X.forEach((x, i) => {
      points[2 * i] = x;
      points[2 * i + 1] = Y[i];
    });
    reference = { points, values: { u: Float64Array.from(getArray(ref, 'u').data) } };
  }
  return {
    coords: ['x', 'y'],
    fields: ['u'],
    domain,
    pde: '-lap(u) = 0',
    conditions: [
      { kind: 'dirichlet', field: 'u', value: 1, where: onOuter, name: 'bc_outer' },
      { kind: 'dirichlet', field: 'u', value: 0, where: (p) => !onOuter(p), name: 'bc_holes' },
    ],
    reference,
  };
}

/** Helmholtz lap u + k^2 u = q on [-1,1]^2, u = sin(pi x) sin(4 pi y) (Wang, Teng, Perdikaris 2021); q derived. */
export function helmholtz2d(): ProblemSpec {
  return {
    coords: ['x', 'y'],
    fields: ['u'],
    domain: rectangle([-1, -1], [1, 1]),
    constants: { k: 1 },
    pde: 'lap(u) + k^2*u = q',
    exact: { u: 'sin(pi*x)*sin(4*pi*y)' },
    conditions: [{ kind: 'dirichlet', field: 'u', value: 0, name: 'bc' }],
  };
}

/** Wave u_tt = 4 u_xx on [0,1] x [0,1] (DeepXDE): u = sin(pi x) cos(2 pi t) + 0.5 sin(4 pi x) cos(8 pi t). */
export function wave1d(): ProblemSpec {
  const exact = 'sin(pi*x)*cos(2*pi*t) + 0.5*sin(4*pi*x)*cos(8*pi*t)';
  return {
    coords: ['x', 't'],
    fields: ['u'],
    domain: timeDomain(interval(0, 1), 0, 1),
    pde: 'u_tt - 4*u_xx',
    exact: { u: exact },
    conditions: [
      { kind: 'dirichlet', field: 'u', value: 0, name: 'bc' },
      { kind: 'initial', field: 'u', value: 'sin(pi*x) + 0.5*sin(4*pi*x)', name: 'ic' },
      { kind: 'initial', field: 'u', value: 0, derivative: 1, name: 'ic_t' },
    ],
  };
}

/**
 * Allen-Cahn u_t = d u_xx + 5 (u - u^3), d = 0.001, x in [-1,1], t in [0,1], u0 = x^2 cos(pi x),
 * u(+-1) = -1 (DeepXDE); hard constraint u = x^2 cos(pi x) + t (1 - x^2) net.
 */
export function allenCahn(): ProblemSpec {
  return {
    coords: ['x', 't'],
    fields: ['u'],
    domain: timeDomain(interval(-1, 1), 0, 1),
    constants: { d: 0.001 },
    pde: 'u_t - d*u_xx - 5*(u - u^3)',
    transform: (x, out) => {
      const xs = column(x, 0);
      const t = column(x, 1);
      return ops.add(ops.mul(ops.square(xs), ops.cos(ops.mul(Math.PI, xs))), ops.mul(ops.mul(t, ops.sub(1, ops.square(xs))), out));
    },
  };
}

/**
 * Diffusion-reaction u_t = u_xx + f on [-pi, pi] x [0, 1] (DeepXDE), exact
 * u = e^-t (sin x + sin 2x/2 + sin 3x/3 + sin 4x/4 + sin 8x/8); f derived from the exact solution.
 */
export function diffusionReaction(): ProblemSpec {
  const exact = 'exp(-t)*(sin(x) + sin(2*x)/2 + sin(3*x)/3 + sin(4*x)/4 + sin(8*x)/8)';
  return {
    coords: ['x', 't'],
    fields: ['u'],
    domain: timeDomain(interval(-Math.PI, Math.PI), 0, 1),
    pde: 'u_t = u_xx + f',
    exact: { u: exact },
    conditions: [
      { kind: 'dirichlet', field: 'u', value: 0, name: 'bc' },
      { kind: 'initial', field: 'u', value: 'sin(x) + sin(2*x)/2 + sin(3*x)/3 + sin(4*x)/4 + sin(8*x)/8', name: 'ic' },
    ],
  };
}

/** RK4 trajectory of the Lorenz system, sampled every `every` steps of size dt: rows [t, x, y, z]. */
export function lorenzRk4(
  o: { sigma?: number; rho?: number; beta?: number; x0?: [number, number, number]; tEnd?: number; dt?: number; samples?: number } = {},
): { t: Float64Array; xyz: Float64Array } {
  const { sigma = 10, rho = 15, beta = 8 / 3, x0 = [-8, 7, 27], tEnd = 3, dt = 1e-3, samples = 40 } = o;
  const f = (s: number[]): number[] => [sigma * (s[1] - s[0]), s[0] * (rho - s[2]) - s[1], s[0] * s[1] - beta * s[2]];
  // integrate each sampling interval with a whole number of steps of size <= dt
  const gap = tEnd / (samples - 1);
  const sub = Math.ceil(gap / dt - 1e-9);
  const h = gap / sub;
  const t = Float64Array.from({ length: samples }, (_, k) => k * gap);
  const xyz = new Float64Array(samples * 3);
  let s = [...x0];
  xyz.set(s, 0);
  for (let k = 1; k < samples; k++) {
    for (let i = 0; i < sub; i++) {
      const k1 = f(s);
      const k2 = f(s.map((v, j) => v + 0.5 * h * k1[j]));
      const k3 = f(s.map((v, j) => v + 0.5 * h * k2[j]));
      const k4 = f(s.map((v, j) => v + h * k3[j]));
      s = s.map((v, j) => v + (h / 6) * (k1[j] + 2 * k2[j] + 2 * k3[j] + k4[j]));
    }
    xyz.set(s, 3 * k);
  }
  return { t, xyz };
}

/**
 * Lorenz inverse problem (DeepXDE): x' = C1 (y - x), y' = x (C2 - z) - y, z' = x y - C3 z on t in [0, 3],
 * recover C1 = 10, C2 = 15, C3 = 8/3 from an RK4 trajectory; unknowns start at 1.
 */
export function lorenzInverse(samples = 40): ProblemSpec {
  const { t, xyz } = lorenzRk4({ samples });
  const pick = (j: number): Float64Array => Float64Array.from({ length: samples }, (_, i) => xyz[3 * i + j]);
  const at0 = (p: Float64Array): boolean => near(p[0], 0);
  return {
    coords: ['t'],
    fields: ['x', 'y', 'z'],
    domain: interval(0, 3),
    unknowns: { C1: 1, C2: 1, C3: 1 },
    pde: ['x_t - C1*(y - x)', 'y_t - x*(C2 - z) + y', 'z_t - x*y + C3*z'],
    conditions: [
      { kind: 'dirichlet', field: 'x', value: -8, where: at0, name: 'ic_x' },
      { kind: 'dirichlet', field: 'y', value: 7, where: at0, name: 'ic_y' },
      { kind: 'dirichlet', field: 'z', value: 27, where: at0, name: 'ic_z' },
      { kind: 'data', points: t, values: { x: pick(0), y: pick(1), z: pick(2) }, name: 'data' },
    ],
  };
}

/** Kovasznay flow, Re = 20, on [-0.5, 1] x [-0.5, 1.5] (DeepXDE): steady Navier-Stokes with the exact solution on the boundary. */
export function kovasznay(Re = 20): ProblemSpec {
  const nu = 1 / Re;
  const lam = 1 / (2 * nu) - Math.sqrt(1 / (4 * nu * nu) + 4 * Math.PI * Math.PI);
  const exact = {
    u: '1 - exp(lam*x)*cos(2*pi*y)',
    v: 'lam/(2*pi)*exp(lam*x)*sin(2*pi*y)',
    p: '0.5*(1 - exp(2*lam*x))',
  };
  return {
    coords: ['x', 'y'],
    fields: ['u', 'v', 'p'],
    domain: rectangle([-0.5, -0.5], [1, 1.5]),
    constants: { nu, lam },
    pde: ['u*u_x + v*u_y + p_x - nu*lap(u)', 'u*v_x + v*v_y + p_y - nu*lap(v)', 'div([u, v])'],
    exact,
    conditions: [
      { kind: 'dirichlet', field: 'u', value: exact.u, name: 'bc_u' },
      { kind: 'dirichlet', field: 'v', value: exact.v, name: 'bc_v' },
      { kind: 'dirichlet', field: 'p', value: exact.p, where: (p) => near(p[0], 1), name: 'bc_p' },
    ],
  };
}
