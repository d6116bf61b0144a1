// Forward gradients (Baydin et al. 2022) against backpropagation on MLP training, side by side: a 2-64-64-1
// tanh MLP fitted to sin(pi x) sin(pi y) on 1024 points by plain SGD, each with its own best learning rate
// from a small grid. Reports time per step and the loss against steps and against wall time, as the paper's
// figures do. Run: npx tsx bench/forwardGrad.ts [--quick] [--write]
import * as fx from '../index.js';
import { best } from './timing.js';
import { writeResults } from './results.js';

const quick = process.argv.includes('--quick');
const STEPS = quick ? 300 : 2000;
const net = fx.nn.mlp({ layers: [2, 64, 64, 1], seed: 0 });
const x = fx.random.uniform(1, [1024, 2]);
const col = (i: number) => fx.mul(fx.sliceAxis(x, 1, i, i + 1), Math.PI);
const target = fx.mul(fx.sin(col(0)), fx.sin(col(1)));
const loss = (p: fx.nn.MlpParams) => fx.mean(fx.square(fx.sub(net.apply(p, x), target)));

type Method = 'backprop' | 'forward gradient';
const stepFns: Record<Method, (k: fx.Tensor, p: fx.nn.MlpParams) => [fx.Tensor, fx.PyTree]> = {
  backprop: fx.jit((_k: fx.Tensor, p: fx.nn.MlpParams) => fx.valueAndGrad(loss)(p) as [fx.Tensor, fx.PyTree]),
  'forward gradient': fx.jit(fx.forwardGrad(loss) as (k: fx.Tensor, p: fx.nn.MlpParams) => [fx.Tensor, fx.PyTree]),
};

/** SGD for STEPS steps; the loss every 50 steps with the wall time so far. */
function train(method: Method, lr: number) {
  const step = stepFns[method];
  let p = net.params;
  const curve: Array<{ step: number; seconds: number; loss: number }> = [];
  let seconds = 0;
  for (let k = 0; k <= STEPS; k++) {
    const t0 = performance.now();
    const [value, g] = step(fx.scalar(k, 'i32'), p);
    p = fx.mapTree((w, d) => fx.sub(w, fx.mul(d, lr)), p, g as fx.nn.MlpParams);
    seconds += (performance.now() - t0) / 1e3;
    if (k % 50 === 0) curve.push({ step: k, seconds, loss: value.item() });
    if (!Number.isFinite(value.item())) break;
  }
  return curve;
}

const lrs: Record<Method, number[]> = { backprop: [0.3, 0.1, 0.03], 'forward gradient': [0.03, 0.01, 0.003, 0.001] };
const results = (Object.keys(lrs) as Method[]).map((method) => {
  const runs = lrs[method].map((lr) => ({ lr, curve: train(method, lr) }));
  const final = (r: (typeof runs)[number]) => r.curve[r.curve.length - 1].loss;
  const chosen = runs.reduce((a, b) => (Number.isFinite(final(b)) && !(final(a) <= final(b)) ? b : a));
  const msPerStep = 1e3 * best(quick ? 9 : 31, () => stepFns[method](fx.scalar(1, 'i32'), net.params), true);
  return {
    method,
    lr: chosen.lr,
    msPerStep,
    curve: chosen.curve,
    finalLoss: final(chosen),
    tried: runs.map((r) => ({ lr: r.lr, finalLoss: final(r) })),
  };
});

const [bp, fg] = results;
const lossAt = (curve: typeof bp.curve, seconds: number) => [...curve].reverse().find((c) => c.seconds <= seconds)?.loss ?? curve[0].loss;
console.log(`SGD on a 2-64-64-1 tanh MLP, 1024 points, ${STEPS} steps, f32, wasm backend (best learning rate of a grid each)`);
console.log('| method | lr | ms/step (min) | loss at step 0 | loss at the last step | loss when backprop has run half its time |');
console.log('|---|---|---|---|---|---|');
const half = bp.curve[bp.curve.length - 1].seconds / 2;
for (const r of results) {
  console.log(
    `| ${r.method} | ${r.lr} | ${r.msPerStep.toFixed(2)} | ${r.curve[0].loss.toExponential(3)} | ${r.finalLoss.toExponential(3)} | ${lossAt(r.curve, half).toExponential(3)} |`,
  );
}
console.log(`forward gradient step time / backprop step time: ${(fg.msPerStep / bp.msPerStep).toFixed(2)}`);
writeResults('forwardGrad', { date: new Date().toISOString(), steps: STEPS, results });
