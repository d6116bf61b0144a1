// fx.checkpoint: the same values and derivatives as f, with f's intermediates recomputed in the backward
// pass instead of kept, so a rollout checkpointed in segments needs less working memory under grad.
import { expect } from 'chai';
import * as fx from '../../index.js';
import { findBackend } from '../../core/backend/index.js';
import { fdGrad, rand64, relErr } from '../support/check.js';

const T = 16; // steps
const SEGMENT = 4; // steps per checkpointed segment (sqrt(T): T/SEGMENT inputs kept + SEGMENT recomputed)
const step = (s: fx.Tensor, w: fx.Tensor): fx.Tensor => fx.tanh(fx.matmul(s, w));
const segment = (s: fx.Tensor, w: fx.Tensor): fx.Tensor => {
  let y = s;
  for (let k = 0; k < SEGMENT; k++) y = step(y, w);
  return y;
};
const rollout = (seg: (s: fx.Tensor, w: fx.Tensor) => fx.Tensor) => (w: fx.Tensor, s0: fx.Tensor) => {
  let s = s0;
  for (let k = 0; k < T / SEGMENT; k++) s = seg(s, w);
  return fx.sum(fx.square(s));
};
const plain = rollout(segment);
const remat = rollout(fx.checkpoint(segment));

const countPrim = (g: fx.Graph, prim: string): number => g.eqns.filter((e) => e.prim === prim).length;

describe('checkpoint (rematerialisation)', () => {
  const w = fx.mul(rand64([24, 24], 1), 0.3);
  const s0 = rand64([24, 24], 2);
  const avals = [w, s0].map((t) => ({ shape: t.shape, dtype: t.dtype }));

  it('gives the same value and gradient as f (and finite differences), eager and jitted', () => {
    expect(remat(w, s0).item()).to.equal(plain(w, s0).item());
    const g = fx.grad(remat)(w, s0) as fx.Tensor;
    const want = fx.grad(plain)(w, s0) as fx.Tensor;
    expect(relErr(g.dataSync(), want.dataSync())).to.be.below(1e-13);
    expect(relErr((fx.jit(fx.grad(remat))(w, s0) as fx.Tensor).dataSync(), want.dataSync())).to.be.below(1e-12);
    const fd = fdGrad((a) => remat(a, s0).item(), [w, s0], 0, 1e-6, [0, 100, 575]);
    expect(
      relErr(
        [0, 100, 575].map((i) => g.dataSync()[i]),
        fd,
      ),
    ).to.be.below(1e-7);
  });

  it('recomputes the forward in the backward pass: every tanh twice in the gradient program', () => {
    expect(
      countPrim(
        fx.makeGraph((a, b) => fx.grad(plain)(a, b) as fx.Tensor, avals),
        'tanh',
      ),
    ).to.equal(T);
    expect(
      countPrim(
        fx.makeGraph((a, b) => fx.grad(remat)(a, b) as fx.Tensor, avals),
        'tanh',
      ),
    ).to.equal(2 * T);
  });

  it('needs less working memory under grad (the compiled arena) than keeping every step', () => {
    const wasm = findBackend('wasm');
    if (!wasm?.compile) throw new Error('the wasm backend compiles graphs');
    const bytes = (f: typeof plain) => wasm.compile?.(fx.makeGraph((a, b) => fx.grad(f)(a, b) as fx.Tensor, avals)).arenaBytes ?? 0;
    const kept = bytes(plain);
    const recomputed = bytes(remat);
    expect(kept).to.be.above(0);
    expect(recomputed).to.be.below(0.75 * kept);
  });

  it('higher derivatives go through the recomputation (grad of grad against finite differences)', () => {
    const x = rand64([5], 3);
    const f = fx.checkpoint((z: fx.Tensor) => fx.sum(fx.mul(fx.sin(z), fx.exp(z))));
    const gg = fx.grad((z: fx.Tensor) => fx.sum(fx.square(fx.grad(f)(z) as fx.Tensor)))(x) as fx.Tensor;
    const gFd = fdGrad((z) => fx.sum(fx.square(fx.grad(f)(z) as fx.Tensor)).item(), [x], 0);
    expect(relErr(gg.dataSync(), gFd)).to.be.below(1e-7);
  });
});
