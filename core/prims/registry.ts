// Every primitive by name. The table is typed over PrimName, so a primitive declared in some family's
// parameter interface but not defined (or defined without a rule) fails to compile.
import type { AnyParams, PrimDef, PrimName, PrimParams } from './types.js';
import { elementwisePrims } from './elementwise.js';
import { layoutPrims } from './layout.js';
import { reducePrims } from './reduce.js';
import { matmulPrims } from './matmul.js';
import { indexingPrims } from './indexing.js';
import { fftPrims } from './fft.js';
import { spectralPrims } from './spectral.js';
import { randomPrims } from './random.js';
import { customPrims } from './custom.js';
import { hostPrims } from './host.js';
import { bsplinePrims } from './bspline.js';
import type { Aval } from '../ir.js';

export const PRIMS: { readonly [K in PrimName]: PrimDef<K> } = {
  ...elementwisePrims,
  ...layoutPrims,
  ...reducePrims,
  ...matmulPrims,
  ...indexingPrims,
  ...fftPrims,
  ...spectralPrims,
  ...randomPrims,
  ...customPrims,
  ...hostPrims,
  ...bsplinePrims,
};

/** The definition of a primitive (its parameters typed by the name). */
export const primDef = <K extends PrimName>(name: K): PrimDef<K> => PRIMS[name];

/**
 * The definition for an equation whose name and parameters are only known to match at run time
 * (interpreters walking a graph); the one place that correlation is asserted.
 */
export const defOf = (name: PrimName): PrimDef<PrimName> => PRIMS[name] as unknown as PrimDef<PrimName>;

export function abstractEval<K extends PrimName>(prim: K, inputs: readonly Aval[], params: PrimParams[K]): Aval {
  const def = PRIMS[prim] as PrimDef<K> | undefined;
  if (!def) throw new Error(`unknown primitive '${prim}'`);
  return def.shape(inputs, params);
}

export const primitiveNames = (): PrimName[] => Object.keys(PRIMS) as PrimName[];
export type { AnyParams };
