// Recovering a diffusion coefficient by differentiating through a solver: -(k u')' = f_j on (0, 1) with
// u = 0 at both ends, four forcings f_j, and noisy observations of each u_j at every node. The solve runs on
// the host (Thomas algorithm, which the autodiff cannot see into); fx.linearSolve differentiates it
// implicitly (one transposed solve per gradient), and fx.vmap maps it over the forcings.
// Run: npx tsx examples/implicit/diffusionCoefficient.ts   (a few seconds)
import * as fx from '../../index.js';
import { Adam } from '../../optim/index.js';
import { solveTridiagonal } from '../../solvers/tridiagonal.js';

const n = 63; // interior nodes; k lives on the n + 1 faces
const h = 1 / (n + 1);
const faces = Float64Array.from({ length: n + 1 }, (_, i) => (i + 0.5) * h);
const nodes = Float64Array.from({ length: n }, (_, i) => (i + 1) * h);
const kTrue = fx.tensor(
  faces.map((x) => 1 + 0.5 * Math.sin(2 * Math.PI * x)),
  [n + 1],
  'f64',
);

/** A(k) u: the three-point flux difference, in differentiable ops (the implicit rule differentiates this). */
const matvec = (u: fx.Tensor, k: fx.Tensor): fx.Tensor => {
  const padded = fx.pad(u, [1], [1]);
  const flux = fx.mul(k, fx.sub(fx.sliceAxis(padded, 0, 1, n + 2), fx.sliceAxis(padded, 0, 0, n + 1)));
  return fx.div(fx.sub(fx.sliceAxis(flux, 0, 0, n), fx.sliceAxis(flux, 0, 1, n + 1)), h * h);
};
const hostSolve = (b: fx.Tensor, k: fx.Tensor): fx.Tensor =>
  fx.hostCall(
    'thomas',
    ([rhs, kf]) =>
      solveTridiagonal(
        Float64Array.from({ length: n }, (_, i) => (i > 0 ? -kf[i] / (h * h) : 0)),
        Float64Array.from({ length: n }, (_, i) => (kf[i] + kf[i + 1]) / (h * h)),
        Float64Array.from({ length: n }, (_, i) => -kf[i + 1] / (h * h)),
        Float64Array.from(rhs),
      ),
    [b, k],
    { shape: [n], dtype: 'f64' },
  );
const solve = fx.linearSolve(matvec, hostSolve, { symmetric: true });
const solveAll = fx.vmap(solve, [0, null]); // [forcings, n] -> [forcings, n]

const forcings = fx.tensor(
  [1, 2, 3, 4].flatMap((j) => Array.from(nodes, (x) => 10 * Math.sin(j * Math.PI * x) + (j === 1 ? 5 : 0))),
  [4, n],
  'f64',
);
const clean = solveAll(forcings, kTrue) as fx.Tensor;
const scale = Math.max(...Array.from(clean.dataSync(), Math.abs));
const noise = fx.mul(fx.random.normal(7, [4, n], 'f64'), 0.01 * scale); // 1% noise
const observed = fx.add(clean, noise);

// k = exp(theta) keeps it positive; a small smoothness penalty regularises the noise
const loss = (theta: fx.Tensor) => {
  const misfit = fx.mean(fx.square(fx.sub(solveAll(forcings, fx.exp(theta)) as fx.Tensor, observed)));
  const rough = fx.sum(fx.square(fx.sub(fx.sliceAxis(theta, 0, 1, n + 1), fx.sliceAxis(theta, 0, 0, n))));
  return fx.add(fx.div(misfit, scale * scale), fx.mul(rough, 1e-4));
};
const step = fx.jit(fx.valueAndGrad(loss));
const theta = new Float64Array(n + 1); // k = 1 to start
const adam = new Adam({ lr: 0.05 });
const relErrK = () => {
  const k = theta.map(Math.exp);
  const t = Array.from(kTrue.dataSync());
  return Math.sqrt(k.reduce((s, v, i) => s + (v - t[i]) ** 2, 0) / t.reduce((s, v) => s + v * v, 0));
};
console.log(`start: relative L2 error of k ${relErrK().toFixed(4)}`);
const t0 = performance.now();
for (let it = 1; it <= 600; it++) {
  const [value, grad] = step(fx.tensor(theta, [n + 1], 'f64')) as [fx.Tensor, fx.Tensor];
  adam.step(theta, grad.dataSync() as Float64Array);
  if (it % 150 === 0) console.log(`step ${it}: loss ${value.item().toExponential(3)}, relative L2 error of k ${relErrK().toFixed(4)}`);
}
console.log(`${((performance.now() - t0) / 1e3).toFixed(1)} s; noise 1% of max |u|`);
