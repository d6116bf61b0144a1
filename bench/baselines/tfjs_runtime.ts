// What the TensorFlow.js peers report about the runtime they ran in (shared by the tfjs_*.ts baselines): the
// backend that really initialised, whether its wasm binary is the SIMD one, and the thread count it took.
import * as tf from '@tensorflow/tfjs';

export interface TfjsRuntime {
  backend: string;
  /** the wasm backend's SIMD build was used (false on the cpu backend) */
  simd: boolean;
  threads: number;
  tfjs: string;
}

export async function startTfjs(
  backend: string,
  threads: number,
  setThreadsCount: (n: number) => void,
  getThreadsCount: () => number,
): Promise<TfjsRuntime> {
  if (backend !== 'wasm' && backend !== 'cpu') throw new Error(`backend: expected wasm or cpu, got '${backend}'`);
  if (backend === 'wasm') setThreadsCount(threads);
  if (!(await tf.setBackend(backend))) throw new Error(`tfjs backend '${backend}' failed to initialise`);
  await tf.ready();
  const simd = backend === 'wasm' && (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true;
  return { backend: tf.getBackend(), simd, threads: backend === 'wasm' ? getThreadsCount() : 1, tfjs: tf.version_core };
}

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
};
