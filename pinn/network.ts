// The PINN trainer's network: TrainerOptions.net (coordinates named) -> nn's NetworkSpec -> buildNetwork.
import type { DType } from '../core/dtype.js';
import {
  buildNetwork,
  type Activation,
  type AdaptiveActivation,
  type FourierFeatureOptions,
  type InitKind,
  type Network,
  type NetworkType,
  type WeightFactorization,
} from '../nn/index.js';

export interface NetOptions {
  /** architecture (default 'mlp') */
  type?: NetworkType;
  /** hidden widths (input and output widths come from the problem); default [32, 32, 32] */
  hidden?: readonly number[];
  activation?: Activation;
  seed?: number;
  /** weight initialisation (default 'glorot-normal') */
  init?: InitKind;
  /** random Fourier features of the inputs, e.g. { count: 64, sigma: 1 } */
  fourierFeatures?: FourierFeatureOptions;
  /** LAAF / GAAF slopes, e.g. { kind: 'laaf', scale: 10 } */
  adaptiveActivation?: AdaptiveActivation;
  /** random weight factorization, e.g. { mu: 1, sigma: 0.1 } */
  weightFactorization?: WeightFactorization;
  /** exact periodicity per coordinate: its period, or { period, harmonics } */
  periodic?: Readonly<Record<string, number | { period: number; harmonics?: number }>>;
}

/** The network on the coordinates, plus `extraInputs` columns after them (ProblemSpec.features). */
export function trainerNetwork(
  net: NetOptions = {},
  coords: readonly string[],
  outDim: number,
  seed: number,
  dtype: DType,
  extraInputs = 0,
): Network {
  const periodic = Object.entries(net.periodic ?? {}).map(([name, p]) => {
    const axis = coords.indexOf(name);
    if (axis < 0) throw new Error(`net.periodic.${name}: unknown coordinate '${name}'; coordinates are ${coords.join(', ')}`);
    return typeof p === 'number' ? { axis, period: p } : { axis, period: p.period, harmonics: p.harmonics };
  });
  return buildNetwork(
    {
      type: net.type ?? 'mlp',
      hidden: net.hidden ?? [32, 32, 32],
      activation: net.activation,
      init: net.init,
      fourierFeatures: net.fourierFeatures,
      adaptiveActivation: net.adaptiveActivation,
      weightFactorization: net.weightFactorization,
      periodic,
    },
    coords.length + extraInputs,
    outDim,
    { seed: net.seed ?? seed, dtype, label: 'net' },
  );
}
