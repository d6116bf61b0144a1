// Public entry point: `import * as fx from 'fluxion'`.
export * from './core/index.js';
export * as nn from './nn/index.js';
