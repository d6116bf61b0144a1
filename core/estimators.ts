// The Laplacian estimators, listed once: the TypeScript type, the config schema's enum and the error
// messages of core/, pinn/ and runner/ all derive from this tuple.
export const ESTIMATORS = ['exact', 'stde-sparse', 'stde-dense'] as const;
export type Estimator = (typeof ESTIMATORS)[number];
