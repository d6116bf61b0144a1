export { mlp, glorot, activations, type Mlp, type MlpOptions, type MlpParams, type DenseParams, type Activation } from './mlp.js';
