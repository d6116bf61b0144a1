// fx.vmap, fx.jacfwd / fx.jacrev / fx.hessian, fx.checkpoint and fx.forwardGrad on small problems, each checked
// against the plain computation it replaces:
// 1. per-example gradients of a linear regression by jit(vmap(grad)), clipped per example (DP-SGD style) and
//    averaged for an update: the same as a loop of grad per example, in one compiled call;
// 2. Newton's method on the Rosenbrock function with fx.hessian (forward over reverse), the Jacobian by jacfwd and
//    jacrev agreeing;
// 3. the gradient of a 40-layer tanh chain with every 8 layers in fx.checkpoint: the same gradient, less memory;
// 4. forward gradients ((grad . v) v, v ~ N(0, I), one jvp) averaged over many keys: the gradient, unbiased.
// Run: npx tsx examples/transforms/transforms.ts   (a few seconds)
import * as fx from '../../index.js';

const maxAbsDiff = (a: fx.Tensor, b: fx.Tensor): number => {
  const p = Float64Array.from(a.dataSync());
  const q = Float64Array.from(b.dataSync());
  return p.reduce((m, v, i) => Math.max(m, Math.abs(v - q[i])), 0);
};

// 1. per-example gradients: loss_i(w) = (x_i . w - y_i)^2 over 256 examples of y = x . [1, -2, 3] + noise
const B = 256;
const xs = fx.random.normal(1, [B, 3], 'f64');
const ys = fx.add(fx.reshape(fx.matmul(xs, fx.tensor([1, -2, 3], [3, 1], 'f64')), [B]), fx.mul(fx.random.normal(2, [B], 'f64'), 0.1));
const lossOne = (x: fx.Tensor, y: fx.Tensor, w: fx.Tensor) => fx.square(fx.sub(fx.sum(fx.mul(x, w)), y));
const perExample = fx.jit(fx.vmap(fx.grad(lossOne, 2), [0, 0, null])); // [B, 3]
let w = fx.zeros([3], 'f64');
const w0 = w;
const loop = Array.from({ length: B }, (_, i) =>
  fx.grad(lossOne, 2)(fx.reshape(fx.sliceAxis(xs, 0, i, i + 1), [3]), fx.reshape(fx.sliceAxis(ys, 0, i, i + 1), []), w0),
) as fx.Tensor[];
console.log(
  `1. vmap(grad) vs a loop of grad over ${B} examples: max |diff| ${maxAbsDiff(perExample(xs, ys, w0) as fx.Tensor, fx.stack(loop, 0)).toExponential(2)}`,
);
const clip = 5;
for (let step = 0; step < 200; step++) {
  const g = perExample(xs, ys, w) as fx.Tensor;
  const norms = fx.sqrt(fx.sum(fx.square(g), 1)); // [B]
  const scale = fx.div(clip, fx.maximum(norms, clip)); // min(1, clip / |g_i|)
  w = fx.sub(w, fx.mul(fx.mean(fx.mul(g, fx.reshape(scale, [B, 1])), 0), 0.05));
}
console.log(
  `   200 steps of per-example-clipped gradient descent: w = [${Array.from(w.dataSync(), (v) => v.toFixed(3)).join(', ')}] (truth [1, -2, 3])`,
);

// 2. Newton on Rosenbrock f(x, y) = (1 - x)^2 + 100 (y - x^2)^2, minimum at (1, 1)
const rosen = (p: fx.Tensor) => {
  const [x, y] = [fx.sliceAxis(p, 0, 0, 1), fx.sliceAxis(p, 0, 1, 2)];
  return fx.sum(fx.add(fx.square(fx.sub(1, x)), fx.mul(100, fx.square(fx.sub(y, fx.square(x))))));
};
const gradF = (p: fx.Tensor) => fx.grad(rosen)(p) as fx.Tensor;
let p = fx.tensor([-1.2, 1], [2], 'f64');
console.log(
  `2. jacfwd(grad f) vs jacrev(grad f) at the start: max |diff| ${maxAbsDiff(fx.jacfwd(gradF)(p), fx.jacrev(gradF)(p)).toExponential(2)}`,
);
for (let it = 0; it < 8; it++) {
  const H = fx.hessian(rosen)(p).dataSync();
  const g = gradF(p).dataSync();
  // solve the 2 x 2 Newton system H d = g
  const det = H[0] * H[3] - H[1] * H[2];
  const d = [(H[3] * g[0] - H[1] * g[1]) / det, (H[0] * g[1] - H[2] * g[0]) / det];
  p = fx.sub(p, fx.tensor(d, [2], 'f64'));
}
console.log(
  `   8 Newton steps from (-1.2, 1): (${Array.from(p.dataSync(), (v) => v.toFixed(6)).join(', ')}), f = ${rosen(p).item().toExponential(2)}`,
);

// 3. checkpoint: a 40-layer chain x <- tanh(W x), segments of 8 layers recomputed in the backward pass
const Ws = Array.from({ length: 40 }, (_, k) => fx.mul(fx.random.normal(10 + k, [32, 32], 'f64'), 0.2));
const segmentOf = (k0: number) => (x: fx.Tensor) => {
  let h = x;
  for (let k = k0; k < k0 + 8; k++) h = fx.tanh(fx.matmul(Ws[k], h));
  return h;
};
const chain = (remat: boolean) => (x: fx.Tensor) => {
  let h = x;
  for (let k0 = 0; k0 < 40; k0 += 8) h = remat ? fx.checkpoint(segmentOf(k0))(h) : segmentOf(k0)(h);
  return fx.sum(h);
};
const x0 = fx.random.normal(3, [32, 1], 'f64');
const gPlain = fx.grad(chain(false))(x0) as fx.Tensor;
const gRemat = fx.grad(chain(true))(x0) as fx.Tensor;
console.log(`3. checkpointed vs plain gradient of a 40-layer chain: max |diff| ${maxAbsDiff(gRemat, gPlain).toExponential(2)}`);

// 4. forward gradients of the regression loss at w0: the mean over 4000 keys approaches the gradient
const meanLoss = (v: fx.Tensor) => fx.mean(fx.square(fx.sub(fx.reshape(fx.matmul(xs, fx.reshape(v, [3, 1])), [B]), ys)));
const fg = fx.jit(fx.forwardGrad(meanLoss) as (k: fx.Tensor, v: fx.Tensor) => [fx.Tensor, fx.Tensor]);
const exact = fx.grad(meanLoss)(w0) as fx.Tensor;
let sum = fx.zeros([3], 'f64');
const N = 4000;
for (let k = 0; k < N; k++) sum = fx.add(sum, fg(fx.scalar(k, 'i32'), w0)[1]);
const est = fx.div(sum, N);
console.log(
  `4. forward gradient, mean of ${N} one-jvp estimates: [${Array.from(est.dataSync(), (v) => v.toFixed(2)).join(', ')}] vs grad [${Array.from(exact.dataSync(), (v) => v.toFixed(2)).join(', ')}]`,
);
