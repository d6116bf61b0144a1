// Network architectures for PINNs behind one typed spec: MLP, modified MLP (Wang, Teng, Perdikaris 2021),
// ResNet blocks and per-field sub-networks (PFNN), each optionally on periodic / random Fourier feature
// inputs, with He/Glorot initialisation, random weight factorization and adaptive activations.
import type { Tensor } from '../core/tensor.js';
import * as ops from '../core/ops.js';
import type { DType } from '../core/dtype.js';
import type { PyTree } from '../core/pytree.js';
import type { Activation } from './mlp.js';
import { INIT_KINDS, layerKey, type InitKind } from './init.js';
import { fourierFeatures, periodicEmbedding, type Embedding, type FourierFeatureOptions, type PeriodicAxis } from './embeddings.js';
import {
  denseApply,
  layerFactory,
  type AdaptiveActivation,
  type LayerFactory,
  type LayerParams,
  type WeightFactorization,
} from './layers.js';

export type NetworkType = 'mlp' | 'modified-mlp' | 'resnet' | 'pfnn';
export const NETWORK_TYPES: readonly NetworkType[] = ['mlp', 'modified-mlp', 'resnet', 'pfnn'];

/** Options every architecture takes. */
export interface NetworkOptions {
  /**
   * Hidden widths. mlp: one layer each. modified-mlp: H1 and the gated layers H2..HL (equal widths, at least 2).
   * resnet: an input layer of width hidden[0], then one residual block (two layers) per entry (equal widths).
   * pfnn: the hidden widths of each field's own MLP.
   */
  hidden: readonly number[];
  activation?: Activation;
  /** default 'glorot-normal' */
  init?: InitKind;
  /** exact periodicity in these input columns (applied first) */
  periodic?: readonly PeriodicAxis[];
  /** random Fourier feature embedding of the (periodic-mapped) inputs */
  fourierFeatures?: FourierFeatureOptions;
  adaptiveActivation?: AdaptiveActivation;
  weightFactorization?: WeightFactorization;
}

export type NetworkSpec =
  | ({ type: 'mlp' } & NetworkOptions)
  | ({ type: 'modified-mlp' } & NetworkOptions)
  | ({ type: 'resnet' } & NetworkOptions)
  | ({ type: 'pfnn' } & NetworkOptions);

export interface Network {
  readonly spec: NetworkSpec;
  /** trainable parameters (embeddings are fixed and not part of them) */
  readonly params: PyTree;
  /** row-wise [N, inDim] -> [N, outDim] */
  apply(params: PyTree, x: Tensor): Tensor;
}

/** A network body: its trainable parameters and its forward pass (given the shared GAAF slope, if any). */
type Body<P> = { params: P; apply(p: P, h: Tensor, shared: Tensor | undefined): Tensor };

function stack(f: LayerFactory, widths: readonly number[]): Body<LayerParams[]> {
  const params = widths.slice(0, -1).map((w, l) => f.dense(w, widths[l + 1], l < widths.length - 2));
  return {
    params,
    apply: (ps, h, shared) => {
      ps.forEach((p, l) => {
        h = denseApply(p, h);
        if (l < ps.length - 1) h = f.activate(h, p, shared);
      });
      return h;
    },
  };
}

type ModifiedParams = { layers: LayerParams[]; U: LayerParams; V: LayerParams };

/** U = act(X Wu), V = act(X Wv), H1 = act(X W1), Z_k = act(H_k W_k), H_{k+1} = (1 - Z_k) U + Z_k V; output linear. */
function modifiedMlp(f: LayerFactory, inDim: number, hidden: readonly number[], outDim: number): Body<ModifiedParams> {
  // the main chain first, so its layers draw the same weights as the mlp of the same widths
  const layers = stack(f, [inDim, ...hidden, outDim]).params;
  const params = { layers, U: f.dense(inDim, hidden[0], true), V: f.dense(inDim, hidden[0], true) };
  return {
    params,
    apply: (p, x, shared) => {
      const U = f.activate(denseApply(p.U, x), p.U, shared);
      const D = ops.sub(f.activate(denseApply(p.V, x), p.V, shared), U); // V - U, so H = U + Z (V - U)
      const last = p.layers.length - 1;
      let h = f.activate(denseApply(p.layers[0], x), p.layers[0], shared);
      for (let k = 1; k < last; k++) {
        const z = f.activate(denseApply(p.layers[k], h), p.layers[k], shared);
        h = ops.add(U, ops.mul(z, D));
      }
      return denseApply(p.layers[last], h);
    },
  };
}

type ResnetParams = { lift: LayerParams; blocks: LayerParams[][]; out: LayerParams };

/** h0 = act(x W0 + b0); per block h <- h + act(act(h W1 + b1) W2 + b2); output linear. */
function resnet(f: LayerFactory, inDim: number, hidden: readonly number[], outDim: number): Body<ResnetParams> {
  const w = hidden[0];
  const lift = f.dense(inDim, w, true);
  const blocks = hidden.map(() => [f.dense(w, w, true), f.dense(w, w, true)]);
  const params = { lift, blocks, out: f.dense(w, outDim, false) };
  return {
    params,
    apply: (p, x, shared) => {
      let h = f.activate(denseApply(p.lift, x), p.lift, shared);
      for (const [l1, l2] of p.blocks) {
        const r = f.activate(denseApply(l1, h), l1, shared);
        h = ops.add(h, f.activate(denseApply(l2, r), l2, shared));
      }
      return denseApply(p.out, h);
    },
  };
}

/** One independent MLP per output column, outputs side by side. */
function pfnn(f: LayerFactory, inDim: number, hidden: readonly number[], outDim: number): Body<LayerParams[][]> {
  const nets = Array.from({ length: outDim }, () => stack(f, [inDim, ...hidden, 1]));
  return {
    params: nets.map((n) => n.params),
    apply: (ps, x, shared) => {
      const outs = ps.map((p, i) => nets[i].apply(p, x, shared));
      return outs.length === 1 ? outs[0] : ops.concat(outs, 1);
    },
  };
}

function checkSpec(spec: NetworkSpec, inDim: number, outDim: number, label: string): void {
  if (!NETWORK_TYPES.includes(spec.type))
    throw new Error(`${label}.type: expected one of ${NETWORK_TYPES.join(', ')}, got '${String(spec.type)}'`);
  const h = spec.hidden;
  if (!Array.isArray(h) || h.length < 1 || h.some((w) => !Number.isInteger(w) || w < 1)) {
    throw new Error(`${label}.hidden: expected a list of positive integer widths, got ${JSON.stringify(h)}`);
  }
  if ((spec.type === 'modified-mlp' || spec.type === 'resnet') && h.some((w) => w !== h[0])) {
    throw new Error(`${label}.hidden: ${spec.type} needs equal widths, got [${h.join(', ')}]`);
  }
  if (spec.type === 'modified-mlp' && h.length < 2) {
    throw new Error(`${label}.hidden: modified-mlp needs at least 2 layers (H1 and one gated layer), got [${h.join(', ')}]`);
  }
  if (spec.init !== undefined && !INIT_KINDS.includes(spec.init))
    throw new Error(`${label}.init: expected one of ${INIT_KINDS.join(', ')}, got '${String(spec.init)}'`);
  for (const [name, v] of [
    ['inDim', inDim],
    ['outDim', outDim],
  ] as const) {
    if (!Number.isInteger(v) || v < 1) throw new Error(`${label}: ${name} must be a positive integer, got ${v}`);
  }
}

/**
 * Builds a network from its spec: fixed embeddings (periodic, then Fourier features), then the body.
 * The default spec `{ type: 'mlp', hidden }` gives exactly nn.mlp's weights (same keys, same order).
 */
export function buildNetwork(
  spec: NetworkSpec,
  inDim: number,
  outDim: number,
  o: { seed?: number; dtype?: DType; label?: string } = {},
): Network {
  const { seed = 0, dtype = 'f32', label = 'network' } = o;
  checkSpec(spec, inDim, outDim, label);
  const embeds: Embedding[] = [];
  if (spec.periodic?.length) embeds.push(periodicEmbedding(spec.periodic, inDim, dtype, `${label}.periodic`));
  let dim = embeds.length ? embeds[0].dim : inDim;
  if (spec.fourierFeatures) {
    const ff = fourierFeatures(spec.fourierFeatures, dim, layerKey(seed, 0, 2), dtype, `${label}.fourierFeatures`);
    embeds.push(ff);
    dim = ff.dim;
  }
  const f = layerFactory({
    seed,
    dtype,
    init: spec.init ?? 'glorot-normal',
    activation: spec.activation ?? 'tanh',
    factorization: spec.weightFactorization,
    adaptive: spec.adaptiveActivation,
    label,
  });
  const body = ((): Body<PyTree> => {
    switch (spec.type) {
      case 'mlp':
        return stack(f, [dim, ...spec.hidden, outDim]) as unknown as Body<PyTree>;
      case 'modified-mlp':
        return modifiedMlp(f, dim, spec.hidden, outDim) as unknown as Body<PyTree>;
      case 'resnet':
        return resnet(f, dim, spec.hidden, outDim) as unknown as Body<PyTree>;
      case 'pfnn':
        return pfnn(f, dim, spec.hidden, outDim) as unknown as Body<PyTree>;
      default: {
        const never: never = spec;
        throw new Error(`${label}.type: unknown network type '${String((never as { type: unknown }).type)}'`);
      }
    }
  })();
  const shared = f.sharedSlope();
  // GAAF: the shared slope sits beside the body's parameters; otherwise the params are the body's own
  const params: PyTree = shared ? { body: body.params, a: shared } : body.params;
  const embed = (x: Tensor): Tensor => embeds.reduce((h, e) => e.apply(h), x);
  const apply = shared
    ? (p: PyTree, x: Tensor): Tensor => {
        const q = p as { body: PyTree; a: Tensor };
        return body.apply(q.body, embed(x), q.a);
      }
    : (p: PyTree, x: Tensor): Tensor => body.apply(p, embed(x), undefined);
  return { spec, params, apply };
}
