// Public entry point: `import * as fx from 'fluxion'`.
export * from './core/index.js';
export * as nn from './nn/index.js';
export * as optim from './optim/index.js';
export * as meshes from './meshes/index.js';
export * as solvers from './solvers/index.js';
export * as pinn from './pinn/index.js';
export * as operators from './operators/index.js';
export * as sim from './sim/index.js';

import { registerBackendFactory } from './core/backend/index.js';
import { createNodeGpuBackend } from './core/backend/gpuNode.js';
// Node entry: `setBackend('gpu')` creates its gpu.js instance on first use (browsers call registerGpuBackend).
registerBackendFactory('gpu', () => createNodeGpuBackend());
export { registerGpuBackend, type GpuBackend } from './core/backend/gpu.js';

import { writeVtk, readVtk, writePvd, readPvd, loadReference } from './meshes/index.js';
/** File formats: VTK XML (vti/vtu/vtp/pvd) and reference data (.dat tables, .npy/.npz, .mat v5, VTK). */
export const io = { writeVTK: writeVtk, readVTK: readVtk, writePVD: writePvd, readPVD: readPvd, loadReference };
