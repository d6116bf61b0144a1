export { mlp, glorot, activations, type Mlp, type MlpOptions, type MlpParams, type DenseParams, type Activation } from './mlp.js';
export { initWeights, layerKey, INIT_KINDS, type InitKind } from './init.js';
export { periodicEmbedding, fourierFeatures, type Embedding, type PeriodicAxis, type FourierFeatureOptions } from './embeddings.js';
export {
  layerFactory,
  denseApply,
  type LayerParams,
  type LayerFactory,
  type WeightFactorization,
  type AdaptiveActivation,
} from './layers.js';
export { buildNetwork, NETWORK_TYPES, type Network, type NetworkSpec, type NetworkType, type NetworkOptions } from './networks.js';
export { flattenTree, unflattenTree, treeSize, matrixRanges, type FlatVec } from './flat.js';
