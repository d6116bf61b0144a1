// Elementwise primitives: arithmetic, transcendental functions, comparisons, select and cast.
// Each definition carries its derivative (once: linear, zero, the list f', f'', ... or the partials)
// and how the js, gpu, wgsl and wasm code generators render it inside a fused loop.
import { ShapeError } from '../errors.js';
import { allocate, type DType, type TypedArray } from '../dtype.js';
import { fmt, sameShape } from '../shape.js';
import type { Aval } from '../ir.js';
import type { Tensor } from '../tensor.js';
import type { Lax } from '../lax.js';
import { erf, softplus } from '../kernels/special.js';
import { lit } from '../kernels/glsl.js';
import { wgslLit } from '../kernels/wgsl.js';
import type { ElementwiseImpl, NoParams, PrimDef, PrimTable, Series, WasmEmitter } from './types.js';
import { batchLeading } from './batching.js';
import { tanhWasm } from './tanhWasm.js';

export interface ElementwiseParams {
  neg: NoParams;
  exp: NoParams;
  log: NoParams;
  sin: NoParams;
  cos: NoParams;
  tanh: NoParams;
  sqrt: NoParams;
  powc: { readonly exponent: number };
  erf: NoParams;
  softplus: NoParams;
  abs: NoParams;
  floor: NoParams;
  sign: NoParams;
  stop_gradient: NoParams;
  add: NoParams;
  sub: NoParams;
  mul: NoParams;
  div: NoParams;
  max: NoParams;
  atan2: NoParams;
  gt: NoParams;
  ge: NoParams;
  eq: NoParams;
  where: NoParams;
  cast: { readonly dtype: DType };
}
type Name = keyof ElementwiseParams;
type T = Tensor | null;

/** Elementwise inputs share one shape and dtype (ops.ts broadcasts and promotes before binding). */
function sameAval(op: string, inputs: readonly Aval[]): Aval {
  const [a] = inputs;
  for (const b of inputs.slice(1)) {
    if (!sameShape(a.shape, b.shape)) throw new ShapeError(op, `shapes ${fmt(a.shape)} and ${fmt(b.shape)} differ`);
    if (a.dtype !== b.dtype) throw new ShapeError(op, `dtypes ${a.dtype} and ${b.dtype} differ`);
  }
  return { shape: a.shape, dtype: a.dtype };
}

/** The reference loop of an elementwise primitive, from its per-element value. */
function loop<P>(arity: number, scalar: ElementwiseImpl<P>['scalar']) {
  return (ins: TypedArray[], _s: unknown, out: Aval, p: P): TypedArray => {
    const [a, b, c] = ins;
    const res = allocate(out.dtype, a.length);
    if (arity === 1) for (let i = 0; i < a.length; i++) res[i] = scalar(a[i], 0, 0, p);
    else if (arity === 2) for (let i = 0; i < a.length; i++) res[i] = scalar(a[i], b[i], 0, p);
    else for (let i = 0; i < a.length; i++) res[i] = scalar(a[i], b[i], c[i], p);
    return res;
  };
}

/** Renderers for an operation that every backend writes the same way up to syntax. */
interface Spec<K extends Name> {
  arity: 1 | 2 | 3;
  scalar: ElementwiseImpl<ElementwiseParams[K]>['scalar'];
  js: ElementwiseImpl<ElementwiseParams[K]>['render']['js'];
  gpu: ElementwiseImpl<ElementwiseParams[K]>['render']['gpu'];
  wgsl: ElementwiseImpl<ElementwiseParams[K]>['render']['wgsl'];
  wasm?: ElementwiseImpl<ElementwiseParams[K]>['render']['wasm'];
  diff: PrimDef<K>['diff'];
  simdKernel?: boolean;
  simdInLoops?: boolean;
  shape?: PrimDef<K>['shape'];
  impl?: PrimDef<K>['impl'];
}

function def<K extends Name>(name: K, s: Spec<K>): PrimDef<K> {
  return {
    name,
    shape: s.shape ?? ((ins) => sameAval(name, ins)),
    impl: s.impl ?? loop(s.arity, s.scalar),
    diff: s.diff,
    batch: batchLeading(),
    elementwise: { scalar: s.scalar, render: { js: s.js, gpu: s.gpu, wgsl: s.wgsl, wasm: s.wasm ?? (() => null) } },
    simdKernel: s.simdKernel,
    simdInLoops: s.simdInLoops,
  };
}

/** A wasm renderer applying one f32x4 instruction to the operands. */
const simd =
  (op: string) =>
  (w: WasmEmitter, a: number[][]): number[] => [...a.flat(), ...w.op(op)];
/** A comparison as 1.0 / 0.0: the lane mask AND the bits of 1.0. */
const compare =
  (op: string) =>
  (w: WasmEmitter, [a, b]: number[][]): number[] => [...a, ...b, ...w.op(op), ...w.splat(1), ...w.op('and')];
/** JS and GPU text of a call with the arguments in order. */
const call =
  (fn: string) =>
  (a: string[]): string =>
    `${fn}(${a.join(', ')})`;
/** Scalar helpers the generated JS loops call (passed to them as `S`). */
export const JS_HELPERS = { erf, softplus };

const zero = { kind: 'zero' } as const;
const addMaybe = (lax: Lax, a: T, b: T): T => (!a ? b : !b ? a : lax.add(a, b));
const scaleMaybe = (lax: Lax, t: T, c: number): T => (t && c !== 1 ? lax.mul(t, c) : t);
const fact = (k: number): number => (k <= 1 ? 1 : k * fact(k - 1));
const binom = (n: number, k: number): number => fact(n) / (fact(k) * fact(n - k));
/** e (e-1) ... (e-j+1) */
const falling = (e: number, j: number): number => (j === 0 ? 1 : (e - j + 1) * falling(e, j - 1));

/**
 * Derivatives of g with g' = first, g'' onwards from g' = alpha + beta g + gamma g^2 by Leibniz's rule:
 * g^(n+1) = beta g^(n) + gamma sum_k C(n,k) g^(k) g^(n-k). Returns [g', ..., g^(n)].
 */
function quadraticOde(lax: Lax, g: Tensor, first: Tensor, beta: number, gamma: number, n: number): Tensor[] {
  const d = [g, first]; // d[k] = g^(k)
  for (let m = 1; m < n; m++) {
    // sum_k C(m,k) d_k d_(m-k) = 2 (pairs with k < m/2) + the middle square
    let pairs: Tensor | null = null;
    for (let k = 0; 2 * k < m; k++) {
      const term = scaleMaybe(lax, lax.mul(d[k], d[m - k]), binom(m, k)) as Tensor;
      pairs = pairs ? lax.add(pairs, term) : term;
    }
    let quad = lax.mul(pairs as Tensor, 2 * gamma);
    if (m % 2 === 0) quad = lax.add(quad, lax.mul(lax.square(d[m / 2]), gamma * binom(m, m / 2)));
    d.push(beta ? lax.add(lax.mul(d[m], beta), quad) : quad);
  }
  return d.slice(1, n + 1);
}

/** The first n derivatives of sin or cos: a cycle of +-sin, +-cos (built only as far as asked). */
const cyclic = (n: number, cycle: ReadonlyArray<() => Tensor>): Tensor[] => {
  const made: Tensor[] = [];
  return Array.from({ length: n }, (_, j) => (made[j % 4] ??= cycle[j % 4]()));
};

const unaryDefs = {
  neg: def('neg', {
    arity: 1,
    scalar: (x) => -x,
    js: ([a]) => `(-${a})`,
    gpu: ([a]) => `(-${a})`,
    wgsl: ([a]) => `(-${a})`,
    wasm: simd('neg'),
    simdKernel: false,
    diff: { kind: 'linear', in: 'all', transpose: (lax, ct) => [lax.neg(ct)] },
  }),
  exp: def('exp', {
    arity: 1,
    scalar: Math.exp,
    js: call('Math.exp'),
    gpu: call('Math.exp'),
    wgsl: call('exp'),
    simdKernel: true,
    diff: { kind: 'unary', derivatives: (_, __, y, n) => new Array<Tensor>(n).fill(y) },
  }),
  log: def('log', {
    arity: 1,
    scalar: Math.log,
    js: call('Math.log'),
    gpu: call('Math.log'),
    wgsl: call('log'),
    simdKernel: true,
    diff: {
      kind: 'unary',
      // (-1)^(j-1) (j-1)! / x^j
      derivatives: (lax, x, _, n) =>
        Array.from({ length: n }, (__, i) =>
          i === 0
            ? lax.div(1, x)
            : i === 1
              ? lax.neg(lax.div(1, lax.square(x)))
              : lax.mul(lax.pow(x, -(i + 1)), (i % 2 ? -1 : 1) * fact(i)),
        ),
    },
  }),
  sin: def('sin', {
    arity: 1,
    scalar: Math.sin,
    js: call('Math.sin'),
    gpu: call('Math.sin'),
    wgsl: call('sin'),
    simdKernel: true,
    diff: {
      kind: 'unary',
      derivatives: (lax, x, y, n) => {
        const c = lax.cos(x);
        return cyclic(n, [() => c, () => lax.neg(y), () => lax.neg(c), () => y]);
      },
    },
  }),
  cos: def('cos', {
    arity: 1,
    scalar: Math.cos,
    js: call('Math.cos'),
    gpu: call('Math.cos'),
    wgsl: call('cos'),
    simdKernel: true,
    diff: {
      kind: 'unary',
      derivatives: (lax, x, y, n) => {
        const s = lax.sin(x);
        return cyclic(n, [() => lax.neg(s), () => lax.neg(y), () => s, () => y]);
      },
    },
  }),
  tanh: def('tanh', {
    arity: 1,
    scalar: Math.tanh,
    js: call('Math.tanh'),
    simdKernel: true,
    simdInLoops: true,
    wasm: tanhWasm,
    // GLSL's tanh overflows to NaN for large |x| on some drivers; tanh(15) is 1 in f32 anyway
    gpu: ([a]) => `Math.tanh(Math.min(Math.max(${a}, -15.0), 15.0))`,
    wgsl: ([a]) => `tanh(clamp(${a}, -15.0, 15.0))`,
    // y' = 1 - y^2
    diff: { kind: 'unary', derivatives: (lax, _, y, n) => quadraticOde(lax, y, lax.sub(1, lax.square(y)), 0, -1, n) },
  }),
  sqrt: def('sqrt', {
    arity: 1,
    scalar: Math.sqrt,
    js: call('Math.sqrt'),
    gpu: call('Math.sqrt'),
    wgsl: call('sqrt'),
    wasm: simd('sqrt'),
    diff: {
      kind: 'unary',
      // falling(1/2, j) x^(1/2 - j) = falling(1/2, j) / y^(2j-1)
      derivatives: (lax, _, y, n) =>
        Array.from({ length: n }, (__, i) =>
          i === 0
            ? lax.div(0.5, y)
            : i === 1
              ? lax.div(-0.25, lax.mul(y, lax.square(y)))
              : lax.div(falling(0.5, i + 1), lax.pow(y, 2 * i + 1)),
        ),
    },
  }),
  powc: def('powc', {
    arity: 1,
    scalar: (x, _, __, p) => x ** p.exponent,
    js: ([a], p, f32) => (f32 && smallIntegerPower(p.exponent) ? f32Power(a, p.exponent) : `Math.pow(${a}, ${p.exponent})`),
    gpu: ([a], p) => powExpr(a, p.exponent, GPU_MATH),
    wgsl: ([a], p) => powExpr(a, p.exponent, WGSL_MATH),
    wasm: (w, [a], p) => {
      const e = p.exponent;
      if (!smallIntegerPower(e)) return null;
      if (e === 0) return w.splat(1);
      // the base once into a local, then a left fold of multiplications (as the JS loops round them)
      const [tee, get] = w.local();
      let code = [...a, ...tee];
      for (let k = 1; k < Math.abs(e); k++) code = [...code, ...get, ...w.op('mul')];
      return e > 0 ? code : [...w.splat(1), ...code, ...w.op('div')];
    },
    diff: {
      kind: 'unary',
      derivatives: (lax, x, _, n, p) =>
        Array.from({ length: n }, (__, i) => {
          const c = falling(p.exponent, i + 1);
          return c === 0 ? null : lax.mul(lax.pow(x, p.exponent - i - 1), c);
        }),
    },
  }),
  erf: def('erf', {
    arity: 1,
    scalar: erf,
    js: ([a]) => `S.erf(${a})`,
    gpu: ([a]) => erfExpr(a, GPU_MATH),
    wgsl: ([a]) => erfExpr(a, WGSL_MATH),
    // erf^(k+1) = (-1)^k H_k(x) erf', H the physicists' Hermite polynomials
    diff: {
      kind: 'unary',
      derivatives: (lax, x, _, n) => {
        const d1 = lax.mul(lax.exp(lax.neg(lax.square(x))), 2 / Math.sqrt(Math.PI));
        const out: Tensor[] = [d1];
        let [hPrev, h]: [Tensor | null, Tensor] = [null, lax.mul(x, 2)]; // H_0 = 1, H_1 = 2x
        for (let k = 1; k < n; k++) {
          out.push(lax.mul(h, k % 2 ? lax.neg(d1) : d1));
          if (k + 1 < n) [hPrev, h] = [h, lax.sub(lax.mul(lax.mul(x, 2), h), hPrev ? lax.mul(hPrev, 2 * k) : 2 * k)];
        }
        return out;
      },
    },
  }),
  softplus: def('softplus', {
    arity: 1,
    scalar: softplus,
    js: ([a]) => `S.softplus(${a})`,
    gpu: ([a]) => `(Math.max(${a}, 0.0) + Math.log(1.0 + Math.exp(-Math.abs(${a}))))`,
    wgsl: ([a]) => `(max(${a}, 0.0) + log(1.0 + exp(-abs(${a}))))`,
    // softplus' = sigmoid s, s' = s - s^2
    diff: {
      kind: 'unary',
      derivatives: (lax, x, _, n) => {
        const s = lax.div(1, lax.add(lax.exp(lax.neg(x)), 1));
        return [s, ...(n > 1 ? quadraticOde(lax, s, lax.mul(s, lax.sub(1, s)), 1, -1, n - 1) : [])];
      },
    },
  }),
  abs: def('abs', {
    arity: 1,
    scalar: Math.abs,
    js: call('Math.abs'),
    gpu: call('Math.abs'),
    wgsl: call('abs'),
    wasm: simd('abs'),
    // sign(x): at 0 the derivative is taken as 0 (the subgradient's midpoint), so gradients never hold NaN
    diff: { kind: 'unary', derivatives: (lax, x, _, n) => [lax.sign(x), ...new Array<null>(n - 1).fill(null)] },
  }),
  floor: def('floor', {
    arity: 1,
    scalar: Math.floor,
    js: call('Math.floor'),
    gpu: call('Math.floor'),
    wgsl: call('floor'),
    wasm: simd('floor'),
    diff: zero,
  }),
  sign: def('sign', {
    arity: 1,
    scalar: (x) => (x > 0 ? 1 : x < 0 ? -1 : 0),
    js: ([a]) => `(${a} > 0 ? 1 : ${a} < 0 ? -1 : 0)`,
    gpu: ([a]) => `(${a} > 0.0 ? 1.0 : (${a} < 0.0 ? -1.0 : 0.0))`,
    wgsl: call('sign'),
    wasm: (w, [a]) => [...compare('gt')(w, [a, w.splat(0)]), ...compare('lt')(w, [a, w.splat(0)]), ...w.op('sub')],
    diff: zero,
  }),
  // shares its input's (immutable) buffer
  stop_gradient: def('stop_gradient', {
    arity: 1,
    scalar: (x) => x,
    js: ([a]) => a,
    gpu: ([a]) => a,
    wgsl: ([a]) => a,
    diff: zero,
    impl: ([x]) => x,
  }),
} satisfies PrimTable<
  'neg' | 'exp' | 'log' | 'sin' | 'cos' | 'tanh' | 'sqrt' | 'powc' | 'erf' | 'softplus' | 'abs' | 'floor' | 'sign' | 'stop_gradient'
>;

/** Cauchy product of two series with `mul` as the multiplication (elementwise or matrix). */
export function product(lax: Lax, a: Series, b: Series, K: number, mul: (u: Tensor, v: Tensor) => Tensor = lax.mul): Series {
  const out: Series = [null];
  for (let k = 1; k <= K; k++) out.push(convolve(lax, a, b, k, 0, k, undefined, mul));
  return out;
}

/** sum_{j=lo..hi} w(j) a_j b_{k-j}, skipping zero terms. */
export function convolve(
  lax: Lax,
  a: Series,
  b: Series,
  k: number,
  lo: number,
  hi: number,
  w: (j: number) => number = () => 1,
  mul: (u: Tensor, v: Tensor) => Tensor = lax.mul,
): T {
  let acc: T = null;
  for (let j = lo; j <= hi; j++) {
    const wj = w(j);
    const aj = a[j];
    const bk = b[k - j];
    if (wj === 0 || !aj || !bk) continue;
    const term = wj === 1 ? mul(aj, bk) : lax.mul(mul(aj, bk), wj);
    acc = acc ? lax.add(acc, term) : term;
  }
  return acc;
}

const binaryDefs = {
  add: def('add', {
    arity: 2,
    scalar: (a, b) => a + b,
    js: ([a, b]) => `(${a} + ${b})`,
    gpu: ([a, b]) => `(${a} + ${b})`,
    wgsl: ([a, b]) => `(${a} + ${b})`,
    wasm: simd('add'),
    diff: { kind: 'linear', in: 'all', transpose: (_, ct) => [ct, ct] },
  }),
  sub: def('sub', {
    arity: 2,
    scalar: (a, b) => a - b,
    js: ([a, b]) => `(${a} - ${b})`,
    gpu: ([a, b]) => `(${a} - ${b})`,
    wgsl: ([a, b]) => `(${a} - ${b})`,
    wasm: simd('sub'),
    diff: { kind: 'linear', in: 'all', transpose: (lax, ct) => [ct, lax.neg(ct)] },
  }),
  mul: def('mul', {
    arity: 2,
    scalar: (a, b) => a * b,
    js: ([a, b]) => `(${a} * ${b})`,
    gpu: ([a, b]) => `(${a} * ${b})`,
    wgsl: ([a, b]) => `(${a} * ${b})`,
    wasm: simd('mul'),
    diff: {
      kind: 'rules',
      jet: (lax, [a, b], _, K) => product(lax, a, b, K),
      vjp: (lax, ct, [a, b]) => [lax.mul(ct, b), lax.mul(ct, a)],
      collapsed: (lax, { xs, t1, t2, tiledIn, sumDirs }) => {
        const [x1a, x1b] = t1;
        const first = addMaybe(lax, x1a ? lax.mul(x1a, tiledIn(1)) : null, x1b ? lax.mul(tiledIn(0), x1b) : null);
        let second = addMaybe(lax, t2[0] ? lax.mul(t2[0], xs[1]) : null, t2[1] ? lax.mul(xs[0], t2[1]) : null);
        if (x1a && x1b) second = addMaybe(lax, second, lax.mul(sumDirs(lax.mul(x1a, x1b)), 2));
        return [first, second];
      },
    },
  }),
  div: def('div', {
    arity: 2,
    scalar: (a, b) => a / b,
    js: ([a, b]) => `(${a} / ${b})`,
    gpu: ([a, b]) => `(${a} / ${b})`,
    wgsl: ([a, b]) => `(${a} / ${b})`,
    wasm: simd('div'),
    diff: {
      kind: 'rules',
      jet: (lax, [a, b], y0, K) => {
        const y: Series = [y0];
        for (let k = 1; k <= K; k++) {
          const num = addMaybe(lax, a[k], scaleMaybe(lax, convolve(lax, b, y, k, 1, k), -1));
          y.push(num ? lax.div(num, b[0] as Tensor) : null);
        }
        return y;
      },
      vjp: (lax, ct, [, b], y) => [lax.div(ct, b), lax.neg(lax.div(lax.mul(ct, y), b))],
      // y = a / b: y1 = (a1 - y b1) / b, y2 = (a2 - y b2 - 2 sum(b1 y1)) / b  (derivative convention)
      collapsed: (lax, { xs, y0, t1, t2, tiledIn, tiledOut, sumDirs }) => {
        const [a1, b1] = t1;
        const y1 = a1 || b1 ? lax.div(addMaybe(lax, a1, b1 ? lax.neg(lax.mul(tiledOut(y0), b1)) : null) as Tensor, tiledIn(1)) : null;
        const cross = b1 && y1 ? lax.mul(sumDirs(lax.mul(b1, y1)), -2) : null;
        const num = addMaybe(lax, addMaybe(lax, t2[0], t2[1] ? lax.neg(lax.mul(y0, t2[1])) : null), cross);
        return [y1, num ? lax.div(num, xs[1]) : null];
      },
    },
  }),
  max: def('max', {
    arity: 2,
    // biome-ignore lint/complexity/useMathMinMax: the ternary is the rule every backend renders (NaN and tie handling match the js kernels)
    scalar: (a, b) => (a >= b ? a : b),
    js: ([a, b]) => `(${a} >= ${b} ? ${a} : ${b})`,
    gpu: call('Math.max'),
    wgsl: ([a, b]) => `select(${b}, ${a}, ${a} >= ${b})`,
    wasm: simd('max'),
    diff: {
      kind: 'rules',
      // the derivative of the selected operand (a on ties)
      jet: (lax, [a, b], y0, K) => {
        const takeA = lax.greaterEqual(a[0] as Tensor, b[0] as Tensor);
        const y: Series = [y0];
        for (let k = 1; k <= K; k++) y.push(a[k] || b[k] ? lax.where(takeA, a[k] ?? lax.zerosLike(y0), b[k] ?? lax.zerosLike(y0)) : null);
        return y;
      },
      vjp: (lax, ct, [a, b]) => {
        const takeA = lax.greaterEqual(a, b);
        return [lax.where(takeA, ct, 0), lax.where(takeA, 0, ct)];
      },
      collapsed: (lax, { xs, y0, t1, t2, tiledOut }) => {
        const takeA = lax.greaterEqual(xs[0], xs[1]);
        const pick = (u: T, v: T, c: Tensor, like: Tensor): T =>
          u || v ? lax.where(c, u ?? lax.zerosLike(like), v ?? lax.zerosLike(like)) : null;
        return [pick(t1[0], t1[1], tiledOut(takeA), tiledOut(y0)), pick(t2[0], t2[1], takeA, y0)];
      },
    },
  }),
  atan2: def('atan2', {
    arity: 2,
    scalar: Math.atan2,
    js: call('Math.atan2'),
    gpu: call('Math.atan2'),
    wgsl: call('atan2'),
    // atan2(a, b) is the angle of the point (b, a): d/da = b / r^2, d/db = -a / r^2
    diff: {
      kind: 'binary',
      partials: (lax, a, b) => {
        const r2 = lax.add(lax.square(a), lax.square(b));
        return [lax.div(b, r2), lax.neg(lax.div(a, r2))];
      },
    },
  }),
  gt: def('gt', {
    arity: 2,
    scalar: (a, b) => (a > b ? 1 : 0),
    js: ([a, b]) => `(${a} > ${b} ? 1 : 0)`,
    gpu: ([a, b]) => `(${a} > ${b} ? 1.0 : 0.0)`,
    wgsl: ([a, b]) => `select(0.0, 1.0, ${a} > ${b})`,
    wasm: compare('gt'),
    diff: zero,
  }),
  ge: def('ge', {
    arity: 2,
    scalar: (a, b) => (a >= b ? 1 : 0),
    js: ([a, b]) => `(${a} >= ${b} ? 1 : 0)`,
    gpu: ([a, b]) => `(${a} >= ${b} ? 1.0 : 0.0)`,
    wgsl: ([a, b]) => `select(0.0, 1.0, ${a} >= ${b})`,
    wasm: compare('ge'),
    diff: zero,
  }),
  eq: def('eq', {
    arity: 2,
    scalar: (a, b) => (a === b ? 1 : 0),
    js: ([a, b]) => `(${a} === ${b} ? 1 : 0)`,
    gpu: ([a, b]) => `(${a} == ${b} ? 1.0 : 0.0)`,
    wgsl: ([a, b]) => `select(0.0, 1.0, ${a} == ${b})`,
    wasm: compare('eq'),
    diff: zero,
  }),
  where: def('where', {
    arity: 3,
    scalar: (c, a, b) => (c !== 0 ? a : b),
    js: ([c, a, b]) => `(${c} !== 0 ? ${a} : ${b})`,
    gpu: ([c, a, b]) => `(${c} != 0.0 ? ${a} : ${b})`,
    wgsl: ([c, a, b]) => `select(${b}, ${a}, ${c} != 0.0)`,
    // cond != 0 ? a : b
    wasm: (w, [c, a, b]) => [...a, ...b, ...c, ...w.splat(0), ...w.op('ne'), ...w.op('bitselect')],
    diff: { kind: 'linear', in: [1, 2], transpose: (lax, ct, [c]) => [null, lax.where(c, ct, 0), lax.where(c, 0, ct)] },
  }),
  cast: def('cast', {
    arity: 1,
    scalar: (x) => x,
    js: ([a], p) => (p.dtype === 'i32' ? `Math.trunc(${a})` : a),
    gpu: ([a]) => a,
    wgsl: ([a], p) => (p.dtype === 'f32' ? a : null),
    shape: ([a], p) => ({ shape: a.shape, dtype: p.dtype }),
    // truncates towards zero when it lands in i32
    impl: ([x], _s, out) => {
      const res = allocate(out.dtype, x.length);
      if (out.dtype === 'i32') for (let i = 0; i < x.length; i++) res[i] = Math.trunc(x[i]);
      else res.set(x);
      return res;
    },
    diff: { kind: 'linear', in: 'all', transpose: (lax, ct, [x]) => [x.dtype === 'i32' ? null : lax.cast(ct, x.dtype)] },
  }),
} satisfies PrimTable<'add' | 'sub' | 'mul' | 'div' | 'max' | 'atan2' | 'gt' | 'ge' | 'eq' | 'where' | 'cast'>;

export const elementwisePrims: PrimTable<Name> = { ...unaryDefs, ...binaryDefs };

/**
 * Integer exponents that both generators expand into multiplications, in the same order, so wasm and JS
 * loops stay bit-identical (x^3 = (x*x)*x, x^-2 = 1/(x*x)); other exponents stay on Math.pow in JS.
 */
export const smallIntegerPower = (e: number | undefined): e is number => e !== undefined && Number.isInteger(e) && Math.abs(e) <= 8;

/** x^e as the wasm loops compute it in f32: a left fold of rounded multiplications (then 1/x^|e|). */
function f32Power(x: string, e: number): string {
  if (e === 0) return '1';
  let code = x;
  for (let k = 1; k < Math.abs(e); k++) code = `Math.fround(${code} * ${x})`;
  return e > 0 ? code : `(1 / ${code})`;
}

/** How a kernel language spells a math function, a float literal and a two-way choice. */
interface Dialect {
  fn: (name: string) => string;
  lit: (v: number) => string;
  select: (cond: string, a: string, b: string) => string;
}
/** gpu.js kernel text (JavaScript that gpu.js translates). */
const GPU_MATH: Dialect = { fn: (n) => `Math.${n}`, lit, select: (c, a, b) => `(${c} ? ${a} : ${b})` };
/** WGSL: builtins without a namespace, no ternary operator. */
const WGSL_MATH: Dialect = { fn: (n) => n, lit: wgslLit, select: (c, a, b) => `select(${b}, ${a}, ${c})` };

/** pow is undefined for negative bases in GLSL and WGSL, so integer exponents keep the sign by hand. */
function powExpr(a: string, p: number, d: Dialect): string {
  if (p === 1) return a;
  if (p === 2) return `(${a} * ${a})`;
  if (!Number.isInteger(p)) return `${d.fn('pow')}(${a}, ${d.lit(p)})`;
  const mag = `${d.fn('pow')}(${d.fn('abs')}(${a}), ${d.lit(p)})`;
  return p % 2 === 0 ? mag : d.select(`${a} < 0.0`, `-${mag}`, mag);
}

/** erf for f32 kernels: Abramowitz & Stegun 7.1.26 (absolute error below 1.5e-7). */
function erfExpr(a: string, d: Dialect): string {
  const t = `(1.0 / (1.0 + 0.3275911 * ${d.fn('abs')}(${a})))`;
  const poly = `((((1.061405429 * ${t} - 1.453152027) * ${t} + 1.421413741) * ${t} - 0.284496736) * ${t} + 0.254829592) * ${t}`;
  const mag = `(1.0 - ${poly} * ${d.fn('exp')}(-(${a}) * (${a})))`;
  return d.select(`${a} < 0.0`, `-${mag}`, mag);
}
