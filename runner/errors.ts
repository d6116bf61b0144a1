// Errors the CLI maps to exit codes: bad input (2), divergence (3), I/O (4). Anything else exits 1.

/** Invalid config, CLI option or checkpoint: the message names the key path and the expectation. */
export class ConfigError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Which test stopped a diverging run: a NaN/Inf loss or term, or training.divergence_factor. */
export type DivergenceCriterion = 'non_finite' | 'divergence_factor';

/** Training produced NaN/Inf or blew up; the last good checkpoint is kept. */
export class DivergenceError extends Error {
  readonly exitCode = 3;
  constructor(
    message: string,
    /** The test that fired and the step it fired at (absent when thrown outside the run loop). */
    readonly stop?: { criterion: DivergenceCriterion; step: number },
  ) {
    super(message);
    this.name = 'DivergenceError';
  }
}

/** A write of the run's outputs failed (disk full, I/O error, ...): the message names the path and the cause. */
export class IoError extends Error {
  readonly exitCode = 4;
  constructor(message: string) {
    super(message);
    this.name = 'IoError';
  }
}

/** Exit codes; a signal exits 128 + its number (SIGINT 130, SIGTERM 143) after checkpointing. */
export const EXIT = { ok: 0, failure: 1, badInput: 2, diverged: 3, io: 4, interrupted: 130, terminated: 143 } as const;
