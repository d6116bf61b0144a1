// Adjoint ODE gradients against backpropagation through the solver: the gradient of a Lotka-Volterra
// trajectory loss (11 observations over half a period) wrt its parameters, by fx.odeint's adjoint method
// (adaptive dopri5 on the host, rtol 1e-6) and by RK4 unrolled in differentiable ops at 2/4/8 steps
// per interval: compiled working memory (the wasm arena), time per gradient and agreement.
// Run: npx tsx bench/odeint.ts [--write]
import * as fx from '../index.js';
import { gradArenaBytes } from './arena.js';
import { best } from './timing.js';
import { writeResults } from './results.js';

const lv = (y: fx.Tensor, _t: fx.Tensor, p: fx.Tensor) => {
  const [a, b, d, g] = [0, 1, 2, 3].map((i) => fx.reshape(fx.sliceAxis(p, 0, i, i + 1), []));
  const x = fx.reshape(fx.sliceAxis(y, 0, 0, 1), []);
  const z = fx.reshape(fx.sliceAxis(y, 0, 1, 2), []);
  return fx.stack([fx.sub(fx.mul(a, x), fx.mul(fx.mul(b, x), z)), fx.sub(fx.mul(fx.mul(d, x), z), fx.mul(g, z))], 0);
};
const ts = Array.from({ length: 11 }, (_, i) => i * 0.5);
const y0 = fx.tensor([10, 5], [2], 'f64');
const p = fx.tensor([1.1, 0.4, 0.1, 0.4], [4], 'f64');
const loss = (opts: fx.OdeintOptions) => (pp: fx.Tensor) => fx.sum(fx.square(fx.odeint(lv, y0, ts, pp, opts)));

const measure = (label: string, opts: fx.OdeintOptions) => {
  const f = loss(opts);
  const g = fx.grad(f);
  const arenaKiB = gradArenaBytes(f, [p]) / 1024;
  const seconds = best(1, () => g(p), true);
  return { label, arenaKiB, ms: seconds * 1e3, grad: Array.from((g(p) as fx.Tensor).dataSync()) };
};
const stats = { steps: 0, rejected: 0, evaluations: 0 };
const rows = [
  measure('adjoint (dopri5, rtol 1e-6)', { stats }),
  ...[2, 4, 8].map((steps) => measure(`RK4 unrolled, ${steps} steps per interval`, { adjoint: false, steps })),
];
const ref = rows[rows.length - 1].grad;
const rel = (g: number[]) => Math.hypot(...g.map((v, i) => v - ref[i])) / Math.hypot(...ref);
console.log(`gradient of a Lotka-Volterra trajectory loss (${ts.length} observations, t in [0, 5]) wrt 4 parameters, f64`);
console.log('| method | working memory (KiB) | ms per gradient | difference from RK4 x8 |\n|---|---|---|---|');
for (const r of rows) console.log(`| ${r.label} | ${r.arenaKiB.toFixed(1)} | ${r.ms.toFixed(1)} | ${rel(r.grad).toExponential(2)} |`);
console.log(
  `adjoint host work over all calls: ${stats.steps} accepted steps, ${stats.rejected} rejected, ${stats.evaluations} evaluations`,
);
writeResults('odeint', { date: new Date().toISOString(), rows: rows.map(({ grad, ...r }) => ({ ...r, relDiff: rel(grad) })), stats });
