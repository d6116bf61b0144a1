// Public entry point: `import * as fx from 'fluxion'`.
export * from './core/index.js';
export * as nn from './nn/index.js';
export * as optim from './optim/index.js';
export * as meshes from './meshes/index.js';
export * as solvers from './solvers/index.js';
export * as pinn from './pinn/index.js';
export * as operators from './operators/index.js';
export * as sim from './sim/index.js';

import * as backends from './core/backend/index.js';
import { createNodeGpuBackend } from './core/backend/gpuNode.js';
export { registerGpuBackend, type GpuBackend } from './core/backend/gpu.js';

/** In Node, 'gpu' is made on first use: gpu.js loads (~100 ms) only when asked for (browsers call registerGpuBackend). */
const inNode = (b: backends.BackendName | backends.Backend): backends.BackendName | backends.Backend =>
  b === 'gpu' && !backends.findBackend('gpu') ? createNodeGpuBackend() : b;
/** Makes `b` (a name or a backend object) the backend every later operation runs on. */
export const setBackend = (b: backends.BackendName | backends.Backend): void => backends.setBackend(inNode(b));
/** Runs `fn` on backend `b`, then restores the previous backend. */
export const withBackend = <R>(b: backends.BackendName | backends.Backend, fn: () => R): R => backends.withBackend(inNode(b), fn);

import { writeVtk, readVtk, writePvd, readPvd, loadReference } from './meshes/index.js';
/** File formats: VTK XML (vti/vtu/vtp/pvd) and reference data (.dat tables, .npy/.npz, .mat v5, VTK). */
export const io = { writeVTK: writeVtk, readVTK: readVtk, writePVD: writePvd, readPVD: readPvd, loadReference };
