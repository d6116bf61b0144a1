// PINNacle's published mean L2RE, vendored for bench/results-pinnacle.md.
//
// Source: Hao et al., "PINNacle: A Comprehensive Benchmark of Physics-Informed Neural Networks for Solving PDEs"
// (NeurIPS 2024 Datasets and Benchmarks; arXiv 2306.08827), the main results table "Mean L2RE of different PINN
// variants" (\label{tb1} in the v2 LaTeX source main_iclr.tex), mean over 3 runs per cell.
// Transcribed from data/pinnacle_published_metrics.csv (rows source = main_table, metric = L2RE) of
// github.com/sinemsalvaersoy/when-the-winner-changes at commit 4a48a3e7fb783f4f85ea6f79327624ef95e84433 (MIT), a
// CSV that repository's src/pinn_audit/extract.py parsed from that arXiv LaTeX source.
// Verification: every cell below except those in UNVERIFIED also appears, equal, in the paper's appendix table of
// L2RE with standard deviations (\label{main-l2re}), as that repository's results/source_consistency.csv records;
// we did not compare against the PDF ourselves. null = the paper gives no number (NaN, diverged or not applicable).

/** The paper's method columns, in its order. */
export const PUBLISHED_METHODS = [
  'PINN',
  'PINN-w',
  'LBFGS',
  'LRA',
  'NTK',
  'RAR',
  'MultiAdam',
  'gPINN',
  'vPINN',
  'LAAF',
  'GAAF',
  'FBPINN',
] as const;
export type PublishedMethod = (typeof PUBLISHED_METHODS)[number];

export interface PublishedRow {
  /** The paper's name of the problem. */
  name: string;
  /** Mean L2RE per method column (PUBLISHED_METHODS order); null where the paper has none. */
  l2re: readonly (number | null)[];
}

/** Keyed by our problem id (bench/pinnacle/<id>.yaml): the paper's 22 forward and inverse problems. */
export const PUBLISHED: Readonly<Record<string, PublishedRow>> = {
  'burgers1d-c': {
    name: 'Burgers1d-C',
    l2re: [0.0145, 0.0263, 0.0133, 0.0261, 0.0184, 0.0332, 0.0485, 0.216, 0.347, 0.0143, 0.052, 0.232],
  },
  'burgers2d-c': { name: 'Burgers2d-C', l2re: [0.324, 0.27, 0.465, 0.26, 0.275, 0.345, 0.333, 0.327, 0.638, 0.277, 0.295, null] },
  'poisson2d-c': { name: 'Poisson2d-C', l2re: [0.694, 0.0349, null, 0.117, 0.0123, 0.699, 0.0263, 0.687, 0.491, 0.768, 0.604, 0.0449] },
  'poisson2d-cg': { name: 'Poisson2d-CG', l2re: [0.636, 0.0608, 0.296, 0.0434, 0.0143, 0.648, 0.276, 0.792, 0.286, 0.48, 0.871, 0.029] },
  'poisson3d-cg': { name: 'Poisson3d-CG', l2re: [0.56, 0.374, 0.705, 0.102, 0.947, 0.576, 0.363, 0.485, 0.738, 0.579, 0.502, 0.739] },
  'poisson2d-ms': { name: 'Poisson2d-MS', l2re: [0.63, 0.76, 1.45, 0.794, 0.748, 0.644, 0.59, 0.616, 0.972, 0.593, 0.931, 1.04] },
  'heat2d-vc': { name: 'Heat2d-VC', l2re: [1.01, 0.235, 0.232, 0.212, 0.214, 0.966, 0.475, 2.12, 0.94, 0.642, 0.849, 0.952] },
  'heat2d-ms': { name: 'Heat2d-MS', l2re: [0.0621, 0.242, 0.0173, 0.0879, 0.044, 0.0749, 0.218, 0.113, 0.93, 0.074, 0.985, 0.082] },
  'heat2d-cg': { name: 'Heat2d-CG', l2re: [0.0364, 0.145, 0.857, 0.125, 0.116, 0.0272, 0.0712, 0.0938, null, 0.0239, 0.461, 0.0916] },
  'heat2d-lt': { name: 'Heat2d-LT', l2re: [0.999, 0.999, 1.0, 0.999, 1.0, 0.999, 1.0, 1.0, 1.0, 0.999, 0.999, 1.01] },
  'ns2d-c': { name: 'NS2d-C', l2re: [0.047, 0.145, 0.214, null, 0.198, 0.469, 0.727, 0.077, 0.292, 0.036, 0.0379, 0.0845] },
  'ns2d-cg': { name: 'NS2d-CG', l2re: [0.119, 0.326, null, 0.332, 0.293, 0.334, 0.431, 0.154, 0.994, 0.0824, 0.174, 8.27] },
  'ns2d-lt': { name: 'NS2d-LT', l2re: [0.996, 1.0, 0.97, 1.0, 0.999, 1.0, 1.0, 0.995, 1.73, 0.998, 0.999, 1.0] },
  'wave1d-c': { name: 'Wave1d-C', l2re: [0.588, 0.285, null, 0.361, 0.0979, 0.539, 0.121, 0.556, 0.839, 0.454, 0.677, 0.591] },
  'wave2d-cg': { name: 'Wave2d-CG', l2re: [1.84, 1.66, 1.33, 1.48, 2.16, 1.15, 1.09, 0.814, 0.799, 0.819, 0.794, 1.06] },
  'wave2d-ms': { name: 'Wave2d-MS', l2re: [1.34, 1.02, 1.37, 1.02, 1.04, 1.35, 1.01, 1.02, 0.982, 1.06, 1.06, 1.03] },
  gs: { name: 'GS', l2re: [0.319, 0.158, null, 0.0937, 0.216, 0.0946, 0.0937, 0.248, 1.16, 0.0947, 0.0946, 0.0799] },
  ks: { name: 'KS', l2re: [1.01, 0.986, null, 0.957, 0.964, 1.01, 0.961, 0.994, 0.972, 1.01, 1.0, 1.02] },
  poissonnd: {
    name: 'PNd',
    l2re: [0.00304, 0.00258, 0.000467, 0.000458, 0.00464, 0.00359, 0.00398, 0.00505, null, 0.00414, 0.00775, null],
  },
  heatnd: { name: 'HNd', l2re: [0.361, 0.459, 0.000119, 0.394, 0.397, 0.357, 0.302, 0.317, null, 0.522, 0.521, null] },
  pinv: { name: 'PInv', l2re: [0.0942, 0.166, null, 0.154, 0.193, 0.0935, 0.13, 0.0803, 0.0196, 0.13, 0.254, 0.844] },
  hinv: { name: 'HInv', l2re: [1.57, 0.0526, null, 0.0509, 0.0752, 1.52, 0.0804, 4.84, 0.0119, 0.559, 0.212, 0.927] },
};

/**
 * Cells no second table of the paper confirms: the LBFGS column (absent from the appendix table), and vPINN where
 * the appendix table disagrees (PInv 0.0245, HInv 0.456) or gives a number the main table lacks (Heat2d-CG 1.67).
 */
export function unverified(problem: string, method: PublishedMethod): boolean {
  if (method === 'LBFGS') return true;
  return method === 'vPINN' && ['pinv', 'hinv', 'heat2d-cg'].includes(problem);
}

/** The paper's vanilla PINN L2RE of a problem, or null. */
export function publishedVanilla(problem: string): number | null {
  return PUBLISHED[problem]?.l2re[0] ?? null;
}

/** The lowest published L2RE over all method columns, with the method's name; null without a row or a number. */
export function publishedBest(problem: string): { method: PublishedMethod; l2re: number } | null {
  const row = PUBLISHED[problem];
  if (!row) return null;
  let best: { method: PublishedMethod; l2re: number } | null = null;
  row.l2re.forEach((v, i) => {
    if (v !== null && (best === null || v < best.l2re)) best = { method: PUBLISHED_METHODS[i], l2re: v };
  });
  return best;
}
