// The PINN variants the suite runs, each a config transformation: overrides deep-merged onto a problem's YAML.
// Every YAML key the suite writes or reads lives in this file (the Patch type and the METHODS table), so a
// renamed config key is a change here only.
import type { PublishedMethod } from './published.js';

/** The subset of a PINN config the suite touches; the runner's schema validates the merged result. */
export interface Patch {
  seed?: number;
  network?: { adaptive_activation?: { kind: 'laaf' | 'gaaf' } };
  training?: {
    steps?: number;
    optimizer?: 'lra' | 'ntk' | 'multiadam' | 'config' | 'mconfig' | 'relobralo' | 'pcgrad' | 'upgrad';
    finetune?: { at: number; optimizer: 'lbfgs'; dtype: 'f32' | 'f64' };
    adaptive?: { method: 'rar-g' | 'rar-d' | 'rad'; every: number; candidates?: number; add?: number };
  };
}

export interface Method {
  /** What the run is for, in one line (the table's legend). */
  about: string;
  /** PINNacle's column this compares with, if any. */
  pinnacle: PublishedMethod | null;
  /** Overrides for a run of `steps` training steps. */
  patch(steps: number): Patch;
}

/**
 * Share of the steps trained by Adam before L-BFGS takes over, as PINNacle's Adam_LBFGS (benchmark.py: switch_epoch
 * 5000 of 20000). Theirs then runs torch's L-BFGS with up to 20 iterations per step; ours one iteration per step.
 */
const ADAM_SHARE = 0.25;
/**
 * Refinements of residual-based adaptive sampling over a run. PINNacle's RAR (src/utils/rar.py) adds the single
 * worst training point every 1000 of 20000 steps; ours is RAR-G as Lu et al. (100 worst of 10000 fresh candidates).
 */
const RAR_ROUNDS = 10;

export const METHODS = {
  vanilla: { about: 'the config as written', pinnacle: 'PINN', patch: () => ({}) },
  lbfgs: {
    about: `Adam for ${ADAM_SHARE * 100}% of the steps, then L-BFGS (f32, one iteration per step; PINNacle: up to 20) on the points held fixed`,
    pinnacle: 'LBFGS',
    // training.steps is written too: the finetune step must lie below it, whatever steps the config states
    patch: (steps) => ({
      training: { steps, finetune: { at: Math.max(1, Math.floor(ADAM_SHARE * steps)), optimizer: 'lbfgs', dtype: 'f32' } },
    }),
  },
  lra: {
    about: 'learning-rate annealing loss weights (Wang et al. 2021) around Adam, the first equation as reference (PINNacle: all equations)',
    pinnacle: 'LRA',
    patch: () => ({ training: { optimizer: 'lra' } }),
  },
  ntk: {
    about: 'NTK-trace loss weights (Wang et al. 2022) around Adam',
    pinnacle: 'NTK',
    patch: () => ({ training: { optimizer: 'ntk' } }),
  },
  multiadam: {
    about: 'MultiAdam: per-loss second moments (Yao et al. 2023)',
    pinnacle: 'MultiAdam',
    patch: () => ({ training: { optimizer: 'multiadam' } }),
  },
  config: {
    about: 'ConFIG: conflict-free gradient direction (Liu et al. 2024) around Adam',
    pinnacle: null,
    patch: () => ({ training: { optimizer: 'config' } }),
  },
  mconfig: {
    about: 'M-ConFIG: momentum ConFIG, one loss gradient per step (Liu et al. 2024)',
    pinnacle: null,
    patch: () => ({ training: { optimizer: 'mconfig' } }),
  },
  relobralo: {
    about: 'ReLoBRaLo: relative loss balancing with random lookback (Bischof & Kraus 2021) around Adam',
    pinnacle: null,
    patch: () => ({ training: { optimizer: 'relobralo' } }),
  },
  pcgrad: {
    about: 'PCGrad: gradient surgery (Yu et al. 2020) around Adam',
    pinnacle: null,
    patch: () => ({ training: { optimizer: 'pcgrad' } }),
  },
  upgrad: {
    about: 'UPGrad: Jacobian descent, mean projection onto the dual cone (Quinton & Rey 2024) around Adam',
    pinnacle: null,
    patch: () => ({ training: { optimizer: 'upgrad' } }),
  },
  rar: {
    about: `greedy residual-based adaptive refinement (RAR-G): ${RAR_ROUNDS} rounds adding 100 of 10000 candidates (PINNacle: 1 point per 1000 steps)`,
    pinnacle: 'RAR',
    patch: (steps) => ({
      training: { adaptive: { method: 'rar-g', every: Math.max(1, Math.floor(steps / RAR_ROUNDS)), candidates: 10000, add: 100 } },
    }),
  },
  laaf: {
    about: 'layer-wise locally adaptive activations (Jagtap et al. 2020)',
    pinnacle: 'LAAF',
    patch: () => ({ network: { adaptive_activation: { kind: 'laaf' } } }),
  },
  gaaf: {
    about: 'global adaptive activation (Jagtap et al. 2020)',
    pinnacle: 'GAAF',
    patch: () => ({ network: { adaptive_activation: { kind: 'gaaf' } } }),
  },
} as const satisfies Record<string, Method>;

export type MethodId = keyof typeof METHODS;
export const METHOD_IDS = Object.keys(METHODS) as MethodId[];

export const isMethodId = (s: string): s is MethodId => Object.hasOwn(METHODS, s);

/** The seed of the k-th seed run (k = 0, 1, ...): the config's own seed plus k. */
export function seedPatch(config: Record<string, unknown>, k: number): Patch {
  const own = typeof config.seed === 'number' ? config.seed : 0;
  return { seed: own + k };
}

/** The config's own training.steps, if it states one. */
export function configSteps(config: Record<string, unknown>): number | undefined {
  const t = config.training;
  if (typeof t !== 'object' || t === null) return undefined;
  const s = (t as Record<string, unknown>).steps;
  return typeof s === 'number' ? s : undefined;
}

type Plain = Record<string, unknown>;
const isPlain = (v: unknown): v is Plain => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `base` with `patch` merged in: objects recursively, anything else (arrays included) replaced. Pure. */
export function deepMerge<T extends Plain>(base: T, patch: object): T {
  const out: Plain = { ...base };
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) continue;
    out[k] = isPlain(v) && isPlain(out[k]) ? deepMerge(out[k] as Plain, v) : v;
  }
  return out as T;
}

/** The config of `method` for a run of `steps` steps, seed run k. */
export function methodConfig(config: Plain, method: MethodId, steps: number, k: number): Plain {
  return deepMerge(deepMerge(config, METHODS[method].patch(steps)), seedPatch(config, k));
}
