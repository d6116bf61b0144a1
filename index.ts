// Public entry point: `import * as fx from 'fluxion'`.
export {};
