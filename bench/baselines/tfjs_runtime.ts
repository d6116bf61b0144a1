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

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
};

/** One Adam (lr 1e-3) step minimising `loss`, returning its value read back to the host, as the other peers do. */
export function adamStep(loss: () => tf.Scalar): () => number {
  const opt = tf.train.adam(1e-3);
  return () => {
    const value = tf.tidy(() => opt.minimize(loss, true) as tf.Scalar);
    const v = value.dataSync()[0];
    value.dispose();
    return v;
  };
}

/** 3 warm-up steps, then `steps` timed ones: their median time and the last loss. */
export function timeSteps(step: () => number, steps: number): { ms_per_step: number; loss: number } {
  for (let i = 0; i < 3; i++) step();
  const times: number[] = [];
  let loss = 0;
  for (let i = 0; i < steps; i++) {
    const t0 = performance.now();
    loss = step();
    times.push(performance.now() - t0);
  }
  return { ms_per_step: median(times), loss };
}
