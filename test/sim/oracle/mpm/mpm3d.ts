/**
 * Differentiable 3D MLS-MPM: same scheme and adjoint structure as Mpm2D (see mpm2d.ts), with
 * 27-node quadratic B-spline stencils. State: [x (3N), v (3N), C (9N), F (9N)].
 * Materials: fixedCorotated (Newton polar + exact adjoint), neoHookean, fluid. Snow is 2D only.
 */
import type { TimeStepper } from '../../../../sim/checkpoint.js';
import { kirchhoff3, kirchhoff3Backward, type StressParams3 } from './materials3d.js';
import { det3 } from './mat3.js';
import { MpmBase, boundaryZeroMask, bspline, movesIntoWall, type MpmOptions } from './mpmBase.js';

export class Mpm3D extends MpmBase implements TimeStepper {
  readonly stateSize: number;
  readonly gm: Float64Array;
  /** grid momentum, then velocity before boundary, after boundary, and cotangents (3 per node) */
  readonly gmv: Float64Array;
  private readonly u: Float64Array;
  private readonly gv: Float64Array;
  private readonly bv: Float64Array;
  private readonly bm: Float64Array;
  /** weights w[3 * axis + k] and derivatives */
  private readonly w = new Float64Array(9);
  private readonly dw = new Float64Array(9);
  private readonly fr = new Float64Array(3);
  private readonly base = new Int32Array(3);
  private readonly tau = new Float64Array(9);
  private readonly tauBar = new Float64Array(9);
  private readonly M = new Float64Array(9);
  private readonly Mb = new Float64Array(9);
  private readonly Bm = new Float64Array(9);
  private readonly Q = new Float64Array(9);
  private readonly sp: StressParams3;

  constructor(options: MpmOptions) {
    super(options, 3, 'Mpm3D');
    const o = this.opts;
    if (o.material === 'snow') throw new Error('Mpm3D: material snow is only implemented in 2D');
    this.stateSize = 24 * this.n;
    const g = o.nGrid ** 3;
    this.gm = new Float64Array(g);
    this.gmv = new Float64Array(3 * g);
    this.u = new Float64Array(3 * g);
    this.gv = new Float64Array(3 * g);
    this.bv = new Float64Array(3 * g);
    this.bm = new Float64Array(g);
    this.sp = { mu: 0, lambda: 0, alpha: 0, d: Float64Array.from(o.actuationDirection) };
  }

  initialState(positions: Float64Array, velocities?: Float64Array): Float64Array {
    const n = this.n;
    if (positions.length !== 3 * n) throw new Error(`Mpm3D.initialState: positions has length ${positions.length}, expected ${3 * n}`);
    if (velocities && velocities.length !== 3 * n)
      throw new Error(`Mpm3D.initialState: velocities has length ${velocities.length}, expected ${3 * n}`);
    const s = new Float64Array(this.stateSize);
    s.set(positions, 0);
    if (velocities) s.set(velocities, 3 * n);
    for (let p = 0; p < n; p++) {
      const f = 15 * n + 9 * p;
      s[f] = 1;
      s[f + 4] = 1;
      s[f + 8] = 1;
    }
    return s;
  }

  private stressParams(t: number, p: number): StressParams3 {
    const sp = this.sp;
    sp.mu = this.mu;
    sp.lambda = this.lambda;
    sp.alpha = this.actuationAlpha(t, p);
    return sp;
  }

  /** Fill base, fractional offsets and weights for particle p. */
  private stencil(s: Float64Array, p: number): void {
    for (let a = 0; a < 3; a++) {
      const x = s[3 * p + a];
      const b = this.gridBase(x, p, a);
      this.base[a] = b;
      this.fr[a] = x * this.invDx - b;
      bspline(this.fr[a], this.w, this.dw, 3 * a);
    }
  }

  private p2gAndGrid(t: number, s: Float64Array): void {
    const o = this.opts,
      n = this.n,
      nG = o.nGrid,
      dx = this.dx,
      m = this.pMass;
    this.refreshLame();
    const { gm, gmv, w, fr, base, tau, M } = this;
    gm.fill(0);
    gmv.fill(0);
    const stressCoef = -o.dt * o.particleVolume * 4 * this.invDx * this.invDx;
    for (let p = 0; p < n; p++) {
      this.stencil(s, p);
      kirchhoff3(o.material, s, 15 * n + 9 * p, this.stressParams(t, p), tau);
      for (let k = 0; k < 9; k++) M[k] = stressCoef * tau[k] + m * s[6 * n + 9 * p + k];
      const mvx = m * s[3 * n + 3 * p],
        mvy = m * s[3 * n + 3 * p + 1],
        mvz = m * s[3 * n + 3 * p + 2];
      for (let i = 0; i < 3; i++) {
        const d0 = (i - fr[0]) * dx;
        for (let j = 0; j < 3; j++) {
          const d1 = (j - fr[1]) * dx;
          const wij = w[i] * w[3 + j];
          const row = ((base[0] + i) * nG + base[1] + j) * nG + base[2];
          for (let k = 0; k < 3; k++) {
            const d2 = (k - fr[2]) * dx;
            const wt = wij * w[6 + k];
            const idx = row + k;
            gm[idx] += wt * m;
            gmv[3 * idx] += wt * (mvx + M[0] * d0 + M[1] * d1 + M[2] * d2);
            gmv[3 * idx + 1] += wt * (mvy + M[3] * d0 + M[4] * d1 + M[5] * d2);
            gmv[3 * idx + 2] += wt * (mvz + M[6] * d0 + M[7] * d1 + M[8] * d2);
          }
        }
      }
    }
    const { u, gv } = this;
    const gdt = o.dt * o.gravity;
    for (let idx = 0; idx < gm.length; idx++) {
      const mass = gm[idx];
      if (mass <= 0) {
        for (let a = 0; a < 3; a++) {
          u[3 * idx + a] = 0;
          gv[3 * idx + a] = 0;
        }
        continue;
      }
      for (let a = 0; a < 3; a++) u[3 * idx + a] = gmv[3 * idx + a] / mass;
      u[3 * idx + 1] += gdt;
      this.applyBoundary(idx, u, gv);
    }
  }

  /** Bit a set = boundary projection zeroes velocity component a of node idx (u before projection). */
  private boundaryMask(idx: number): number {
    const o = this.opts;
    if (o.boundary === 'none') return 0;
    const nG = o.nGrid,
      b = o.boundCells,
      u = this.u;
    const cell0 = Math.floor(idx / (nG * nG)),
      cell1 = Math.floor(idx / nG) % nG,
      cell2 = idx % nG;
    const v0 = u[3 * idx],
      v1 = u[3 * idx + 1],
      v2 = u[3 * idx + 2];
    const hits =
      (movesIntoWall(cell0, v0, nG, b) ? 1 : 0) | (movesIntoWall(cell1, v1, nG, b) ? 2 : 0) | (movesIntoWall(cell2, v2, nG, b) ? 4 : 0);
    return boundaryZeroMask(o.boundary, hits, 7);
  }

  private applyBoundary(idx: number, u: Float64Array, out: Float64Array): void {
    const mask = this.boundaryMask(idx);
    for (let a = 0; a < 3; a++) out[3 * idx + a] = mask & (1 << a) ? 0 : u[3 * idx + a];
  }

  /** G2P gather for the particle whose stencil is set: velocity into vOut[0..3), B = sum w v dpos^T into Bm. */
  private gather(vOut: Float64Array): void {
    const nG = this.opts.nGrid,
      dx = this.dx;
    const { gv, w, fr, base, Bm } = this;
    vOut[0] = 0;
    vOut[1] = 0;
    vOut[2] = 0;
    Bm.fill(0);
    for (let i = 0; i < 3; i++) {
      const d0 = (i - fr[0]) * dx;
      for (let j = 0; j < 3; j++) {
        const d1 = (j - fr[1]) * dx;
        const wij = w[i] * w[3 + j];
        const row = ((base[0] + i) * nG + base[1] + j) * nG + base[2];
        for (let k = 0; k < 3; k++) {
          const d2 = (k - fr[2]) * dx;
          const wt = wij * w[6 + k];
          const idx = 3 * (row + k);
          for (let a = 0; a < 3; a++) {
            const g = wt * gv[idx + a];
            vOut[a] += g;
            Bm[3 * a] += g * d0;
            Bm[3 * a + 1] += g * d1;
            Bm[3 * a + 2] += g * d2;
          }
        }
      }
    }
  }

  private readonly vTmp = new Float64Array(3);

  forward(t: number, s: Float64Array, out: Float64Array): void {
    this.p2gAndGrid(t, s);
    const o = this.opts,
      n = this.n,
      dt = o.dt;
    const cs = 4 * this.invDx * this.invDx;
    const v = this.vTmp,
      Bm = this.Bm;
    for (let p = 0; p < n; p++) {
      this.stencil(s, p);
      this.gather(v);
      for (let a = 0; a < 3; a++) {
        out[3 * p + a] = s[3 * p + a] + dt * v[a];
        out[3 * n + 3 * p + a] = v[a];
      }
      const c = 6 * n + 9 * p,
        f = 15 * n + 9 * p;
      for (let k = 0; k < 9; k++) out[c + k] = cs * Bm[k];
      for (let a = 0; a < 3; a++) {
        for (let b = 0; b < 3; b++) {
          out[f + 3 * a + b] =
            s[f + 3 * a + b] + dt * (out[c + 3 * a] * s[f + b] + out[c + 3 * a + 1] * s[f + 3 + b] + out[c + 3 * a + 2] * s[f + 6 + b]);
        }
      }
      if (o.material === 'fluid') {
        const r = Math.cbrt(det3(out, f));
        for (let k = 0; k < 9; k++) out[f + k] = k % 4 === 0 ? r : 0;
      }
    }
  }

  private readonly G = new Float64Array(9);
  private readonly Gp = new Float64Array(9);

  backward(t: number, s: Float64Array, gOut: Float64Array, gIn: Float64Array): void {
    this.p2gAndGrid(t, s);
    const o = this.opts,
      n = this.n,
      nG = o.nGrid,
      dx = this.dx,
      invDx = this.invDx,
      dt = o.dt,
      m = this.pMass;
    const cs = 4 * invDx * invDx;
    const { gm, gmv, gv, bv, bm, w, dw, fr, base, Bm, Q, G, Gp } = this;
    const v = this.vTmp;
    bv.fill(0);
    // ---- G2P reverse ----
    for (let p = 0; p < n; p++) {
      this.stencil(s, p);
      this.gather(v);
      const c = 6 * n + 9 * p,
        f = 15 * n + 9 * p;
      for (let k = 0; k < 9; k++) {
        G[k] = gOut[f + k];
        Gp[k] = cs * Bm[k];
      } // Gp = C'
      if (o.material === 'fluid') {
        // G-bar of Fn = (I + dt C') F through Fn -> cbrt(det Fn) I
        for (let a = 0; a < 3; a++)
          for (let b = 0; b < 3; b++) {
            Q[3 * a + b] = s[f + 3 * a + b] + dt * (Gp[3 * a] * s[f + b] + Gp[3 * a + 1] * s[f + 3 + b] + Gp[3 * a + 2] * s[f + 6 + b]);
          }
        const J = det3(Q);
        const jb = (G[0] + G[4] + G[8]) / (3 * Math.cbrt(J * J));
        // cofactor of Q into G
        const q = Q;
        G[0] = jb * (q[4] * q[8] - q[5] * q[7]);
        G[1] = jb * (q[5] * q[6] - q[3] * q[8]);
        G[2] = jb * (q[3] * q[7] - q[4] * q[6]);
        G[3] = jb * (q[2] * q[7] - q[1] * q[8]);
        G[4] = jb * (q[0] * q[8] - q[2] * q[6]);
        G[5] = jb * (q[1] * q[6] - q[0] * q[7]);
        G[6] = jb * (q[1] * q[5] - q[2] * q[4]);
        G[7] = jb * (q[2] * q[3] - q[0] * q[5]);
        G[8] = jb * (q[0] * q[4] - q[1] * q[3]);
      }
      // F-bar = (I + dt C')^T G ; Q = cs * (C-bar + dt G F^T) = B-bar
      for (let a = 0; a < 3; a++)
        for (let b = 0; b < 3; b++) {
          gIn[f + 3 * a + b] = G[3 * a + b] + dt * (Gp[a] * G[b] + Gp[3 + a] * G[3 + b] + Gp[6 + a] * G[6 + b]);
          Q[3 * a + b] =
            cs * (gOut[c + 3 * a + b] + dt * (G[3 * a] * s[f + 3 * b] + G[3 * a + 1] * s[f + 3 * b + 1] + G[3 * a + 2] * s[f + 3 * b + 2]));
        }
      const vb0 = gOut[3 * n + 3 * p] + dt * gOut[3 * p];
      const vb1 = gOut[3 * n + 3 * p + 1] + dt * gOut[3 * p + 1];
      const vb2 = gOut[3 * n + 3 * p + 2] + dt * gOut[3 * p + 2];
      let f0 = 0,
        f1 = 0,
        f2 = 0;
      for (let i = 0; i < 3; i++) {
        const d0 = (i - fr[0]) * dx;
        for (let j = 0; j < 3; j++) {
          const d1 = (j - fr[1]) * dx;
          const row = ((base[0] + i) * nG + base[1] + j) * nG + base[2];
          for (let k = 0; k < 3; k++) {
            const d2 = (k - fr[2]) * dx;
            const wt = w[i] * w[3 + j] * w[6 + k];
            const idx = 3 * (row + k);
            const a0 = vb0 + Q[0] * d0 + Q[1] * d1 + Q[2] * d2;
            const a1 = vb1 + Q[3] * d0 + Q[4] * d1 + Q[5] * d2;
            const a2 = vb2 + Q[6] * d0 + Q[7] * d1 + Q[8] * d2;
            bv[idx] += wt * a0;
            bv[idx + 1] += wt * a1;
            bv[idx + 2] += wt * a2;
            const g0 = gv[idx],
              g1 = gv[idx + 1],
              g2 = gv[idx + 2];
            const wb = g0 * a0 + g1 * a1 + g2 * a2;
            f0 += wb * dw[i] * w[3 + j] * w[6 + k] - wt * (g0 * Q[0] + g1 * Q[3] + g2 * Q[6]) * dx;
            f1 += wb * w[i] * dw[3 + j] * w[6 + k] - wt * (g0 * Q[1] + g1 * Q[4] + g2 * Q[7]) * dx;
            f2 += wb * w[i] * w[3 + j] * dw[6 + k] - wt * (g0 * Q[2] + g1 * Q[5] + g2 * Q[8]) * dx;
          }
        }
      }
      gIn[3 * p] = gOut[3 * p] + f0 * invDx;
      gIn[3 * p + 1] = gOut[3 * p + 1] + f1 * invDx;
      gIn[3 * p + 2] = gOut[3 * p + 2] + f2 * invDx;
    }
    // ---- grid reverse: v = mom / m (+ gravity), boundary mask ----
    for (let idx = 0; idx < gm.length; idx++) {
      const mass = gm[idx];
      if (mass <= 0) {
        bv[3 * idx] = 0;
        bv[3 * idx + 1] = 0;
        bv[3 * idx + 2] = 0;
        bm[idx] = 0;
        continue;
      }
      const mask = this.boundaryMask(idx);
      let dot = 0;
      for (let a = 0; a < 3; a++) {
        const ab = mask & (1 << a) ? 0 : bv[3 * idx + a];
        bv[3 * idx + a] = ab / mass;
        dot += ab * gmv[3 * idx + a];
      }
      bm[idx] = -dot / (mass * mass);
    }
    // ---- P2G reverse ----
    const stressCoef = -dt * o.particleVolume * 4 * invDx * invDx;
    const { tau, tauBar, sb, M, Mb } = this;
    sb.mu = 0;
    sb.lambda = 0;
    for (let p = 0; p < n; p++) {
      this.stencil(s, p);
      const sp = this.stressParams(t, p);
      kirchhoff3(o.material, s, 15 * n + 9 * p, sp, tau);
      const c = 6 * n + 9 * p;
      for (let k = 0; k < 9; k++) M[k] = stressCoef * tau[k] + m * s[c + k];
      const mv0 = m * s[3 * n + 3 * p],
        mv1 = m * s[3 * n + 3 * p + 1],
        mv2 = m * s[3 * n + 3 * p + 2];
      let vb0 = 0,
        vb1 = 0,
        vb2 = 0,
        f0 = 0,
        f1 = 0,
        f2 = 0;
      Mb.fill(0);
      for (let i = 0; i < 3; i++) {
        const d0 = (i - fr[0]) * dx;
        for (let j = 0; j < 3; j++) {
          const d1 = (j - fr[1]) * dx;
          const row = ((base[0] + i) * nG + base[1] + j) * nG + base[2];
          for (let k = 0; k < 3; k++) {
            const d2 = (k - fr[2]) * dx;
            const wt = w[i] * w[3 + j] * w[6 + k];
            const idx = row + k;
            const a0 = bv[3 * idx],
              a1 = bv[3 * idx + 1],
              a2 = bv[3 * idx + 2];
            vb0 += wt * a0;
            vb1 += wt * a1;
            vb2 += wt * a2;
            Mb[0] += wt * a0 * d0;
            Mb[1] += wt * a0 * d1;
            Mb[2] += wt * a0 * d2;
            Mb[3] += wt * a1 * d0;
            Mb[4] += wt * a1 * d1;
            Mb[5] += wt * a1 * d2;
            Mb[6] += wt * a2 * d0;
            Mb[7] += wt * a2 * d1;
            Mb[8] += wt * a2 * d2;
            const wb =
              a0 * (mv0 + M[0] * d0 + M[1] * d1 + M[2] * d2) +
              a1 * (mv1 + M[3] * d0 + M[4] * d1 + M[5] * d2) +
              a2 * (mv2 + M[6] * d0 + M[7] * d1 + M[8] * d2) +
              m * bm[idx];
            f0 += wb * dw[i] * w[3 + j] * w[6 + k] - wt * (M[0] * a0 + M[3] * a1 + M[6] * a2) * dx;
            f1 += wb * w[i] * dw[3 + j] * w[6 + k] - wt * (M[1] * a0 + M[4] * a1 + M[7] * a2) * dx;
            f2 += wb * w[i] * w[3 + j] * dw[6 + k] - wt * (M[2] * a0 + M[5] * a1 + M[8] * a2) * dx;
          }
        }
      }
      gIn[3 * p] += f0 * invDx;
      gIn[3 * p + 1] += f1 * invDx;
      gIn[3 * p + 2] += f2 * invDx;
      gIn[3 * n + 3 * p] = m * vb0;
      gIn[3 * n + 3 * p + 1] = m * vb1;
      gIn[3 * n + 3 * p + 2] = m * vb2;
      for (let k = 0; k < 9; k++) {
        gIn[c + k] = m * Mb[k];
        tauBar[k] = stressCoef * Mb[k];
      }
      sb.alpha = 0;
      kirchhoff3Backward(o.material, s, 15 * n + 9 * p, sp, tauBar, gIn, 15 * n + 9 * p, sb);
      this.addActuationGrad(t, p);
    }
    this.addLameGrads();
  }
}
