// Progress display: a cli-progress bar on a TTY, plain log lines otherwise, nothing with --quiet.
import cliProgress from 'cli-progress';

export interface Progress {
  start(total: number, startValue: number): void;
  update(step: number, loss: number, testError: number | undefined, logged: boolean): void;
  stop(): void;
  /** A message that must not be garbled by the bar. */
  log(line: string): void;
}

const fmt = (v: number | undefined): string => (v === undefined ? '-' : v.toExponential(3));

export function makeProgress(opts: { quiet: boolean; stream?: NodeJS.WriteStream }): Progress {
  const stream = opts.stream ?? process.stderr;
  if (opts.quiet) return { start() {}, update() {}, stop() {}, log() {} };
  if (!stream.isTTY) {
    let total = 0;
    return {
      start(t) {
        total = t;
      },
      update(step, loss, err, logged) {
        if (logged) stream.write(`step ${step}/${total}  loss ${fmt(loss)}  test error ${fmt(err)}\n`);
      },
      stop() {},
      log(line) {
        stream.write(`${line}\n`);
      },
    };
  }
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: 'step {value}/{total} [{bar}] loss {loss} | test error {err} | ETA {eta_formatted}',
      hideCursor: true,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  let lastErr: number | undefined;
  return {
    start(total, startValue) {
      bar.start(total, startValue, { loss: '-', err: '-' });
    },
    update(step, loss, err, logged) {
      if (logged) lastErr = err;
      bar.update(step, { loss: fmt(loss), err: fmt(lastErr) });
    },
    stop() {
      bar.stop();
    },
    log(line) {
      stream.write(`\n${line}\n`);
    },
  };
}
