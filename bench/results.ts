// Where a benchmark script puts its results: the tracked bench/results-<name>.json files change only on
// purpose (`--write`); `npm run bench` (bench/run.ts) collects its summary from a temporary folder it
// names in BENCH_RESULTS_DIR; otherwise the numbers are only printed.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const WRITE_FLAG = '--write';

/** The results file of bench/<name>.ts for this run, or null when the results are not to be kept. */
export function resultsFile(name: string, argv: readonly string[] = process.argv, env: NodeJS.ProcessEnv = process.env): string | null {
  if (argv.includes(WRITE_FLAG)) return fileURLToPath(new URL(`./results-${name}.json`, import.meta.url));
  return env.BENCH_RESULTS_DIR ? join(env.BENCH_RESULTS_DIR, `results-${name}.json`) : null;
}

/** Writes `data` as the results of bench/<name>.ts, or says how to keep them. */
export function writeResults(name: string, data: unknown): void {
  const file = resultsFile(name);
  if (file) {
    writeFileSync(file, JSON.stringify(data, null, 2) + '\n');
    console.log(`wrote ${file}`);
  } else {
    console.log(`(results not written: pass ${WRITE_FLAG} to update bench/results-${name}.json)`);
  }
}
