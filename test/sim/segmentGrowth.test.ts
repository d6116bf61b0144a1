// SegmentedRollout.growth (the chaos guard on jitted segments): the tangent pushed through whole segments and
// renormalised at their boundaries gives the same exponent as fx.rolloutGrowth stepping one step at a time; its
// window amplification (stride-aligned) equals the per-step one; a chaotic setting (no drag) grows, a damped one shrinks.
import { expect } from 'chai';
import * as fx from '../../core/index.js';
import { MassSpringProgram, SegmentRunner, defaultRobot, initialPackedState } from '../../sim/index.js';
import { perStepGrowth } from '../support/massSpringGrowth.js';

describe('SegmentedRollout.growth (chaos guard on jitted segments)', () => {
  const T = 60;
  for (const [drag, sign] of [
    [0, 1],
    [100, -1],
  ] as const) {
    it(`drag ${drag}: equals rolloutGrowth step by step (segments of 7, a remainder) and is ${sign > 0 ? 'chaotic' : 'stable'}`, () => {
      const sim = new MassSpringProgram(defaultRobot(), { dt: 0.004, drag, friction: 1 });
      const params = sim.initController(0);
      const s0 = initialPackedState(sim);
      const v0 = fx.randomTangent(s0, 3);
      const seg = new SegmentRunner(sim, 7).growth(params, s0, T, v0);
      const ref = perStepGrowth(sim, params, s0, v0, T);
      expect(seg.stride).to.equal(7);
      expect(seg.logGrowth).to.have.length(Math.ceil(T / 7));
      expect(seg.exponent).to.be.closeTo(ref.exponent, 1e-10);
      expect(Math.sign(seg.exponent)).to.equal(sign);
      // windows of 14 steps tile the stretches of 7: the same largest window as per step
      expect(fx.windowAmplification(seg, 14)).to.be.closeTo(fx.windowAmplification(ref, 14), 1e-9 * fx.windowAmplification(ref, 14));
      expect(() => fx.windowAmplification(seg, 10)).to.throw(/multiple of the growth's stride \(7\), got 10/);
    });
  }
});
