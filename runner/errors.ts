// Errors the CLI maps to exit codes: bad input (2), divergence (3). Anything else exits 1.

/** Invalid config, CLI option or checkpoint: the message names the key path and the expectation. */
export class ConfigError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Training produced NaN/Inf or blew up; the last good checkpoint is kept. */
export class DivergenceError extends Error {
  readonly exitCode = 3;
  constructor(message: string) {
    super(message);
    this.name = 'DivergenceError';
  }
}

export const EXIT = { ok: 0, failure: 1, badInput: 2, diverged: 3, interrupted: 130 } as const;
