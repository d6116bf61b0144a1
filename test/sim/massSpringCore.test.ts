import { expect } from 'chai';
import * as fx from '../../core/index.js';
import { relErr } from '../support/check.js';
import type { Tensor } from '../../core/index.js';
import { Mulberry32 } from '../../core/random.js';
import { reverseThroughTime, rollout as oracleRollout } from '../../sim/checkpoint.js';
import { MassSpringProgram } from '../../sim/massSpring/coreStep.js';
import { SegmentRunner, initialPackedState, rollout } from '../../sim/massSpring/coreRollout.js';
import { walkLoss } from '../../sim/massSpring/coreWalk.js';
import { defaultRobot, type MassSpringModel } from '../../sim/massSpring/robot.js';
import type { MassSpringOptions } from '../../sim/massSpring/options.js';
import { MassSpringSim } from './oracle/massSpring.js';
import { walkLossAndGrad as oracleWalk } from './oracle/walk.js';

// A small walker with dashpots so every term of the step (springs, dashpots, contact, friction) is exercised.
function robot(): MassSpringModel {
  const m = defaultRobot();
  m.springs.damping.fill(2);
  return m;
}

function pair(options: MassSpringOptions): { oracle: MassSpringSim; core: MassSpringProgram } {
  return { oracle: new MassSpringSim(robot(), options), core: new MassSpringProgram(robot(), options) };
}

const f64 = (a: Float64Array, shape: number[]): Tensor => fx.tensor(Float64Array.from(a), shape, 'f64');

/** A start with velocities, so particles hit the ground and slide within a few steps. */
function movingStart(n: number): Float64Array {
  const s = new Float64Array(4 * n);
  const rng = new Mulberry32(4);
  s.set(defaultRobot().positions);
  for (let i = 0; i < 2 * n; i++) s[2 * n + i] = 0.3 * rng.normal() - (i % 2 === 1 ? 0.5 : 0);
  return s;
}

describe('sim/massSpring core program', () => {
  for (const friction of [1, Infinity]) {
    it(`forward trajectory matches the hand-written simulator to 1e-10 (friction ${friction}, batch of 3)`, () => {
      const { oracle, core } = pair({ friction });
      const p = oracle.initController(3);
      oracle.params = p;
      const steps = 120;
      const expected: Float64Array[] = [];
      oracleRollout(oracle, movingStart(core.n), steps, (t, s) => {
        if (t % 10 === 0) expected.push(s.slice());
      });
      const s0 = movingStart(core.n);
      const batch = new Float64Array(3 * s0.length);
      for (let b = 0; b < 3; b++) batch.set(s0, b * s0.length);
      let k = 0;
      new SegmentRunner(core, 10).simulate(f64(p, [p.length]), f64(batch, [3, 2 * core.n, 2]), steps, undefined, (_t, s) => {
        const d = s.dataSync();
        for (let b = 0; b < 3; b++) expect(relErr(d.subarray(b * s0.length, (b + 1) * s0.length), expected[k])).to.be.lessThan(1e-10);
        k++;
      });
      expect(k).to.equal(expected.length);
      // contact happened: some particle sits on the ground at the end
      const last = expected[expected.length - 1];
      expect(Math.min(...Array.from({ length: core.n }, (_, i) => last[2 * i + 1]))).to.be.closeTo(0.1, 1e-9);
    });
  }

  it('the traced rollout, its fx.jit and the host-looped jitted segments agree', () => {
    const core = new MassSpringProgram(robot());
    const p = core.initController(1);
    const s0 = f64(movingStart(core.n), [1, 2 * core.n, 2]);
    const eager = rollout(core, p, s0, 30, { segment: 7 }).dataSync();
    const jitted = fx
      .jit((q: Tensor, s: Tensor) => rollout(core, q, s, 30, { segment: 7, checkpoint: true }))(p, s0)
      .dataSync();
    const looped = new SegmentRunner(core, 4).simulate(p, s0, 30).dataSync();
    expect(relErr(jitted, eager)).to.be.lessThan(1e-13);
    expect(relErr(looped, eager)).to.be.lessThan(1e-13);
  });

  for (const friction of [1.5, Infinity]) {
    it(`gradient w.r.t. controller params matches the hand-written adjoint to 1e-6 (friction ${friction})`, () => {
      const { oracle, core } = pair({ friction });
      const p = oracle.initController(7);
      const steps = 100;
      const expected = oracleWalk(oracle, p, steps).grad;
      const P = f64(p, [p.length]);
      const s0 = initialPackedState(core);
      const loss = walkLoss(core);
      // host-looped jitted segments (13 does not divide 100: the remainder segment is exercised too)
      const looped = new SegmentRunner(core, 13).valueAndGrad(P, s0, steps, loss);
      expect(relErr(looped.grad, expected)).to.be.lessThan(1e-6);
      for (const checkpoint of [false, true]) {
        const g = fx.grad((q: Tensor) => loss(rollout(core, q, s0, steps, { segment: 10, checkpoint })))(P) as Tensor;
        expect(relErr(g.dataSync(), expected), `checkpoint ${checkpoint}`).to.be.lessThan(1e-6);
      }
    });
  }

  it('gradient w.r.t. the initial state matches the hand-written adjoint to 1e-6', () => {
    const { oracle, core } = pair({ friction: 1 });
    const p = oracle.initController(2);
    oracle.params = p;
    const steps = 80;
    const n = core.n;
    const start = movingStart(n);
    const expected = reverseThroughTime(oracle, start, steps, (t, s, g) => {
      if (t !== steps) return 0;
      for (let i = 0; i < n; i++) g[2 * i] -= 1 / n;
      return -s.filter((_, i) => i < 2 * n && i % 2 === 0).reduce((a, b) => a + b, 0) / n;
    }).initialStateGrad;
    const P = f64(p, [p.length]);
    const s0 = f64(start, [1, 2 * n, 2]);
    const loss = walkLoss(core);
    const looped = new SegmentRunner(core, 9).valueAndGrad(P, s0, steps, loss);
    expect(relErr(looped.stateGrad.dataSync(), expected)).to.be.lessThan(1e-6);
    const traced = fx.grad((s: Tensor) => loss(rollout(core, P, s, steps, { segment: 20, checkpoint: true })))(s0) as Tensor;
    expect(relErr(traced.dataSync(), expected)).to.be.lessThan(1e-6);
  });

  it('gradients match central finite differences of the core forward pass', () => {
    const core = new MassSpringProgram(robot(), { friction: 1 });
    const steps = 60;
    const n = core.n;
    const p = core.initController(5).dataSync() as Float64Array;
    const start = movingStart(n);
    const loss = walkLoss(core);
    const runner = new SegmentRunner(core, 15);
    const value = (q: Float64Array, s: Float64Array): number =>
      loss(runner.simulate(f64(q, [q.length]), f64(s, [1, 2 * n, 2]), steps)).dataSync()[0];
    const r = runner.valueAndGrad(f64(p, [p.length]), f64(start, [1, 2 * n, 2]), steps, loss);
    const rng = new Mulberry32(9);
    const dp = p.map(() => rng.normal());
    const ds = start.map(() => rng.normal() * 0.1);
    const h = 1e-6;
    const fdP =
      (value(
        p.map((v, i) => v + h * dp[i]),
        start,
      ) -
        value(
          p.map((v, i) => v - h * dp[i]),
          start,
        )) /
      (2 * h);
    const fdS =
      (value(
        p,
        start.map((v, i) => v + h * ds[i]),
      ) -
        value(
          p,
          start.map((v, i) => v - h * ds[i]),
        )) /
      (2 * h);
    const anP = r.grad.reduce((a, g, i) => a + g * dp[i], 0);
    const sg = r.stateGrad.dataSync();
    const anS = ds.reduce((a, d, i) => a + d * sg[i], 0);
    expect(Math.abs(fdP - anP) / Math.abs(fdP)).to.be.lessThan(1e-5);
    expect(Math.abs(fdS - anS) / Math.abs(fdS)).to.be.lessThan(1e-5);
  });

  it('fx.vjp applies to a whole rollout (cotangent on every final coordinate)', () => {
    const core = new MassSpringProgram(robot());
    const P = core.initController(4);
    const s0 = initialPackedState(core, 2);
    const f = (q: Tensor): Tensor => rollout(core, q, s0, 20, { segment: 5, checkpoint: true });
    const ct = fx.tensor(
      Float64Array.from({ length: s0.size }, (_, i) => Math.cos(i)),
      s0.shape,
      'f64',
    );
    const [, pull] = fx.vjp(f, P);
    const viaVjp = pull(ct)[0].dataSync();
    const viaGrad = (fx.grad((q: Tensor) => fx.sum(fx.mul(f(q), ct)))(P) as Tensor).dataSync();
    expect(relErr(viaVjp, viaGrad)).to.be.lessThan(1e-12);
  });

  it('checkpointed segments plan less working memory for the compiled gradient', function () {
    this.timeout(120000);
    const core = new MassSpringProgram(robot());
    const P = core.initController(0);
    const s0 = initialPackedState(core);
    const loss = walkLoss(core);
    const wasm = fx.findBackend('wasm');
    const bytes = (checkpoint: boolean): number => {
      const g = fx.makeGraph(
        (q) => [fx.grad((r: Tensor) => loss(rollout(core, r, s0, 24, { segment: 6, checkpoint })))(q) as Tensor],
        [{ shape: P.shape, dtype: 'f64' }],
      );
      const exe = wasm?.compile?.(g);
      if (!exe?.arenaBytes) throw new Error('the wasm backend did not plan an arena');
      return exe.arenaBytes;
    };
    expect(bytes(true)).to.be.lessThan(0.7 * bytes(false));
  });

  it('refuses a goal-conditioned step without its goal, and params of the wrong length', () => {
    const core = new MassSpringProgram(robot(), {}, 1);
    const [x, v] = core.initialState(2);
    expect(() => core.step(core.initController(0), x, v, fx.scalar(0, 'f64'))).to.throw(/takes 1 goal input/);
    expect(() => core.paramsTensor(new Float64Array(3))).to.throw(/params has length 3, expected/);
  });
});
