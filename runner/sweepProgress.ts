// Sweep progress: which runs are running and which are done. A cli-progress bar (done / total, the running run ids)
// on a TTY, one line per start and end otherwise, nothing with --quiet.
import cliProgress from 'cli-progress';

export interface SweepProgress {
  start(total: number, done: number): void;
  started(id: string, detail: string): void;
  ended(id: string, detail: string): void;
  stop(): void;
  /** A message that must not be garbled by the bar. */
  log(line: string): void;
}

export function makeSweepProgress(opts: {
  quiet: boolean;
  tty?: NodeJS.WriteStream;
  write: (line: string) => void;
  /** The bar's title (default 'sweep'). */
  label?: string;
}): SweepProgress {
  if (opts.quiet) return { start() {}, started() {}, ended() {}, stop() {}, log() {} };
  let total = 0;
  let done = 0;
  const running = new Set<string>();
  const stream = opts.tty;
  if (!stream?.isTTY) {
    return {
      start(t, d) {
        total = t;
        done = d;
      },
      started(id, detail) {
        running.add(id);
        opts.write(`[${done}/${total} done, ${running.size} running] start ${id}${detail ? ` ${detail}` : ''}`);
      },
      ended(id, detail) {
        running.delete(id);
        done++;
        opts.write(`[${done}/${total} done, ${running.size} running] ${id}: ${detail}`);
      },
      stop() {},
      log: opts.write,
    };
  }
  const bar = new cliProgress.SingleBar(
    { stream, format: `${opts.label ?? 'sweep'} [{bar}] {value}/{total} done | running: {running}`, hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  const show = (): void => bar.update(done, { running: [...running].join(' ') || '-' });
  return {
    start(t, d) {
      total = t;
      done = d;
      bar.start(total, done, { running: '-' });
    },
    started(id) {
      running.add(id);
      show();
    },
    ended(id, detail) {
      running.delete(id);
      done++;
      stream.write(`\n${id}: ${detail}\n`);
      show();
    },
    stop() {
      bar.stop();
    },
    log(line) {
      stream.write(`\n${line}\n`);
    },
  };
}
