// Paired A/B of one WASM_FUSION option on bench/core.ts's two PINN steps as the trainers run them (2D Poisson, exact
// Laplacian, fx.optim.FusedAdam: the compiled value-and-grad with Adam inside, through jitCarry): two optimizers on the
// same problem, one compiled with the option off, timed in alternating blocks in one process so both see the same load.
// Build order matters by a few percent (the later arenas ran faster here), so four optimizers are built in the order
// off, on, on, off and timed round-robin; each setting's median pools its two. Prints the median ms per step of each and
// their ratio (on / off), with the load average.
// Run: npx tsx bench/stepAB.ts --option simdInLoops [--case pinnStep|pinnStepWide] [--rounds 8] [--reps 10] [--aa]
// (--aa builds all four with the option on: the ratio then shows the pairing's own bias and noise)
import { loadavg } from 'node:os';
import * as fx from '../index.js';
import { WASM_FUSION, type FusionOptions } from '../core/compile/fusion.js';
import { poissonStepProblem } from './stepProbe.js';

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const option = arg('--option') as keyof FusionOptions | undefined;
if (!option || !(option in WASM_FUSION)) throw new Error(`bench/stepAB.ts: --option: one of ${Object.keys(WASM_FUSION).join(', ')}`);
const CASES = [
  { key: 'pinnStep', points: 4096, layers: [2, 64, 64, 64, 1] },
  { key: 'pinnStepWide', points: 8192, layers: [2, 128, 128, 128, 128, 1] },
];
const only = arg('--case');
const rounds = Number(arg('--rounds') ?? 8);
const reps = Number(arg('--reps') ?? 10);
const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** A FusedAdam step compiled (on its first call) with WASM_FUSION's option set to `on`. */
function step(points: number, layers: readonly number[], on: boolean): () => number {
  const { net, loss } = poissonStepProblem(points, layers);
  const lossAndGrad = (p: fx.nn.MlpParams): [[fx.Tensor, fx.Tensor], fx.nn.MlpParams] => {
    const [value, grads] = fx.valueAndGrad(loss)(p) as [fx.Tensor, fx.nn.MlpParams];
    return [[value, value], grads];
  };
  const adam = new fx.optim.FusedAdam(lossAndGrad, net.params, { lr: 1e-3 });
  // the executable reads WASM_FUSION when it is built: flip the option for this compile only
  const opts = WASM_FUSION as Record<string, unknown>;
  const saved = opts[option as string];
  opts[option as string] = on ? saved : typeof saved === 'number' ? 0 : false;
  try {
    adam.update();
  } finally {
    opts[option as string] = saved;
  }
  return () => adam.update()[0].item();
}

fx.setBackend('wasm');
for (const c of CASES.filter((x) => !only || x.key === only)) {
  const load0 = loadavg()[0];
  const aa = process.argv.includes('--aa');
  const built = (['off', 'on', 'on', 'off'] as const).map((k) => ({ k, run: step(c.points, c.layers, aa || k === 'on') }));
  const ms = { off: [] as number[], on: [] as number[] };
  const each = built.map(() => [] as number[]); // per optimizer, in build order
  const losses = { off: 0, on: 0 };
  for (let r = 0; r < rounds; r++) {
    for (const j of r % 2 ? [3, 2, 1, 0] : [0, 1, 2, 3]) {
      const { k, run } = built[j];
      run();
      for (let i = 0; i < reps; i++) {
        const t0 = performance.now();
        losses[k] = run();
        const t = performance.now() - t0;
        ms[k].push(t);
        each[j].push(t);
      }
    }
  }
  const [off, on] = [median(ms.off), median(ms.on)];
  console.log(
    `${c.key} (${c.points} points, ${c.layers.join('-')}): ${option} off ${off.toFixed(2)} ms, on ${on.toFixed(2)} ms, ratio ${(on / off).toFixed(3)}; ` +
      `by build order ${each.map((e, j) => `${built[j].k} ${median(e).toFixed(2)}`).join(', ')}; last losses ${losses.off.toExponential(4)} / ${losses.on.toExponential(4)}; load ${load0.toFixed(2)} -> ${loadavg()[0].toFixed(2)}`,
  );
}
