/**
 * Test oracle (the library's simulator is sim/massSpring/coreStep.ts, a core program): a hand-written
 * differentiable 2D mass-spring simulator (DiffTaichi mass_spring.py): unit masses, symplectic
 * Euler, actuated rest lengths driven by an MLP controller, exponential drag, ground contact.
 * State layout: [x (2n), v (2n)]. Reverse mode is hand-written per step (recomputing the step's
 * intermediates from s_t), then chained through time by checkpoint.ts.
 */
import type { TimeStepper } from '../../../sim/checkpoint.js';
import { controllerParamCount, initController, type ControllerShape } from '../../../sim/massSpring/controller.js';
import { MlpController } from './mlpController.js';
import type { MassSpringModel } from '../../../sim/massSpring/robot.js';
import { LENGTH_EPS, TOI_VMIN, resolveMassSpringOptions, type MassSpringOptions } from '../../../sim/massSpring/options.js';

export type { MassSpringOptions } from '../../../sim/massSpring/options.js';

export class MassSpringSim implements TimeStepper {
  readonly opts: Required<MassSpringOptions>;
  readonly n: number;
  readonly nSprings: number;
  readonly stateSize: number;
  readonly controllerShape: ControllerShape;
  readonly nParams: number;
  /** Controller parameters used by forward/backward; set by the drivers below. */
  params: Float64Array;
  /** Accumulated d loss / d params during backward. */
  readonly paramGrad: Float64Array;
  private readonly ctrl: MlpController;
  private readonly u: Float64Array;
  private readonly uBar: Float64Array;
  private readonly actBar: Float64Array;
  private readonly vPre: Float64Array;
  private readonly vStateBar: Float64Array;

  constructor(
    readonly model: MassSpringModel,
    options: MassSpringOptions = {},
  ) {
    this.opts = resolveMassSpringOptions(options, 'MassSpringSim');
    if (model.positions.length % 2 !== 0) throw new Error(`MassSpringSim: positions length ${model.positions.length} is not even`);
    this.n = model.positions.length / 2;
    this.nSprings = model.springs.a.length;
    this.stateSize = 4 * this.n;
    this.controllerShape = { nSin: this.opts.nSin, nParticles: this.n, nHidden: this.opts.nHidden, nOut: this.nSprings };
    this.nParams = controllerParamCount(this.controllerShape);
    this.params = new Float64Array(this.nParams);
    this.paramGrad = new Float64Array(this.nParams);
    this.ctrl = new MlpController(this.controllerShape);
    this.u = new Float64Array(this.ctrl.nIn);
    this.uBar = new Float64Array(this.ctrl.nIn);
    this.actBar = new Float64Array(this.nSprings);
    this.vPre = new Float64Array(2 * this.n);
    this.vStateBar = new Float64Array(2 * this.n);
  }

  initialState(): Float64Array {
    const s = new Float64Array(this.stateSize);
    s.set(this.model.positions, 0);
    return s;
  }

  initController(seed: number): Float64Array {
    return initController(this.controllerShape, seed);
  }

  private sensors(t: number, s: Float64Array): void {
    const { nSin, omega, dt, sensorScale } = this.opts;
    const n = this.n;
    const u = this.u;
    for (let k = 0; k < nSin; k++) u[k] = Math.sin(omega * t * dt + (2 * Math.PI * k) / nSin);
    let cx = 0,
      cy = 0;
    for (let i = 0; i < n; i++) {
      cx += s[2 * i];
      cy += s[2 * i + 1];
    }
    cx /= n;
    cy /= n;
    const v0 = 2 * n;
    for (let i = 0; i < n; i++) {
      const o = nSin + 4 * i;
      u[o] = (s[2 * i] - cx) * sensorScale;
      u[o + 1] = (s[2 * i + 1] - cy) * sensorScale;
      u[o + 2] = s[v0 + 2 * i] * sensorScale;
      u[o + 3] = s[v0 + 2 * i + 1] * sensorScale;
    }
  }

  /** Velocity before contact: drag, gravity, spring impulses (into this.vPre). */
  private preContactVelocity(s: Float64Array): void {
    const { dt, gravity, drag } = this.opts;
    const n = this.n,
      v0 = 2 * n;
    const vp = this.vPre;
    const decay = Math.exp(-dt * drag);
    for (let i = 0; i < n; i++) {
      vp[2 * i] = decay * s[v0 + 2 * i];
      vp[2 * i + 1] = decay * s[v0 + 2 * i + 1] + dt * gravity;
    }
    const sp = this.model.springs;
    const act = this.ctrl.out;
    for (let k = 0; k < this.nSprings; k++) {
      const a = sp.a[k],
        b = sp.b[k];
      const dx = s[2 * a] - s[2 * b],
        dy = s[2 * a + 1] - s[2 * b + 1];
      const L = Math.hypot(dx, dy) + LENGTH_EPS;
      const target = sp.restLength[k] * (1 + sp.actuation[k] * act[k]);
      const vrd = (s[v0 + 2 * a] - s[v0 + 2 * b]) * dx + (s[v0 + 2 * a + 1] - s[v0 + 2 * b + 1]) * dy;
      const phi = (sp.stiffness[k] * (L - target)) / L + (sp.damping[k] * vrd) / (L * L);
      const fx = dt * phi * dx,
        fy = dt * phi * dy;
      vp[2 * a] -= fx;
      vp[2 * a + 1] -= fy;
      vp[2 * b] += fx;
      vp[2 * b + 1] += fy;
    }
  }

  forward(t: number, s: Float64Array, out: Float64Array): void {
    this.sensors(t, s);
    this.ctrl.forward(this.params, this.u);
    this.preContactVelocity(s);
    const { dt, groundHeight, friction } = this.opts;
    const n = this.n,
      v0 = 2 * n,
      vp = this.vPre;
    for (let i = 0; i < n; i++) {
      const vx = vp[2 * i],
        vy = vp[2 * i + 1];
      const x = s[2 * i],
        y = s[2 * i + 1];
      if (y + dt * vy < groundHeight && vy < -TOI_VMIN) {
        // Time of impact (DiffTaichi advance_toi): move to the ground, then continue with the
        // friction-projected velocity; keeps positions continuous in the parameters.
        const toi = (groundHeight - y) / vy;
        const nvx = friction === Infinity ? 0 : Math.sign(vx) * Math.max(Math.abs(vx) + friction * vy, 0);
        out[v0 + 2 * i] = nvx;
        out[v0 + 2 * i + 1] = 0;
        out[2 * i] = x + toi * vx + (dt - toi) * nvx;
        out[2 * i + 1] = y + toi * vy;
      } else {
        out[v0 + 2 * i] = vx;
        out[v0 + 2 * i + 1] = vy;
        out[2 * i] = x + dt * vx;
        out[2 * i + 1] = y + dt * vy;
      }
    }
  }

  backward(t: number, s: Float64Array, gOut: Float64Array, gIn: Float64Array): void {
    this.sensors(t, s);
    this.ctrl.forward(this.params, this.u);
    this.preContactVelocity(s);
    const { dt, groundHeight, friction, drag, nSin, sensorScale } = this.opts;
    const n = this.n,
      v0 = 2 * n,
      vp = this.vPre;
    const decay = Math.exp(-dt * drag);
    // gIn holds x-bar in [0, 2n) and, temporarily, vPre-bar in [2n, 4n).
    for (let i = 0; i < n; i++) {
      const vx = vp[2 * i],
        vy = vp[2 * i + 1];
      const y = s[2 * i + 1];
      const gxx = gOut[2 * i],
        gxy = gOut[2 * i + 1];
      const gvx = gOut[v0 + 2 * i],
        gvy = gOut[v0 + 2 * i + 1];
      if (y + dt * vy < groundHeight && vy < -TOI_VMIN) {
        const toi = (groundHeight - y) / vy;
        let nvx = 0,
          dNdvx = 0,
          dNdvy = 0;
        if (friction !== Infinity && Math.abs(vx) + friction * vy > 0) {
          nvx = vx + Math.sign(vx) * friction * vy;
          dNdvx = 1;
          dNdvy = Math.sign(vx) * friction;
        }
        // out x = x + toi vx + (dt - toi) nvx ; out y = ground (constant) ; out v = (nvx, 0)
        const toiBar = gxx * (vx - nvx);
        const nvxBar = gvx + gxx * (dt - toi);
        gIn[2 * i] = gxx;
        gIn[2 * i + 1] = -toiBar / vy;
        gIn[v0 + 2 * i] = gxx * toi + nvxBar * dNdvx;
        gIn[v0 + 2 * i + 1] = nvxBar * dNdvy - (toiBar * toi) / vy;
      } else {
        gIn[2 * i] = gxx;
        gIn[2 * i + 1] = gxy;
        gIn[v0 + 2 * i] = gvx + dt * gxx;
        gIn[v0 + 2 * i + 1] = gvy + dt * gxy;
      }
    }
    // Springs: vPre[a] -= dt*phi*d, vPre[b] += dt*phi*d with d = x_a - x_b.
    const sp = this.model.springs;
    const act = this.ctrl.out;
    const actBar = this.actBar;
    const dv = this.vStateBar;
    dv.fill(0);
    for (let k = 0; k < this.nSprings; k++) {
      const a = sp.a[k],
        b = sp.b[k];
      const dx = s[2 * a] - s[2 * b],
        dy = s[2 * a + 1] - s[2 * b + 1];
      const len = Math.hypot(dx, dy);
      const L = len + LENGTH_EPS;
      const rest = sp.restLength[k],
        kS = sp.stiffness[k],
        c = sp.damping[k];
      const target = rest * (1 + sp.actuation[k] * act[k]);
      const rvx = s[v0 + 2 * a] - s[v0 + 2 * b],
        rvy = s[v0 + 2 * a + 1] - s[v0 + 2 * b + 1];
      const vrd = rvx * dx + rvy * dy;
      const phi = (kS * (L - target)) / L + (c * vrd) / (L * L);
      const fbx = dt * (gIn[v0 + 2 * b] - gIn[v0 + 2 * a]);
      const fby = dt * (gIn[v0 + 2 * b + 1] - gIn[v0 + 2 * a + 1]);
      let ddx = phi * fbx,
        ddy = phi * fby;
      const phiBar = fbx * dx + fby * dy;
      const vrdBar = (phiBar * c) / (L * L);
      ddx += vrdBar * rvx;
      ddy += vrdBar * rvy;
      const LBar = phiBar * ((kS * target) / (L * L) - (2 * c * vrd) / (L * L * L));
      if (len > 0) {
        ddx += (LBar * dx) / len;
        ddy += (LBar * dy) / len;
      }
      actBar[k] = ((phiBar * -kS) / L) * rest * sp.actuation[k];
      gIn[2 * a] += ddx;
      gIn[2 * a + 1] += ddy;
      gIn[2 * b] -= ddx;
      gIn[2 * b + 1] -= ddy;
      // The dashpot term reads the state velocities directly.
      dv[2 * a] += vrdBar * dx;
      dv[2 * a + 1] += vrdBar * dy;
      dv[2 * b] -= vrdBar * dx;
      dv[2 * b + 1] -= vrdBar * dy;
    }
    // Controller: act depends on sensors u(x, v).
    const uBar = this.uBar;
    this.ctrl.backward(this.params, this.u, actBar, this.paramGrad, uBar);
    let ox = 0,
      oy = 0;
    for (let i = 0; i < n; i++) {
      ox += uBar[nSin + 4 * i];
      oy += uBar[nSin + 4 * i + 1];
    }
    ox /= n;
    oy /= n;
    for (let i = 0; i < n; i++) {
      const o = nSin + 4 * i;
      gIn[2 * i] += (uBar[o] - ox) * sensorScale;
      gIn[2 * i + 1] += (uBar[o + 1] - oy) * sensorScale;
    }
    // State velocity cotangent: drag path + dashpot path + sensor path.
    for (let i = 0; i < n; i++) {
      const o = nSin + 4 * i;
      gIn[v0 + 2 * i] = decay * gIn[v0 + 2 * i] + dv[2 * i] + uBar[o + 2] * sensorScale;
      gIn[v0 + 2 * i + 1] = decay * gIn[v0 + 2 * i + 1] + dv[2 * i + 1] + uBar[o + 3] * sensorScale;
    }
  }
}
