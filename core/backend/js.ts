// Reference backend: every primitive's own reference evaluation (plain loops over typed arrays, in
// core/prims/). Kernels never mutate their inputs. The oracle for backend parity tests.
import type { TypedArray } from '../dtype.js';
import { defOf } from '../prims/registry.js';
import type { Backend } from './index.js';

export const jsBackend: Backend = {
  name: 'js',
  run(prim, inputs, out, params) {
    return defOf(prim).impl(
      inputs.map((t) => t.buffer as TypedArray),
      inputs.map((t) => t.shape),
      out,
      params,
    );
  },
};
