// SIGINT and SIGTERM during a run: while training, a signal only asks the loop to stop at the next step
// boundary (it checkpoints and exits 128 + signal number); outside training, cleanup runs and the process
// dies of the signal as it would without a handler.
import { EXIT } from './errors.js';

export type StopSignal = 'SIGINT' | 'SIGTERM';
const SIGNALS: readonly StopSignal[] = ['SIGINT', 'SIGTERM'];

export const signalExitCode = (s: StopSignal): number => (s === 'SIGINT' ? EXIT.interrupted : EXIT.terminated);

export class StopSignals {
  /** The first signal received while deferring. */
  received: StopSignal | undefined;
  private deferring = false;
  private readonly handler = (s: StopSignal): void => {
    if (this.deferring) {
      this.received ??= s;
      return;
    }
    this.dispose();
    this.cleanup();
    process.kill(process.pid, s);
  };

  constructor(private readonly cleanup: () => void) {
    for (const s of SIGNALS) process.on(s, this.handler);
  }

  /** While `fn` runs a signal is recorded in `received` instead of ending the process. */
  async defer<T>(fn: () => Promise<T>): Promise<T> {
    this.deferring = true;
    try {
      return await fn();
    } finally {
      this.deferring = false;
    }
  }

  dispose(): void {
    for (const s of SIGNALS) process.off(s, this.handler);
  }
}
