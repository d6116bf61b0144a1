/**
 * Differentiable 2D MLS-MPM (Hu et al. 2018 / ChainQueen / DiffTaichi mpm.py): quadratic
 * B-splines, APIC affine momentum C, F updated in G2P as F' = (I + dt C') F, symplectic step.
 * State layout (N particles): [x (2N), v (2N), C (4N), F (4N), Jp (N, snow only)].
 * The hand-written adjoint recomputes the step's grid from s_t, then reverses G2P, the grid
 * update and P2G. Parameter cotangents (E, nu, per-step actuation) accumulate in `grads`.
 */
import type { TimeStepper } from '../../../../sim/checkpoint.js';
import { kirchhoff2, kirchhoff2Backward, snowPlasticity2, snowPlasticity2Backward, type StressParams } from './materials2d.js';
import { MpmBase, boundaryZeroMask, bspline, movesIntoWall, type MpmOptions } from './mpmBase.js';

export class Mpm2D extends MpmBase implements TimeStepper {
  readonly stateSize: number;
  // grid: mass, momentum, velocity before boundary (with gravity), velocity after boundary
  readonly gm: Float64Array;
  readonly gmx: Float64Array;
  readonly gmy: Float64Array;
  private readonly ux: Float64Array;
  private readonly uy: Float64Array;
  private readonly gvx: Float64Array;
  private readonly gvy: Float64Array;
  private readonly bvx: Float64Array;
  private readonly bvy: Float64Array;
  private readonly bm: Float64Array;
  /** Per-particle APIC affine matrix M = -dt V 4/dx^2 tau + m C of the last P2G (4N). */
  private readonly affine: Float64Array;
  /** Snow's backward: F before the plasticity clamp, and its cotangent. */
  private readonly preClamp = new Float64Array(4);
  private readonly preClampBar = new Float64Array(4);
  private readonly wx = new Float64Array(3);
  private readonly wy = new Float64Array(3);
  private readonly dwx = new Float64Array(3);
  private readonly dwy = new Float64Array(3);
  private readonly tau = new Float64Array(4);
  private readonly tauBar = new Float64Array(4);
  private readonly sp: StressParams = { mu: 0, lambda: 0, alpha: 0, d0: 0, d1: 0 };

  constructor(options: MpmOptions) {
    super(options, 2, 'Mpm2D');
    const o = this.opts;
    this.stateSize = 12 * this.n + (o.material === 'snow' ? this.n : 0);
    const g = o.nGrid * o.nGrid;
    this.gm = new Float64Array(g);
    this.gmx = new Float64Array(g);
    this.gmy = new Float64Array(g);
    this.ux = new Float64Array(g);
    this.uy = new Float64Array(g);
    this.gvx = new Float64Array(g);
    this.gvy = new Float64Array(g);
    this.bvx = new Float64Array(g);
    this.bvy = new Float64Array(g);
    this.bm = new Float64Array(g);
    this.affine = new Float64Array(4 * this.n);
    this.sp.d0 = o.actuationDirection[0];
    this.sp.d1 = o.actuationDirection[1];
  }

  /** State with given positions, zero velocity and C, F = I (Jp = 1 for snow). */
  initialState(positions: Float64Array, velocities?: Float64Array): Float64Array {
    const n = this.n;
    if (positions.length !== 2 * n) throw new Error(`Mpm2D.initialState: positions has length ${positions.length}, expected ${2 * n}`);
    if (velocities && velocities.length !== 2 * n)
      throw new Error(`Mpm2D.initialState: velocities has length ${velocities.length}, expected ${2 * n}`);
    const s = new Float64Array(this.stateSize);
    s.set(positions, 0);
    if (velocities) s.set(velocities, 2 * n);
    for (let p = 0; p < n; p++) {
      s[8 * n + 4 * p] = 1;
      s[8 * n + 4 * p + 3] = 1;
    }
    if (this.opts.material === 'snow') s.fill(1, 12 * n);
    return s;
  }

  private stressParams(t: number, p: number, Jp: number): StressParams {
    const o = this.opts;
    const sp = this.sp;
    const h = o.material === 'snow' ? Math.exp(o.hardening * (1 - Jp)) : 1;
    sp.mu = this.mu * h;
    sp.lambda = this.lambda * h;
    sp.alpha = this.actuationAlpha(t, p);
    return sp;
  }

  /** Bit 0/1 set = the boundary zeroes the x/y velocity of node (i, j) moving at (vx, vy). */
  private boundaryMask(i: number, j: number, vx: number, vy: number): number {
    const o = this.opts,
      nG = o.nGrid,
      b = o.boundCells;
    if (o.boundary === 'none') return 0;
    const hits = (movesIntoWall(i, vx, nG, b) ? 1 : 0) | (movesIntoWall(j, vy, nG, b) ? 2 : 0);
    return boundaryZeroMask(o.boundary, hits, 3);
  }

  /** P2G and grid update from state s (fills gm, gmx, gmy, ux, uy, gvx, gvy). */
  private p2gAndGrid(t: number, s: Float64Array): void {
    const o = this.opts,
      n = this.n,
      nG = o.nGrid,
      dx = this.dx,
      invDx = this.invDx,
      m = this.pMass;
    const { gm, gmx, gmy, wx, wy, dwx, dwy, tau } = this;
    this.refreshLame();
    gm.fill(0);
    gmx.fill(0);
    gmy.fill(0);
    const stressCoef = -o.dt * o.particleVolume * 4 * invDx * invDx;
    const snow = o.material === 'snow';
    for (let p = 0; p < n; p++) {
      const xp = s[2 * p],
        yp = s[2 * p + 1];
      const bx = this.gridBase(xp, p),
        by = this.gridBase(yp, p);
      const fx = xp * invDx - bx,
        fy = yp * invDx - by;
      bspline(fx, wx, dwx);
      bspline(fy, wy, dwy);
      kirchhoff2(o.material, s, 8 * n + 4 * p, this.stressParams(t, p, snow ? s[12 * n + p] : 1), tau);
      const c = 4 * n + 4 * p;
      const M00 = stressCoef * tau[0] + m * s[c],
        M01 = stressCoef * tau[1] + m * s[c + 1];
      const M10 = stressCoef * tau[2] + m * s[c + 2],
        M11 = stressCoef * tau[3] + m * s[c + 3];
      const aff = this.affine;
      aff[4 * p] = M00;
      aff[4 * p + 1] = M01;
      aff[4 * p + 2] = M10;
      aff[4 * p + 3] = M11;
      const mvx = m * s[2 * n + 2 * p],
        mvy = m * s[2 * n + 2 * p + 1];
      const wy0 = wy[0],
        wy1 = wy[1],
        wy2 = wy[2];
      const dpy0 = -fy * dx,
        dpy1 = dpy0 + dx,
        dpy2 = dpy1 + dx;
      // per-row momentum terms are affine in dpy: q + M[:,1] * dpy (j unrolled for speed)
      for (let i = 0; i < 3; i++) {
        const dpx = (i - fx) * dx;
        const idx = (bx + i) * nG + by;
        const wi = wx[i];
        const qx = mvx + M00 * dpx,
          qy = mvy + M10 * dpx;
        const w0 = wi * wy0,
          w1 = wi * wy1,
          w2 = wi * wy2;
        gm[idx] += w0 * m;
        gm[idx + 1] += w1 * m;
        gm[idx + 2] += w2 * m;
        gmx[idx] += w0 * (qx + M01 * dpy0);
        gmx[idx + 1] += w1 * (qx + M01 * dpy1);
        gmx[idx + 2] += w2 * (qx + M01 * dpy2);
        gmy[idx] += w0 * (qy + M11 * dpy0);
        gmy[idx + 1] += w1 * (qy + M11 * dpy1);
        gmy[idx + 2] += w2 * (qy + M11 * dpy2);
      }
    }
    const { ux, uy, gvx, gvy } = this;
    const gdt = o.dt * o.gravity;
    for (let i = 0; i < nG; i++) {
      for (let j = 0; j < nG; j++) {
        const idx = i * nG + j;
        const mass = gm[idx];
        if (mass <= 0) {
          ux[idx] = 0;
          uy[idx] = 0;
          gvx[idx] = 0;
          gvy[idx] = 0;
          continue;
        }
        const vx = gmx[idx] / mass,
          vy = gmy[idx] / mass + gdt;
        ux[idx] = vx;
        uy[idx] = vy;
        const mask = this.boundaryMask(i, j, vx, vy);
        gvx[idx] = mask & 1 ? 0 : vx;
        gvy[idx] = mask & 2 ? 0 : vy;
      }
    }
  }

  forward(t: number, s: Float64Array, out: Float64Array): void {
    this.p2gAndGrid(t, s);
    const o = this.opts,
      n = this.n,
      nG = o.nGrid,
      dx = this.dx,
      invDx = this.invDx,
      dt = o.dt;
    const { gvx, gvy, wx, wy, dwx, dwy } = this;
    const cs = 4 * invDx * invDx;
    const fluid = o.material === 'fluid',
      snow = o.material === 'snow';
    for (let p = 0; p < n; p++) {
      const xp = s[2 * p],
        yp = s[2 * p + 1];
      const bx = this.gridBase(xp, p),
        by = this.gridBase(yp, p);
      const fx = xp * invDx - bx,
        fy = yp * invDx - by;
      bspline(fx, wx, dwx);
      bspline(fy, wy, dwy);
      let vx = 0,
        vy = 0,
        b00 = 0,
        b01 = 0,
        b10 = 0,
        b11 = 0;
      const wy0 = wy[0],
        wy1 = wy[1],
        wy2 = wy[2];
      const dpy0 = -fy * dx,
        dpy1 = dpy0 + dx,
        dpy2 = dpy1 + dx;
      for (let i = 0; i < 3; i++) {
        const dpx = (i - fx) * dx;
        const idx = (bx + i) * nG + by;
        const wi = wx[i];
        // j unrolled: row sums of w v and w v dpy
        const ax0 = gvx[idx] * wy0,
          ax1 = gvx[idx + 1] * wy1,
          ax2 = gvx[idx + 2] * wy2;
        const ay0 = gvy[idx] * wy0,
          ay1 = gvy[idx + 1] * wy1,
          ay2 = gvy[idx + 2] * wy2;
        const sx = wi * (ax0 + ax1 + ax2),
          sy = wi * (ay0 + ay1 + ay2);
        vx += sx;
        vy += sy;
        b00 += sx * dpx;
        b10 += sy * dpx;
        b01 += wi * (ax0 * dpy0 + ax1 * dpy1 + ax2 * dpy2);
        b11 += wi * (ay0 * dpy0 + ay1 * dpy1 + ay2 * dpy2);
      }
      const c00 = cs * b00,
        c01 = cs * b01,
        c10 = cs * b10,
        c11 = cs * b11;
      out[2 * p] = xp + dt * vx;
      out[2 * p + 1] = yp + dt * vy;
      out[2 * n + 2 * p] = vx;
      out[2 * n + 2 * p + 1] = vy;
      const c = 4 * n + 4 * p;
      out[c] = c00;
      out[c + 1] = c01;
      out[c + 2] = c10;
      out[c + 3] = c11;
      const f = 8 * n + 4 * p;
      const f00 = s[f],
        f01 = s[f + 1],
        f10 = s[f + 2],
        f11 = s[f + 3];
      let g00 = f00 + dt * (c00 * f00 + c01 * f10),
        g01 = f01 + dt * (c00 * f01 + c01 * f11);
      let g10 = f10 + dt * (c10 * f00 + c11 * f10),
        g11 = f11 + dt * (c10 * f01 + c11 * f11);
      if (fluid) {
        // Fluids keep only volume change: F = sqrt(J) I.
        const r = Math.sqrt(g00 * g11 - g01 * g10);
        g00 = r;
        g01 = 0;
        g10 = 0;
        g11 = r;
      }
      out[f] = g00;
      out[f + 1] = g01;
      out[f + 2] = g10;
      out[f + 3] = g11;
      if (snow) out[12 * n + p] = snowPlasticity2(out, f, s[12 * n + p], o.thetaC, o.thetaS);
    }
  }

  backward(t: number, s: Float64Array, gOut: Float64Array, gIn: Float64Array): void {
    const o = this.opts;
    this.p2gAndGrid(t, s);
    const n = this.n,
      nG = o.nGrid,
      dx = this.dx,
      invDx = this.invDx,
      dt = o.dt,
      m = this.pMass;
    const { gm, gmx, gmy, ux, uy, gvx, gvy, bvx, bvy, bm, wx, wy, dwx, dwy } = this;
    const cs = 4 * invDx * invDx;
    const fluid = o.material === 'fluid',
      snow = o.material === 'snow';
    const jp = 12 * n;
    const { preClamp: G, preClampBar: GBar } = this;
    bvx.fill(0);
    bvy.fill(0);
    // ---- G2P reverse ----
    for (let p = 0; p < n; p++) {
      const xp = s[2 * p],
        yp = s[2 * p + 1];
      const bx = this.gridBase(xp, p),
        by = this.gridBase(yp, p);
      const fx = xp * invDx - bx,
        fy = yp * invDx - by;
      bspline(fx, wx, dwx);
      bspline(fy, wy, dwy);
      let b00 = 0,
        b01 = 0,
        b10 = 0,
        b11 = 0;
      for (let i = 0; i < 3; i++) {
        const dpx = (i - fx) * dx;
        const row = (bx + i) * nG + by;
        for (let j = 0; j < 3; j++) {
          const w = wx[i] * wy[j];
          const dpy = (j - fy) * dx;
          const gx = gvx[row + j] * w,
            gy = gvy[row + j] * w;
          b00 += gx * dpx;
          b01 += gx * dpy;
          b10 += gy * dpx;
          b11 += gy * dpy;
        }
      }
      const c00 = cs * b00,
        c01 = cs * b01,
        c10 = cs * b10,
        c11 = cs * b11;
      const f = 8 * n + 4 * p;
      const f00 = s[f],
        f01 = s[f + 1],
        f10 = s[f + 2],
        f11 = s[f + 3];
      // cotangent of G = (I + dt C') F before the fluid projection
      let G00 = gOut[f],
        G01 = gOut[f + 1],
        G10 = gOut[f + 2],
        G11 = gOut[f + 3];
      if (snow) {
        G[0] = f00 + dt * (c00 * f00 + c01 * f10);
        G[1] = f01 + dt * (c00 * f01 + c01 * f11);
        G[2] = f10 + dt * (c10 * f00 + c11 * f10);
        G[3] = f11 + dt * (c10 * f01 + c11 * f11);
        gIn[jp + p] = snowPlasticity2Backward(G, 0, s[jp + p], o.thetaC, o.thetaS, gOut.subarray(f, f + 4), gOut[jp + p], GBar, 0);
        G00 = GBar[0];
        G01 = GBar[1];
        G10 = GBar[2];
        G11 = GBar[3];
      }
      if (fluid) {
        const g00 = f00 + dt * (c00 * f00 + c01 * f10),
          g01 = f01 + dt * (c00 * f01 + c01 * f11);
        const g10 = f10 + dt * (c10 * f00 + c11 * f10),
          g11 = f11 + dt * (c10 * f01 + c11 * f11);
        const J = g00 * g11 - g01 * g10;
        const jb = (G00 + G11) / (2 * Math.sqrt(J));
        G00 = jb * g11;
        G01 = -jb * g10;
        G10 = -jb * g01;
        G11 = jb * g00;
      }
      // F-bar (partial) = (I + dt C')^T G-bar ; C'-bar += dt G-bar F^T
      gIn[f] = G00 + dt * (c00 * G00 + c10 * G10);
      gIn[f + 1] = G01 + dt * (c00 * G01 + c10 * G11);
      gIn[f + 2] = G10 + dt * (c01 * G00 + c11 * G10);
      gIn[f + 3] = G11 + dt * (c01 * G01 + c11 * G11);
      const c = 4 * n + 4 * p;
      const q00 = cs * (gOut[c] + dt * (G00 * f00 + G01 * f01)),
        q01 = cs * (gOut[c + 1] + dt * (G00 * f10 + G01 * f11));
      const q10 = cs * (gOut[c + 2] + dt * (G10 * f00 + G11 * f01)),
        q11 = cs * (gOut[c + 3] + dt * (G10 * f10 + G11 * f11));
      const vbx = gOut[2 * n + 2 * p] + dt * gOut[2 * p],
        vby = gOut[2 * n + 2 * p + 1] + dt * gOut[2 * p + 1];
      let fxb = 0,
        fyb = 0;
      for (let i = 0; i < 3; i++) {
        const dpx = (i - fx) * dx;
        const row = (bx + i) * nG + by;
        for (let j = 0; j < 3; j++) {
          const idx = row + j;
          const wij = wx[i] * wy[j];
          const dpy = (j - fy) * dx;
          const gx = gvx[idx],
            gy = gvy[idx];
          // B-bar = q (already scaled by cs): B = sum w g dpos^T
          const qx = q00 * dpx + q01 * dpy,
            qy = q10 * dpx + q11 * dpy;
          bvx[idx] += wij * (vbx + qx);
          bvy[idx] += wij * (vby + qy);
          const wb = gx * (vbx + qx) + gy * (vby + qy);
          fxb += wb * dwx[i] * wy[j] - wij * (gx * q00 + gy * q10) * dx;
          fyb += wb * wx[i] * dwy[j] - wij * (gx * q01 + gy * q11) * dx;
        }
      }
      gIn[2 * p] = gOut[2 * p] + fxb * invDx;
      gIn[2 * p + 1] = gOut[2 * p + 1] + fyb * invDx;
    }
    // ---- grid reverse: v = mom / m (+ gravity), boundary mask ----
    for (let i = 0; i < nG; i++) {
      for (let j = 0; j < nG; j++) {
        const idx = i * nG + j;
        const mass = gm[idx];
        if (mass <= 0) {
          bvx[idx] = 0;
          bvy[idx] = 0;
          bm[idx] = 0;
          continue;
        }
        const mask = this.boundaryMask(i, j, ux[idx], uy[idx]);
        const ax = mask & 1 ? 0 : bvx[idx],
          ay = mask & 2 ? 0 : bvy[idx];
        // reuse bvx/bvy as momentum cotangents and bm as mass cotangent
        bvx[idx] = ax / mass;
        bvy[idx] = ay / mass;
        bm[idx] = -(ax * gmx[idx] + ay * gmy[idx]) / (mass * mass);
      }
    }
    // ---- P2G reverse ----
    const stressCoef = -dt * o.particleVolume * 4 * invDx * invDx;
    const { tauBar, sb } = this;
    sb.mu = 0;
    sb.lambda = 0;
    for (let p = 0; p < n; p++) {
      const xp = s[2 * p],
        yp = s[2 * p + 1];
      const bx = this.gridBase(xp, p),
        by = this.gridBase(yp, p);
      const fx = xp * invDx - bx,
        fy = yp * invDx - by;
      bspline(fx, wx, dwx);
      bspline(fy, wy, dwy);
      const sp = this.stressParams(t, p, snow ? s[jp + p] : 1);
      const c = 4 * n + 4 * p;
      // affine matrix cached by the P2G recompute at the top of backward
      const aff = this.affine;
      const M00 = aff[4 * p],
        M01 = aff[4 * p + 1],
        M10 = aff[4 * p + 2],
        M11 = aff[4 * p + 3];
      const vx = s[2 * n + 2 * p],
        vy = s[2 * n + 2 * p + 1];
      let vbx = 0,
        vby = 0,
        m00 = 0,
        m01 = 0,
        m10 = 0,
        m11 = 0,
        fxb = 0,
        fyb = 0;
      for (let i = 0; i < 3; i++) {
        const dpx = (i - fx) * dx;
        const row = (bx + i) * nG + by;
        for (let j = 0; j < 3; j++) {
          const idx = row + j;
          const wij = wx[i] * wy[j];
          const dpy = (j - fy) * dx;
          const ax = bvx[idx],
            ay = bvy[idx];
          vbx += wij * ax;
          vby += wij * ay;
          m00 += wij * ax * dpx;
          m01 += wij * ax * dpy;
          m10 += wij * ay * dpx;
          m11 += wij * ay * dpy;
          const wb = ax * (m * vx + M00 * dpx + M01 * dpy) + ay * (m * vy + M10 * dpx + M11 * dpy) + m * bm[idx];
          // dpos-bar = w M^T a
          fxb += wb * dwx[i] * wy[j] - wij * (M00 * ax + M10 * ay) * dx;
          fyb += wb * wx[i] * dwy[j] - wij * (M01 * ax + M11 * ay) * dx;
        }
      }
      gIn[2 * p] += fxb * invDx;
      gIn[2 * p + 1] += fyb * invDx;
      gIn[2 * n + 2 * p] = m * vbx;
      gIn[2 * n + 2 * p + 1] = m * vby;
      gIn[c] = m * m00;
      gIn[c + 1] = m * m01;
      gIn[c + 2] = m * m10;
      gIn[c + 3] = m * m11;
      tauBar[0] = stressCoef * m00;
      tauBar[1] = stressCoef * m01;
      tauBar[2] = stressCoef * m10;
      tauBar[3] = stressCoef * m11;
      sb.alpha = 0;
      const [mu0, lambda0] = [sb.mu, sb.lambda];
      kirchhoff2Backward(o.material, s, 8 * n + 4 * p, sp, tauBar, gIn, 8 * n + 4 * p, sb);
      if (snow) {
        // hardened moduli mu h, lambda h with h = exp(k (1 - Jp)): chain the per-particle cotangents
        const h = Math.exp(o.hardening * (1 - s[jp + p]));
        const muBar = sb.mu - mu0,
          lambdaBar = sb.lambda - lambda0;
        sb.mu = mu0 + muBar * h;
        sb.lambda = lambda0 + lambdaBar * h;
        gIn[jp + p] -= o.hardening * h * (muBar * this.mu + lambdaBar * this.lambda);
      }
      this.addActuationGrad(t, p);
    }
    this.addLameGrads();
  }
}
