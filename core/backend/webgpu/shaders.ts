// WGSL compute shaders for one compiled graph. Every value lives in one storage buffer (the arena, `m`,
// f32 words; i32 indices stored as their bits) at an offset planned at compile time, so shapes, strides
// and offsets are all baked into the text as u32 literals and a kernel binds nothing but the arena.
import { WGSL_SPECIALS, wgslLit } from '../../kernels/wgsl.js';
import { defOf } from '../../prims/registry.js';
import type { PrimName, PrimParams } from '../../prims/types.js';
import { sizeOf, stridesOf, type Shape } from '../../shape.js';
import type { FusedKernel, FusedNode } from '../../compile/fusion.js';
import type { StridedView } from '../../kernels/strided.js';
import type { Aval } from '../../ir.js';

/** One dispatch: the shader text and its workgroup grid. */
export interface Kernel {
  readonly wgsl: string;
  readonly groups: readonly [number, number, number];
  /** what it computes, for error messages */
  readonly label: string;
  /** an element loop's parts, for launchFor to render another launch shape */
  readonly loop?: ElementLoop;
  /** the values of a uniform block at binding 1 (u32 words), for kernels whose text leaves them out so that it is shared */
  readonly uniforms?: Uint32Array;
}

/**
 * What the kernels are shaped for. 'gpu': workgroup-memory matmul tiles and workgroup reduction trees. 'cpu': an
 * adapter that emulates WebGPU on CPU threads (SwiftShader, a fallback adapter), which runs a workgroup's
 * invocations in SIMD batches and every workgroupBarrier as a coroutine switch of all of them: there a 16x16
 * tiled matmul 4096x64x64 took 1100 ms against 21 ms for a kernel with no barriers in which each thread keeps an
 * 8x4 block of outputs in registers (bench/results-webgpu-profile.md), so 'cpu' kernels never synchronise.
 */
export type KernelTarget = 'gpu' | 'cpu';

/** Workgroups per grid dimension that every WebGPU device accepts. */
const MAX_GROUPS = 65535;
/** Threads per workgroup of the one-thread-per-element kernels. */
const WG = 64;
/** Matmul tile edge: a 16x16 workgroup computes a 16x16 output tile from shared 16x16 tiles of A and B. */
const TILE = 16;
/** Reductions over at least this many elements per output use a whole workgroup per output cell. */
const WIDE_REDUCTION = 256;

export const u = (n: number): string => `${n}u`;
export const ARENA = `@group(0) @binding(0) var<storage, read_write> m: array<f32>;\n${WGSL_SPECIALS}`;
const ATOMIC_ARENA = '@group(0) @binding(0) var<storage, read_write> m: array<atomic<u32>>;';

/** A grid of `n` workgroups folded into x and y (x at most MAX_GROUPS). */
function grid(n: number, z = 1): [number, number, number] {
  const x = Math.max(1, Math.min(n, MAX_GROUPS));
  const y = Math.ceil(n / x);
  if (y > MAX_GROUPS || z > MAX_GROUPS) throw new Error(`webgpu backend: ${n} x ${z} workgroups exceed the dispatch limits`);
  return [x, Math.max(1, y), z];
}

/** The parts of a loop over elements `i` < n, rendered by renderLoop in a launch shape. */
interface ElementLoop {
  readonly n: number;
  /** lines computing element `i`, ending in its stores; a `return` ends that element only */
  readonly body: readonly string[];
  readonly arena: string;
}

/**
 * A loop over `per` consecutive elements per thread, `wg` threads per workgroup. One element per thread suits a
 * GPU. A CPU emulation pays ~1.4 us per workgroup (SwiftShader here: a 32768-element fused kernel took 1.55 ms as
 * 512 workgroups of 64 threads, 0.82 ms as 32 workgroups of 64 threads doing 16 elements each).
 */
function renderLoop({ n, body, arena }: ElementLoop, label: string, wg: number, per: number): Kernel {
  const groups = grid(Math.ceil(Math.ceil(n / per) / wg));
  const thread = `g.x + g.y * ${u(groups[0] * wg)}`;
  const entry = [`@compute @workgroup_size(${wg})`, 'fn main(@builtin(global_invocation_id) g: vec3u) {'];
  const wgsl =
    per === 1
      ? [arena, ...entry, `  let i = ${thread};`, `  if (i >= ${u(n)}) { return; }`, ...body.map((l) => `  ${l}`), '}']
      : [
          arena,
          'fn element(i: u32) {',
          ...body.map((l) => `  ${l}`),
          '}',
          ...entry,
          `  let first = (${thread}) * ${u(per)};`,
          `  for (var i = first; i < min(first + ${u(per)}, ${u(n)}); i = i + 1u) { element(i); }`,
          '}',
        ];
  return { wgsl: wgsl.join('\n'), groups, label, loop: { n, body, arena } };
}

/** One thread per element `i` of `n` (launchFor may give each thread several): lines computing it, ending in stores. */
export function perElement(n: number, body: string[], label: string, arena = ARENA): Kernel {
  return renderLoop({ n, body, arena }, label, WG, 1);
}

/**
 * `k` launched for `target`: on a CPU emulation an element loop gets up to 16 consecutive elements per thread,
 * keeping at least 16 workgroups where there is the work for them; other kernels are returned as they are.
 */
export function launchFor(k: Kernel, target: KernelTarget): Kernel {
  if (target === 'gpu' || !k.loop) return k;
  const per = Math.min(16, Math.max(1, Math.floor(k.loop.n / (WG * 16))));
  return per === 1 ? k : renderLoop(k.loop, k.label, WG, per);
}

/** Offsets a kernel's uniform block holds at most (UNIFORM_STRIDE bytes in executable.ts). */
const MAX_UNIFORM_OFFSETS = 64;

/**
 * `k` with the arena offsets it indexes by (\`m[123u + ...]\`) read from a uniform block instead of written into its
 * text, or `k` itself where it has a uniform block already or too many offsets.
 */
function offsetsAsUniforms(k: Kernel): Kernel {
  if (k.uniforms) return k;
  const offsets: number[] = [];
  const wgsl = k.wgsl.replace(/m\[(\d+)u/g, (_, d: string) => {
    const j = offsets.push(Number(d)) - 1;
    return `m[q[${j >> 2}].${'xyzw'[j & 3]}`;
  });
  if (!offsets.length || offsets.length > MAX_UNIFORM_OFFSETS) return k;
  const uniforms = new Uint32Array(Math.ceil(offsets.length / 4) * 4);
  uniforms.set(offsets);
  const declare = `@group(0) @binding(1) var<uniform> q: array<vec4u, ${uniforms.length / 4}>;`;
  return { ...k, wgsl: `${wgsl}\n${declare}`, uniforms };
}

/**
 * The kernels of one program, those that compute the same thing on other values (the same text but for arena
 * offsets) rewritten to read their offsets from a uniform block, so that they share one pipeline; the others keep
 * their offsets as literals. A CPU emulation compiles a pipeline in ~26 ms (median; SwiftShader here), and a PINN
 * step's 99 and 143 kernels have 85 and 120 distinct texts with the offsets written in, 43 and 44 without; but a
 * uniform offset costs SwiftShader run time (a 1024-point step ~15% slower with every kernel rewritten), so kernels
 * whose text is unique anyway keep literals.
 */
export function shareByOffsets(kernels: readonly Kernel[]): Kernel[] {
  const rewritten = kernels.map(offsetsAsUniforms);
  const count = new Map<string, number>();
  for (const k of rewritten) count.set(k.wgsl, (count.get(k.wgsl) ?? 0) + 1);
  return kernels.map((k, i) => (k.uniforms || (count.get(rewritten[i].wgsl) ?? 0) < 2 ? k : rewritten[i]));
}

/** Lines splitting the flat index `flat` into per-axis indices `${name}0..` of `shape` (exact u32 division). */
export function decompose(flat: string, shape: Shape, name: string): string[] {
  if (!shape.length) return [];
  const strides = stridesOf(shape);
  const lines = [`var ${name}r = ${flat};`];
  shape.forEach((_, d) => {
    const s = strides[d];
    lines.push(`let ${name}${d} = ${s === 1 ? `${name}r` : `${name}r / ${u(s)}`};`);
    if (d < shape.length - 1) lines.push(`${name}r = ${name}r - ${name}${d} * ${u(s)};`);
  });
  return lines;
}

/** `base + sum_d coef[d] * ${name}d`, zero terms dropped (u32). */
function affine(base: number, coef: readonly number[], name: string): string {
  const terms = coef.flatMap((c, d) => (c === 0 ? [] : [c === 1 ? `${name}${d}` : `${name}${d} * ${u(c)}`]));
  return [u(base), ...terms].join(' + ');
}

/** A fused elementwise loop, or the name of the first primitive in it without a WGSL rendering. */
export function fusedKernel(k: FusedKernel, at: (input: number) => number, out: number): Kernel | { missing: PrimName } {
  const lines: string[] = [];
  let missing: PrimName | null = null;
  let tmp = 0;
  const emit = (n: FusedNode): string => {
    if (n.kind === 'const') return wgslLit(Math.fround(n.value));
    if (n.kind === 'read') {
      const { input, at: how } = n.read;
      const index = how === 'same' ? 'i' : how === 'scalar' ? '0u' : `i % ${u(how)}`;
      return `m[${u(at(input))} + ${index}]`;
    }
    const expr = defOf(n.prim).elementwise?.render.wgsl(n.args.map(emit), n.params) ?? null;
    if (expr === null) {
      missing ??= n.prim;
      return '0.0';
    }
    const name = `t${tmp++}`;
    lines.push(`let ${name}: f32 = ${expr};`);
    return name;
  };
  const result = emit(k.tree);
  if (missing) return { missing };
  return perElement(k.size, [...lines, `m[${u(out)} + i] = ${result};`], `fused ${k.out.toString()}`);
}

/** out[i] = in[view(i)]: broadcast, transpose and slice, from the primitive's own strided view. */
export function viewKernel(view: StridedView, outShape: Shape, src: number, out: number, label: string): Kernel {
  const n = sizeOf(outShape);
  return perElement(
    n,
    [...decompose('i', outShape, 'o'), `m[${u(out)} + i] = m[${u(src)} + ${affine(view.offset, view.strides, 'o')}];`],
    label,
  );
}

export function concatKernel(inShapes: readonly Shape[], srcs: readonly number[], outShape: Shape, axis: number, out: number): Kernel {
  const inner = sizeOf(outShape.slice(axis + 1));
  const lines = [...decompose('i', [sizeOf(outShape.slice(0, axis)), outShape[axis], inner], 'o'), 'var v = 0.0;'];
  let start = 0;
  inShapes.forEach((s, k) => {
    const len = s[axis];
    const read = `v = m[${u(srcs[k])} + o0 * ${u(len * inner)} + (o1 - ${u(start)}) * ${u(inner)} + o2];`;
    lines.push(k === 0 ? `if (o1 < ${u(start + len)}) { ${read} }` : `else if (o1 < ${u(start + len)}) { ${read} }`);
    start += len;
  });
  lines.push(`m[${u(out)} + i] = v;`);
  return perElement(sizeOf(outShape), lines, `concat axis ${axis}`);
}

export function padKernel(inShape: Shape, { before }: PrimParams['pad'], outShape: Shape, src: number, out: number): Kernel {
  const strides = stridesOf(inShape);
  const inside = inShape.map((d, k) => `o${k} >= ${u(before[k])} && o${k} < ${u(before[k] + d)}`).join(' && ') || 'true';
  const at = inShape.map((_, k) => `(o${k} - ${u(before[k])}) * ${u(strides[k])}`).join(' + ') || '0u';
  const lines = [...decompose('i', outShape, 'o'), 'var v = 0.0;', `if (${inside}) { v = m[${u(src)} + ${at}]; }`, `m[${u(out)} + i] = v;`];
  return perElement(sizeOf(outShape), lines, 'pad');
}

/** Index `j` of the i32 index array at `idx` (stored as bits in the f32 arena). */
const indexAt = (idx: number, j: string, atomic = false): string =>
  `u32(bitcast<i32>(${atomic ? `atomicLoad(&m[${u(idx)} + ${j}])` : `m[${u(idx)} + ${j}]`}))`;

/** numpy take along `axis`. Indices are not range-checked on the device: an out-of-range one reads 0 (see the README). */
export function gatherKernel(xShape: Shape, idxSize: number, axis: number, x: number, idx: number, out: number): Kernel {
  const inner = sizeOf(xShape.slice(axis + 1));
  const n = xShape[axis];
  const shape = [sizeOf(xShape.slice(0, axis)), idxSize, inner];
  const lines = [
    ...decompose('i', shape, 'o'),
    `let d = ${indexAt(idx, 'o1')};`,
    'var v = 0.0;',
    `if (d < ${u(n)}) { v = m[${u(x)} + o0 * ${u(n * inner)} + d * ${u(inner)} + o2]; }`,
    `m[${u(out)} + i] = v;`,
  ];
  return perElement(sizeOf(shape), lines, `gather axis ${axis}`);
}

/**
 * scatter-add as two dispatches: zero the output, then one thread per update element adding it with an
 * atomic compare-and-swap loop on the f32's bits (WGSL has integer atomics only). The order in which
 * colliding updates land varies, so sums with repeated indices can differ from run to run in the last bits.
 */
export function scatterAddKernels(
  idxShape: Shape,
  updShape: Shape,
  p: PrimParams['scatter_add'],
  idx: number,
  upd: number,
  out: number,
): Kernel[] {
  const { axis, size: n } = p;
  const idxSize = sizeOf(idxShape);
  const outer = sizeOf(updShape.slice(0, axis));
  const inner = sizeOf(updShape.slice(axis + idxShape.length));
  const zero = perElement(outer * n * inner, [`m[${u(out)} + i] = 0.0;`], 'scatter-add (zero)');
  const lines = [
    ...decompose('i', [outer, idxSize, inner], 'o'),
    `let d = ${indexAt(idx, 'o1', true)};`,
    `if (d >= ${u(n)}) { return; }`,
    `let dst = ${u(out)} + (o0 * ${u(n)} + d) * ${u(inner)} + o2;`,
    `let v = bitcast<f32>(atomicLoad(&m[${u(upd)} + i]));`,
    'var old = atomicLoad(&m[dst]);',
    'loop {',
    '  let r = atomicCompareExchangeWeak(&m[dst], old, bitcast<u32>(bitcast<f32>(old) + v));',
    '  if (r.exchanged) { break; }',
    '  old = r.old_value;',
    '}',
  ];
  return [zero, perElement(outer * idxSize * inner, lines, 'scatter-add (atomic)', ATOMIC_ARENA)];
}

/**
 * Sum or max over `axes`: on a 'gpu' target a workgroup tree per output cell for wide reductions, else (and on a
 * 'cpu' target always) a loop per thread.
 */
export function reduceKernel(
  inShape: Shape,
  axes: readonly number[],
  max: boolean,
  src: number,
  out: number,
  target: KernelTarget = 'gpu',
): Kernel {
  const strides = stridesOf(inShape);
  const kept = inShape.map((_, d) => d).filter((d) => !axes.includes(d));
  const reduced = [...axes].sort((a, b) => a - b);
  const outputs = sizeOf(kept.map((d) => inShape[d]));
  const count = sizeOf(reduced.map((d) => inShape[d]));
  const keptOffset = ['0u', ...kept.map((d, j) => `o${j} * ${u(strides[d])}`)].join(' + ');
  const offset = ['0u', ...reduced.map((d, j) => `r${j} * ${u(strides[d])}`)].join(' + ');
  const init = max ? wgslLit(-Infinity) : '0.0';
  const combine = (a: string, b: string): string => (max ? `max(${a}, ${b})` : `${a} + ${b}`);
  const label = `reduce_${max ? 'max' : 'sum'} axes ${axes.join(',')}`;
  const accumulate = (from: string, step: string): string[] => [
    `let base = ${keptOffset};`,
    `var acc: f32 = ${init};`,
    `for (var j = ${from}; j < ${u(count)}; j = j + ${step}) {`,
    ...decompose(
      'j',
      reduced.map((d) => inShape[d]),
      'r',
    ).map((l) => `  ${l}`),
    `  acc = ${combine('acc', `m[${u(src)} + base + ${offset}]`)};`,
    '}',
  ];
  const keptIndex = decompose(
    'i',
    kept.map((d) => inShape[d]),
    'o',
  );
  if (count < WIDE_REDUCTION || target === 'cpu') {
    return perElement(outputs, [...keptIndex, ...accumulate('0u', '1u'), `m[${u(out)} + i] = acc;`], label);
  }
  const groups = grid(outputs);
  const wgsl = [
    ARENA,
    `var<workgroup> sh: array<f32, ${WG}>;`,
    `@compute @workgroup_size(${WG})`,
    'fn main(@builtin(workgroup_id) w: vec3u, @builtin(local_invocation_index) l: u32) {',
    `  let i = w.x + w.y * ${u(groups[0])};`,
    `  if (i >= ${u(outputs)}) { return; }`,
    ...[...keptIndex, ...accumulate('l', u(WG))].map((s) => `  ${s}`),
    '  sh[l] = acc;',
    '  workgroupBarrier();',
    `  for (var s = ${u(WG / 2)}; s > 0u; s = s >> 1u) {`,
    `    if (l < s) { sh[l] = ${combine('sh[l]', 'sh[l + s]')}; }`,
    '    workgroupBarrier();',
    '  }',
    `  if (l == 0u) { m[${u(out)} + i] = sh[0]; }`,
    '}',
  ].join('\n');
  return { wgsl, groups, label };
}

/** Matmul dimensions and the arena index expressions of A[row, k] and B[k, col] in batch `bt`. */
function matmulLayout(aShape: Shape, out: Aval, p: PrimParams['matmul']) {
  const r = out.shape.length;
  const [M, N] = [out.shape[r - 2], out.shape[r - 1]];
  const K = p.transA ? aShape[r - 2] : aShape[r - 1];
  const batch = sizeOf(out.shape.slice(0, r - 2));
  // A[row, k] = a + aRow * row + aK * k, likewise B[k, col], within batch bt (row-major storage)
  const aRow = p.transA ? 1 : K;
  const aK = p.transA ? M : 1;
  const bCol = p.transB ? K : 1;
  const bK = p.transB ? 1 : N;
  const label = `matmul ${M}x${K}x${N}${batch > 1 ? ` (batch ${batch})` : ''}`;
  return { M, N, K, batch, aRow, aK, bCol, bK, label };
}

/** `c * name` as u32 WGSL, simplified. */
const times = (c: number, name: string): string => (c === 0 ? '0u' : c === 1 ? name : `${name} * ${u(c)}`);

/** The fields of a blocked matmul's uniform block, in order (u32 each). */
const MATMUL_FIELDS = ['a', 'b', 'c', 'M', 'N', 'K', 'aBatch', 'bBatch', 'cBatch', 'rowBlocks', 'colBlocks', 'threads'] as const;

/**
 * Batched C = op(A) op(B) for a 'cpu' target: no workgroup memory and no barriers; each thread accumulates a
 * block of up to 8 rows x 4 columns of C in registers, so every A value it loads is used 4 times and every B value
 * 8 times. Rows and columns past the edge are clamped on load (no branch in the k loop) and skipped on store.
 * Offsets and sizes come from a uniform block, so the shader text depends only on the transposes, the block and
 * the workgroup size: matmuls of one step share a few pipelines. Compiling this unrolled kernel is what a CPU
 * emulation spends most of a first call on (SwiftShader here: 200-600 ms a matmul pipeline, 26 ms the median
 * other kernel).
 */
export function blockedMatmulKernel(aShape: Shape, out: Aval, p: PrimParams['matmul'], a: number, b: number, c: number): Kernel {
  const { M, N, K, batch, label } = matmulLayout(aShape, out, p);
  const RB = Math.min(8, M);
  const CB = Math.min(4, N);
  const [rowBlocks, colBlocks] = [Math.ceil(M / RB), Math.ceil(N / CB)];
  const threads = batch * rowBlocks * colBlocks;
  // few threads: small workgroups, so that the emulating CPU's threads all get some
  const wg = threads >= 4096 ? WG : 16;
  const groups = grid(Math.ceil(threads / wg));
  const values: Record<(typeof MATMUL_FIELDS)[number], number> = {
    a,
    b,
    c,
    M,
    N,
    K,
    aBatch: M * K,
    bBatch: K * N,
    cBatch: M * N,
    rowBlocks,
    colBlocks,
    threads,
  };
  // the strides of A[row, k] and B[k, col]: 1 stays a literal, the rest are read from the uniform block
  const aRow = p.transA ? '' : ' * q.K';
  const aK = p.transA ? ' * q.M' : '';
  const bCol = p.transB ? ' * q.K' : '';
  const bK = p.transB ? '' : ' * q.N';
  const rows = Array.from({ length: RB }, (_, i) => i);
  const cols = Array.from({ length: CB }, (_, j) => j);
  const wgsl = [
    ARENA,
    `struct Q { ${MATMUL_FIELDS.map((f) => `${f}: u32`).join(', ')} }`,
    '@group(0) @binding(1) var<uniform> q: Q;',
    `@compute @workgroup_size(${wg})`,
    'fn main(@builtin(global_invocation_id) g: vec3u, @builtin(num_workgroups) nw: vec3u) {',
    `  let i = g.x + g.y * nw.x * ${u(wg)};`,
    '  if (i >= q.threads) { return; }',
    '  let o2 = i % q.colBlocks;',
    '  let o1 = (i / q.colBlocks) % q.rowBlocks;',
    '  let o0 = i / (q.colBlocks * q.rowBlocks);',
    `  let r0 = o1 * ${u(RB)};`,
    `  let c0 = o2 * ${u(CB)};`,
    ...rows.map((i) => `  let pa${i} = q.a + o0 * q.aBatch + min(r0 + ${u(i)}, q.M - 1u)${aRow};`),
    ...cols.map((j) => `  let pb${j} = q.b + o0 * q.bBatch + min(c0 + ${u(j)}, q.N - 1u)${bCol};`),
    ...rows.flatMap((i) => cols.map((j) => `  var c${i}_${j} = 0.0;`)),
    '  for (var k = 0u; k < q.K; k = k + 1u) {',
    ...rows.map((i) => `    let a${i} = m[pa${i} + k${aK}];`),
    ...cols.map((j) => `    let b${j} = m[pb${j} + k${bK}];`),
    ...rows.flatMap((i) => cols.map((j) => `    c${i}_${j} = c${i}_${j} + a${i} * b${j};`)),
    '  }',
    '  let pc = q.c + o0 * q.cBatch + r0 * q.N + c0;',
    ...rows.flatMap((i) =>
      cols.map((j) => {
        const store = `m[pc + ${u(i)} * q.N + ${u(j)}] = c${i}_${j};`;
        const inside = [i > 0 ? `r0 + ${u(i)} < q.M` : '', j > 0 ? `c0 + ${u(j)} < q.N` : ''].filter(Boolean);
        return `  ${inside.length ? `if (${inside.join(' && ')}) { ${store} }` : store}`;
      }),
    ),
    '}',
  ].join('\n');
  return { wgsl, groups, label, uniforms: Uint32Array.from(MATMUL_FIELDS, (f) => values[f]) };
}

/**
 * Batched C = op(A) op(B) for a 'gpu' target, tiled: each 16x16 workgroup stages a 16x16 tile of A and one of B in workgroup
 * memory per step along k, so every A and B element is read from the arena once per tile instead of once per
 * output element.
 */
export function matmulKernel(aShape: Shape, out: Aval, p: PrimParams['matmul'], a: number, b: number, c: number): Kernel {
  const { M, N, K, batch, aRow, aK, bCol, bK, label } = matmulLayout(aShape, out, p);
  const aAt = `bt * ${u(M * K)} + ${times(aRow, 'row')} + ${times(aK, 'k')}`;
  const bAt = `bt * ${u(K * N)} + ${times(bCol, 'col')} + ${times(bK, 'k')}`;
  const groups = [Math.ceil(N / TILE), Math.ceil(M / TILE), batch] as [number, number, number];
  if (groups.some((g) => g > MAX_GROUPS)) throw new Error(`webgpu backend: matmul ${out.shape.join('x')} exceeds the dispatch limits`);
  const T = u(TILE);
  const wgsl = [
    ARENA,
    `var<workgroup> ta: array<f32, ${TILE * TILE}>;`,
    `var<workgroup> tb: array<f32, ${TILE * TILE}>;`,
    `@compute @workgroup_size(${TILE}, ${TILE})`,
    'fn main(@builtin(workgroup_id) w: vec3u, @builtin(local_invocation_id) l: vec3u) {',
    `  let bt = w.z;`,
    `  let r0 = w.y * ${T};`,
    `  let c0 = w.x * ${T};`,
    '  var acc = 0.0;',
    `  for (var t = 0u; t < ${u(K)}; t = t + ${T}) {`,
    '    {',
    '      let row = r0 + l.y;',
    '      let k = t + l.x;',
    '      var v = 0.0;',
    `      if (row < ${u(M)} && k < ${u(K)}) { v = m[${u(a)} + ${aAt}]; }`,
    `      ta[l.y * ${T} + l.x] = v;`,
    '    }',
    '    {',
    '      let col = c0 + l.x;',
    '      let k = t + l.y;',
    '      var v = 0.0;',
    `      if (col < ${u(N)} && k < ${u(K)}) { v = m[${u(b)} + ${bAt}]; }`,
    `      tb[l.y * ${T} + l.x] = v;`,
    '    }',
    '    workgroupBarrier();',
    `    for (var q = 0u; q < ${T}; q = q + 1u) { acc = acc + ta[l.y * ${T} + q] * tb[q * ${T} + l.x]; }`,
    '    workgroupBarrier();',
    '  }',
    '  let row = r0 + l.y;',
    '  let col = c0 + l.x;',
    `  if (row < ${u(M)} && col < ${u(N)}) { m[${u(c)} + bt * ${u(M * N)} + row * ${u(N)} + col] = acc; }`,
    '}',
  ].join('\n');
  return { wgsl, groups, label };
}

/** `k`'s scale of the truncated DFT (core/kernels/spectral.ts binScale) as a WGSL expression of the u32 `k`. */
const binScaleWgsl = (n: number, weighted: boolean): string =>
  weighted ? `select(${(2 / n).toExponential(9)}, ${(1 / n).toExponential(9)}, k == 0u || 2u * k == ${u(n)})` : '1.0';

/** The twiddle angle 2 pi (jk mod n) / n, reduced first so large jk stay exact (u32: n * m must fit). */
function angleWgsl(n: number, m: number, op: string): string {
  if (n * m >= 2 ** 32) throw new RangeError(`${op}: n * modes = ${n * m} overflows the shader's u32 index arithmetic`);
  return `${(2 * Math.PI).toPrecision(17)} * f32((j * k) % ${u(n)}) / ${n}.0`;
}

/** rdft_modes: x [n, L] -> [m, 2, L], one thread per output: out[k, p, l] = s_k sum_j (cos | -sin)(angle) x[j, l]. */
export function rdftModesKernel(n: number, L: number, m: number, weighted: boolean, x: number, out: number): Kernel {
  const lines = [
    ...decompose('i', [m, 2, L], 'o'),
    'let k = o0;',
    'var acc = 0.0;',
    `for (var j = 0u; j < ${u(n)}; j = j + 1u) {`,
    `  let a = ${angleWgsl(n, m, 'rdft_modes')};`,
    `  acc = acc + select(-sin(a), cos(a), o1 == 0u) * m[${u(x)} + j * ${u(L)} + o2];`,
    '}',
    `m[${u(out)} + i] = ${binScaleWgsl(n, weighted)} * acc;`,
  ];
  return perElement(m * 2 * L, lines, `rdft_modes ${n} -> ${m} modes`);
}

/** irdft_modes: X [m, 2, L] -> [n, L], one thread per output: out[j, l] = sum_k s_k (cos X[k, 0, l] - sin X[k, 1, l]). */
export function irdftModesKernel(n: number, L: number, m: number, weighted: boolean, X: number, out: number): Kernel {
  const lines = [
    ...decompose('i', [n, L], 'o'),
    'let j = o0;',
    'var acc = 0.0;',
    `for (var k = 0u; k < ${u(m)}; k = k + 1u) {`,
    `  let a = ${angleWgsl(n, m, 'irdft_modes')};`,
    `  let re = m[${u(X)} + (2u * k) * ${u(L)} + o1];`,
    `  let im = m[${u(X)} + (2u * k + 1u) * ${u(L)} + o1];`,
    `  acc = acc + ${binScaleWgsl(n, weighted)} * (cos(a) * re - sin(a) * im);`,
    '}',
    `m[${u(out)} + i] = acc;`,
  ];
  return perElement(n * L, lines, `irdft_modes ${m} modes -> ${n}`);
}

/** complex_block: w [Cin, Cout, K, 2] -> [K, 2Cin, 2Cout] = [[wr, wi], [-wi, wr]] per mode, one thread per output. */
export function complexBlockKernel(cin: number, cout: number, K: number, w: number, out: number): Kernel {
  const lines = [
    ...decompose('i', [K, 2, cin, 2, cout], 'o'), // (mode, block row, i, block column, o)
    `let src = ${u(w)} + ((o2 * ${u(cout)} + o4) * ${u(K)} + o0) * 2u;`,
    'let diagonal = o1 == o3;',
    `let v = select(m[src + 1u], m[src], diagonal);`,
    `m[${u(out)} + i] = select(v, -v, o1 == 1u && o3 == 0u);`,
  ];
  return perElement(K * 4 * cin * cout, lines, 'complex_block');
}

/** complex_block_t: g [K, 2Cin, 2Cout] -> [Cin, Cout, K, 2] = (g00 + g11, g01 - g10), one thread per output. */
export function complexBlockTKernel(cin: number, cout: number, K: number, g: number, out: number): Kernel {
  const row = 2 * cout;
  const lines = [
    ...decompose('i', [cin, cout, K, 2], 'o'),
    `let top = ${u(g)} + (o2 * ${u(2 * cin)} + o0) * ${u(row)};`,
    `let bottom = top + ${u(cin * row)};`,
    `m[${u(out)} + i] = select(m[top + ${u(cout)} + o1] - m[bottom + o1], m[top + o1] + m[bottom + ${u(cout)} + o1], o3 == 0u);`,
  ];
  return perElement(cin * cout * K * 2, lines, 'complex_block_t');
}
