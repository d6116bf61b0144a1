// Public surface of fluxion meshes: geometry + CSG, samplers, RAR, grids, triangle meshes, VTK and data I/O.
export * from './points.js';
export { Mulberry32, mulberry32, hashSeed, shuffleInPlace, permutation, normalQuantile } from './rng.js';
export * from './sampling/samplers.js';
export { sobolPoints, SobolSequence } from './sampling/sobol.js';
export { SOBOL_MAX_DIM } from './sampling/sobolDirections.js';
export { haltonPoints, HaltonSequence, radicalInverse } from './sampling/halton.js';
export type { Geometry, BoundarySample } from './geometry/geometry.js';
export { DEFAULT_TOL } from './geometry/geometry.js';
export * from './geometry/hypercube.js';
export * from './geometry/hypersphere.js';
export * from './geometry/polygon.js';
export * from './geometry/csg.js';
export * from './geometry/timeDomain.js';
export * from './rar.js';
export * from './grid.js';
export * from './trimesh.js';
export * from './vtk/index.js';
export * from './data/index.js';
