/**
 * One MLS-MPM step (2D or 3D; APIC, quadratic B-splines) as a pure function of core tensors, state -> state:
 * P2G by scatterAdd, the grid update by elementwise ops, G2P by gather, materials as core functions.
 * The same scheme, options and order of operations as the hand-written test/sim/oracle/mpm (which serves as its test
 * oracle), so every transformation of the core (grad, vjp, jvp, jit, vmap, checkpoint) applies to it.
 */
import * as fx from '../../core/index.js';
import type { DType, Tensor } from '../../core/index.js';
import { resolveMpmOptions, type MpmOptions } from '../mpmOptions.js';
import { gridVelocity, wallMasks } from './grid.js';
import { fluidReset, kirchhoff, snowPlasticity, updateDeformation, type CoreMpmMaterial } from './materials.js';
import type { NeuralElasticity } from './neuralMaterial.js';
import type { NeuralPlasticity } from './neuralPlasticity.js';
import { rows, stackRows, type Mat } from './smallMat.js';
import type { MpmState, StateShape } from './state.js';

// a type alias, not an interface: object types without an index signature are pytrees only as aliases
export type MpmParams = {
  /** Young's modulus and Poisson ratio, scalars */
  E: Tensor;
  nu: Tensor;
  /** this step's actuation a_p [N] (stress actuationStrength * a_p F d d^T F^T); omitted = none */
  actuation?: Tensor;
  /** the learned law's flat parameters (material 'neural'; E and nu are then unused): the elastic network's, then the
   *  plastic network's when there is one */
  theta?: Tensor;
};

export interface CoreMpmOptions extends Omit<MpmOptions, 'material'> {
  dim?: 2 | 3;
  /** an analytic material (sim/mpmOptions.ts), or 'neural': the learned law `neural`, parameterised by MpmParams.theta */
  material?: CoreMpmMaterial;
  neural?: NeuralElasticity;
  /** a learned plastic return mapping applied to F after each update (2D, material 'neural' only) */
  neuralPlasticity?: NeuralPlasticity;
  /** f64 (default; what the hand-written simulator computes in) or f32 */
  dtype?: DType;
}

export interface CoreMpm {
  readonly dim: 2 | 3;
  /** the material the step uses (opts.material holds the validated stand-in when this is 'neural') */
  readonly material: CoreMpmMaterial;
  readonly opts: Required<MpmOptions>;
  readonly dtype: DType;
  readonly shape: StateShape;
  readonly pMass: number;
  /** The pure step function. */
  step(state: MpmState, params: MpmParams): MpmState;
  /** Rest state: given positions (and velocities) as [d, N], C = 0, F = I, Jp = 1. */
  initialState(positions: Tensor, velocities?: Tensor): MpmState;
  /** E and nu as scalar tensors of this simulator's dtype (defaults from the options). */
  params(E?: number, nu?: number): { E: Tensor; nu: Tensor };
}

/** Lamé parameters from (E, nu), in core ops so (E, nu) are differentiable. */
export function lameTensors(E: Tensor, nu: Tensor): { mu: Tensor; lambda: Tensor } {
  const onePlus = fx.add(1, nu);
  return { mu: fx.div(E, fx.mul(2, onePlus)), lambda: fx.div(fx.mul(E, nu), fx.mul(onePlus, fx.sub(1, fx.mul(2, nu)))) };
}

export function coreMpm(options: CoreMpmOptions): CoreMpm {
  const dim = options.dim ?? 2;
  if (dim !== 2 && dim !== 3) throw new Error(`coreMpm: dim must be 2 or 3, got ${String(dim)}`);
  const material = options.material ?? 'fixedCorotated';
  const law = options.neural;
  if (material === 'neural') {
    if (!law) throw new Error("coreMpm: material 'neural' needs the option neural (a neuralElasticity law)");
    if (law.dim !== dim) throw new Error(`coreMpm: the neural law is built for d = ${law.dim}, the simulator has d = ${dim}`);
  }
  const plastic = options.neuralPlasticity;
  if (plastic && (material !== 'neural' || dim !== 2)) throw new Error("coreMpm: neuralPlasticity needs material 'neural' in 2D");
  const thetaSize = (law?.size ?? 0) + (plastic?.size ?? 0);
  // resolveMpmOptions validates everything but the learned material, for which any elastic stand-in passes its checks
  const o = resolveMpmOptions({ ...options, material: material === 'neural' ? 'neoHookean' : material }, dim);
  if (dim === 3 && o.material === 'snow') throw new Error('coreMpm: material snow is only implemented in 2D');
  const dtype = options.dtype ?? 'f64';
  const n = o.nParticles;
  const nG = o.nGrid;
  const snow = o.material === 'snow';
  const pMass = o.density * o.particleVolume;
  const stressCoef = -o.dt * o.particleVolume * 4 * nG * nG;
  const cs = 4 * nG * nG;
  const rule = { nGrid: nG, dim, dt: o.dt, gravity: o.gravity, boundary: o.boundary, boundCells: o.boundCells };
  const walls = wallMasks(rule, dtype);
  const shape: StateShape = { dim, n, snow };

  function step(state: MpmState, params: MpmParams): MpmState {
    const C: Mat = rows(state.C);
    const F: Mat = rows(state.F);

    // ---- P2G: affine momentum M = -dt V 4/dx^2 tau + m C, node momentum w (m v + M (x_i - x_p)) ----
    let { mu, lambda } = lameTensors(params.E, params.nu);
    if (snow) {
      const h = fx.exp(fx.mul(o.hardening, fx.sub(1, state.Jp as Tensor)));
      mu = fx.mul(mu, h);
      lambda = fx.mul(lambda, h);
    }
    const alpha = params.actuation ? fx.mul(o.actuationStrength, params.actuation) : null;
    let neural: { law: NeuralElasticity; theta: Tensor } | undefined;
    let thetaPlastic: Tensor | undefined;
    if (material === 'neural' && law) {
      const th = params.theta;
      if (th?.rank !== 1 || th.shape[0] !== thetaSize)
        throw new Error(
          `coreMpm: material 'neural' needs params.theta of shape [${thetaSize}], got ${th ? `[${th.shape.join(', ')}]` : 'none'}`,
        );
      neural = { law, theta: plastic ? fx.slice(th, [0], [law.size]) : th };
      if (plastic) thetaPlastic = fx.slice(th, [law.size], [plastic.size]);
    }
    const tau = kirchhoff(material, F, { mu, lambda, alpha, direction: o.actuationDirection, neural });
    const M = tau.map((t, k) => fx.add(fx.mul(stressCoef, t), fx.mul(pMass, C[k])));
    // P2G in one fused transfer: channel 0 the mass (coefficients [m, 0...]), channel 1 + a the momentum
    // (coefficients [m v_a, M[a, 0..d-1]]); node value w (A_0 + sum_b A_b (x_i - x_p)_b)
    const v = rows(state.v);
    const zero = fx.zeros([n], dtype);
    const massRow = [fx.full([n], pMass, dtype), ...v.map(() => zero)];
    const coef = [massRow, ...v.map((va, a) => [fx.mul(pMass, va), ...M.slice(dim * a, dim * a + dim)])];
    const grid = rows(fx.bsplineP2G(state.x, fx.reshape(stackRows(coef.flat()), [1 + dim, 1 + dim, n]), nG));

    // ---- grid update ----
    const gv = gridVelocity(rule, walls, grid[0], grid.slice(1));

    // ---- G2P: v = sum w v_i, C = 4/dx^2 sum w v_i (x_i - x_p)^T, x += dt v, F = (I + dt C) F ----
    // S[a, 0] = sum_k w v_a, S[a, 1 + b] = sum_k w v_a (x_k - x_p)_b
    const S = rows(fx.reshape(fx.bsplineG2P(state.x, stackRows(gv), nG), [dim * (1 + dim), n]));
    const vNew = stackRows(Array.from({ length: dim }, (_, a) => S[(1 + dim) * a]));
    const Cm: Mat = [];
    for (let a = 0; a < dim; a++) for (let b = 0; b < dim; b++) Cm.push(fx.mul(cs, S[(1 + dim) * a + 1 + b]));
    const CNew = stackRows(Cm);
    let FNew = updateDeformation(F, Cm, o.dt);
    let Jp = state.Jp;
    if (material === 'fluid') FNew = fluidReset(FNew);
    if (plastic && thetaPlastic) FNew = plastic.project(FNew, thetaPlastic);
    if (snow) {
      const r = snowPlasticity(FNew, state.Jp as Tensor, o.thetaC, o.thetaS);
      FNew = r.F;
      Jp = r.Jp;
    }
    const out: MpmState = { x: fx.add(state.x, fx.mul(o.dt, vNew)), v: vNew, C: CNew, F: stackRows(FNew) };
    if (snow) out.Jp = Jp;
    return out;
  }

  function initialState(positions: Tensor, velocities?: Tensor): MpmState {
    const eye = Array.from({ length: dim * dim }, (_, k) => (k % (dim + 1) === 0 ? 1 : 0));
    const st: MpmState = {
      x: positions,
      v: velocities ?? fx.zeros([dim, n], dtype),
      C: fx.zeros([dim * dim, n], dtype),
      F: fx.broadcastTo(fx.tensor(eye, [dim * dim, 1], dtype), [dim * dim, n]),
    };
    if (snow) st.Jp = fx.ones([n], dtype);
    return st;
  }

  const params = (E = o.E, nu = o.nu) => ({ E: fx.tensor(E, [], dtype), nu: fx.tensor(nu, [], dtype) });
  return { dim, material, opts: o, dtype, shape, pMass, step, initialState, params };
}
