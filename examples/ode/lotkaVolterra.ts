// Learning the parameters of Lotka-Volterra dynamics from a noisy trajectory, through fx.odeint with the
// adjoint method: x' = a x - b x y, y' = d x y - g y; truth (a, b, d, g) = (1.1, 0.4, 0.1, 0.4), 2% noise.
// Run: npx tsx examples/ode/lotkaVolterra.ts   (a few seconds)
import * as fx from '../../index.js';
import { Adam } from '../../optim/index.js';

const lv = (y: fx.Tensor, _t: fx.Tensor, logP: fx.Tensor) => {
  const p = fx.exp(logP); // positive rates
  const [a, b, d, g] = [0, 1, 2, 3].map((i) => fx.reshape(fx.sliceAxis(p, 0, i, i + 1), []));
  const x = fx.reshape(fx.sliceAxis(y, 0, 0, 1), []);
  const z = fx.reshape(fx.sliceAxis(y, 0, 1, 2), []);
  return fx.stack([fx.sub(fx.mul(a, x), fx.mul(fx.mul(b, x), z)), fx.sub(fx.mul(fx.mul(d, x), z), fx.mul(g, z))], 0);
};
const truth = [1.1, 0.4, 0.1, 0.4];
const ts = Array.from({ length: 41 }, (_, i) => i * 0.5); // two periods
const y0 = fx.tensor([10, 5], [2], 'f64');
const clean = fx.odeint(lv, y0, ts, fx.tensor(truth.map(Math.log), [4], 'f64'), { rtol: 1e-9, atol: 1e-9 });
const observed = fx.mul(clean, fx.add(fx.mul(fx.random.normal(3, clean.shape, 'f64'), 0.02), 1));

const loss = (logP: fx.Tensor) => fx.mean(fx.square(fx.log(fx.div(fx.odeint(lv, y0, ts, logP), observed))));
const step = fx.valueAndGrad(loss);
// start 25-30% off every rate (far starts land in other phase-locked minima, as in any LV fit)
const logP = Float64Array.from([0.8, 0.5, 0.13, 0.3].map(Math.log));
const adam = new Adam({ lr: 0.02 });
const t0 = performance.now();
for (let it = 1; it <= 300; it++) {
  const [value, g] = step(fx.tensor(logP, [4], 'f64')) as [fx.Tensor, fx.Tensor];
  adam.step(logP, Float64Array.from(g.dataSync()));
  if (it % 50 === 0)
    console.log(`step ${it}: loss ${value.item().toExponential(3)}, rates ${Array.from(logP, (v) => Math.exp(v).toFixed(3)).join(' ')}`);
}
const err = Math.max(...truth.map((v, i) => Math.abs(Math.exp(logP[i]) - v) / v));
console.log(`truth ${truth.join(' ')}; largest relative error ${err.toFixed(4)}; ${((performance.now() - t0) / 1e3).toFixed(1)} s`);
