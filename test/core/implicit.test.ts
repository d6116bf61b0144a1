// Implicit differentiation: gradients through a host solver (no derivative of its own) come from the
// equation it solves. Checked against central finite differences, in jit and vmap, and for memory that
// does not grow with solver iterations (against differentiating an unrolled CG).
import { expect } from 'chai';
import * as fx from '../../index.js';
import { solveTridiagonal } from '../../solvers/tridiagonal.js';
import { fdGrad, rand64, relErr } from '../support/check.js';
import { unrolledCg } from '../support/unrolledCg.js';
import { gradArenaBytes } from '../../bench/arena.js';

// -(k u')' = f on (0, 1), u(0) = u(1) = 0, n interior nodes, k on the n + 1 cell faces
const n = 24;
const h = 1 / (n + 1);
/** A(k) u in differentiable ops: the three-point flux difference. */
const matvec = (u: fx.Tensor, k: fx.Tensor): fx.Tensor => {
  const padded = fx.pad(u, [1], [1]); // Dirichlet zeros
  const flux = fx.mul(k, fx.sub(fx.sliceAxis(padded, 0, 1, n + 2), fx.sliceAxis(padded, 0, 0, n + 1))); // k u' on faces
  return fx.div(fx.sub(fx.sliceAxis(flux, 0, 0, n), fx.sliceAxis(flux, 0, 1, n + 1)), h * h);
};
/** The same system solved on the host (Thomas algorithm): a solver the autodiff cannot see into. */
let hostSolves = 0;
const hostSolve = (b: fx.Tensor, k: fx.Tensor): fx.Tensor =>
  fx.hostCall(
    'tridiagonal',
    ([rhs, kf]) => {
      hostSolves++;
      const diag = Float64Array.from({ length: n }, (_, i) => (kf[i] + kf[i + 1]) / (h * h));
      const off = Float64Array.from({ length: n }, (_, i) => -kf[i + 1] / (h * h));
      const lower = Float64Array.from({ length: n }, (_, i) => (i > 0 ? -kf[i] / (h * h) : 0));
      return solveTridiagonal(lower, diag, off, Float64Array.from(rhs));
    },
    [b, k],
    { shape: [n], dtype: 'f64' },
  );
const solve = fx.linearSolve(matvec, hostSolve, { symmetric: true });

const k = fx.add(rand64([n + 1], 1, 0.5, 1.5), 0);
const f = rand64([n], 2, 0.5, 2);
const obs = rand64([n], 3, 0, 0.05);
const loss = (kk: fx.Tensor, ff: fx.Tensor) => fx.sum(fx.square(fx.sub(solve(ff, kk), obs)));

describe('implicit differentiation through a host solver', () => {
  it('solves: A(k) x = b to rounding', () => {
    const x = solve(f, k);
    expect(relErr(matvec(x, k).dataSync(), f.dataSync())).to.be.below(1e-12);
  });

  it('gradients wrt the coefficient and the right-hand side match finite differences', () => {
    const [gk, gf] = fx.grad(loss, [0, 1])(k, f) as fx.Tensor[];
    expect(
      relErr(
        gk.dataSync(),
        fdGrad((a, b) => loss(a, b).item(), [k, f], 0),
      ),
    ).to.be.below(1e-6);
    expect(
      relErr(
        gf.dataSync(),
        fdGrad((a, b) => loss(a, b).item(), [k, f], 1),
      ),
    ).to.be.below(1e-6);
  });

  it('under jit: one forward and one transposed host solve per gradient step, same values', () => {
    const step = fx.jit(fx.grad(loss, [0, 1]));
    step(k, f);
    hostSolves = 0;
    const [gk] = step(k, f) as fx.Tensor[];
    expect(hostSolves).to.equal(2);
    expect(relErr(gk.dataSync(), (fx.grad(loss)(k, f) as fx.Tensor).dataSync())).to.be.below(1e-12);
  });

  it('vmap over right-hand sides runs one host solve per example', () => {
    const bs = rand64([3, n], 4);
    const xs = fx.vmap((b: fx.Tensor) => solve(b, k))(bs) as fx.Tensor;
    for (let i = 0; i < 3; i++) {
      const want = solve(fx.reshape(fx.sliceAxis(bs, 0, i, i + 1), [n]), k).dataSync();
      expect(relErr(xs.dataSync().slice(i * n, (i + 1) * n), want)).to.be.below(1e-14);
    }
  });

  it('working memory stays flat in solver iterations, unlike differentiating an unrolled CG', () => {
    const cg = (iterations: number) => (b: fx.Tensor, kk: fx.Tensor) => unrolledCg((p) => matvec(p, kk), b, iterations);
    const arena = (solver: (b: fx.Tensor, kk: fx.Tensor) => fx.Tensor) =>
      gradArenaBytes((kk, ff) => fx.sum(fx.square(fx.sub(solver(ff, kk), obs))), [k, f]);
    const unrolled = [10, 40].map((it) => arena(cg(it)));
    const implicit = [10, 40].map((it) => arena(fx.linearSolve(matvec, cg(it), { symmetric: true })));
    expect(unrolled[1]).to.be.above(2 * unrolled[0]);
    expect(implicit[1]).to.be.below(1.2 * implicit[0]);
    expect(implicit[1]).to.be.below(0.5 * unrolled[1]);
  });

  it('a host call on its own is not differentiable, and says what to use', () => {
    expect(() => fx.grad((b: fx.Tensor) => fx.sum(hostSolve(b, k)))(f)).to.throw(
      /hostCall 'tridiagonal' has no derivative: .*fx.linearSolve/,
    );
    expect(() => fx.linearSolve(matvec, hostSolve)).to.throw(/give transposeSolve, or symmetric: true/);
    const short = () => fx.hostCall('short', () => new Float64Array(2), [f], { shape: [n], dtype: 'f64' });
    expect(short).to.throw(new RegExp(`hostCall 'short': returned 2 values, expected ${n}`));
  });
});

describe('root: implicit function theorem through Newton on the host', () => {
  // x^3 + x = c elementwise: dx/dc = 1 / (3 x^2 + 1)
  const F = (x: fx.Tensor, c: fx.Tensor) => fx.sub(fx.add(fx.pow(x, 3), x), c);
  const newton = (x0: fx.Tensor, c: fx.Tensor) =>
    fx.hostCall(
      'newton',
      ([start, cs]) =>
        Float64Array.from(start, (x, i) => {
          let z = x;
          for (let it = 0; it < 60; it++) z -= (z ** 3 + z - cs[i]) / (3 * z * z + 1);
          return z;
        }),
      [x0, c],
      { shape: x0.shape, dtype: 'f64' },
    );
  // J is diagonal here: J^T lambda = ct is solved by dividing by J^T applied to ones
  const diagonalSolve = (matvecT: (v: fx.Tensor) => fx.Tensor, ct: fx.Tensor) => fx.div(ct, matvecT(fx.add(fx.zerosLike(ct), 1)));
  const solveRoot = fx.root(F, newton, diagonalSolve);

  it('finds the root and differentiates it as 1 / (3 x^2 + 1)', () => {
    const c = rand64([6], 5, -3, 3);
    const x = solveRoot(fx.zerosLike(c), c);
    expect(relErr(F(x, c).dataSync(), new Float64Array(6), 1)).to.be.below(1e-12);
    const g = fx.grad((cc: fx.Tensor) => fx.sum(solveRoot(fx.zerosLike(cc), cc)))(c) as fx.Tensor;
    const xs = x.dataSync();
    expect(
      relErr(
        g.dataSync(),
        Array.from(xs, (v) => 1 / (3 * v * v + 1)),
      ),
    ).to.be.below(1e-12);
  });

  it("is also exported under JAX's names (customRoot, customLinearSolve)", () => {
    expect(fx.customRoot).to.equal(fx.root);
    expect(fx.customLinearSolve).to.equal(fx.linearSolve);
  });
});
