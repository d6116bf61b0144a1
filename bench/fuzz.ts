// The validate fuzzer at scale: `npx tsx bench/fuzz.ts [--cases 10000] [--seed S] [--runs 150]`.
// Each case runs `fluxion validate` on a mutated example config in a child process (killed after 10 s: a hang);
// then `fluxion run --steps 3` on a sample of the configs that validated (small enough to run: points and
// output grids capped). Prints the outcome table; allowed outcomes are exit 0/2 (validate) and 0/2/3 (run).
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { fuzzCases, fuzzDir, mutatedText, type FuzzCase } from '../test/support/configFuzz.js';
import { main } from '../runner/cli.js';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(name);
  return i < 0 ? fallback : Number(process.argv[i + 1]);
};
const HANG_MS = 10_000;

if (process.argv.includes('--child')) {
  // child: run one command per message, reply with the exit code and whether a stack trace was printed
  process.on('message', async (m: { argv: string[] }) => {
    const err: string[] = [];
    const code = await main(m.argv, { out: () => undefined, err: (t) => void err.push(t) });
    const message = err.join('');
    process.send?.({ code, stackTrace: /\n\s+at .+:\d+:\d+/.test(message), message: message.slice(0, 300) });
  });
} else {
  const count = arg('--cases', 10_000);
  const seed = arg('--seed', 1);
  const runs = arg('--runs', 150);
  const dir = fuzzDir();
  const cases = fuzzCases(count, seed);
  let child: ChildProcess | null = null;
  const start = (): ChildProcess =>
    fork(fileURLToPath(import.meta.url), ['--child'], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
  const exec = (argv: string[]): Promise<{ code: number | 'hang'; stackTrace: boolean; message: string }> =>
    new Promise((resolve) => {
      child ??= start();
      const c = child;
      const timer = setTimeout(() => {
        c.kill('SIGKILL');
        child = null;
        resolve({ code: 'hang', stackTrace: false, message: '' });
      }, HANG_MS);
      c.once('message', (r: { code: number; stackTrace: boolean; message: string }) => {
        clearTimeout(timer);
        resolve(r);
      });
      c.send({ argv });
    });
  const table = new Map<string, number>();
  const bad: string[] = [];
  const validated: Array<[number, FuzzCase]> = [];
  const t0 = performance.now();
  for (let i = 0; i < cases.length; i++) {
    const path = join(dir, `case${i}.yaml`);
    writeFileSync(path, mutatedText(cases[i]));
    const r = await exec(['validate', path]);
    const key = `validate exit ${r.code}${r.stackTrace ? ' (stack trace)' : ''}`;
    table.set(key, (table.get(key) ?? 0) + 1);
    if (r.code === 0) validated.push([i, cases[i]]);
    if (!(r.code === 0 || r.code === 2) || r.stackTrace) bad.push(`case ${i} ${JSON.stringify(cases[i])}: ${key}: ${r.message}`);
    if ((i + 1) % 1000 === 0) console.error(`${i + 1}/${count} validated (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
  }
  // a sample of the valid ones is also run for 3 steps (those small enough to run in seconds)
  let ran = 0;
  for (const [i] of validated) {
    if (ran >= runs) break;
    const path = join(dir, `case${i}.yaml`);
    const c = parse(mutatedText(cases[i])) as {
      kind?: string;
      training?: { points?: Record<string, number> };
      output?: { resolution?: unknown };
    };
    const pts = Object.values(c.training?.points ?? {});
    if (c.kind !== 'pinn' || pts.some((n) => n > 5000)) continue;
    ran++;
    const r = await exec(['run', path, '--steps', '3', '--quiet', '--out', join(dir, `run${i}`)]);
    const key = `run exit ${r.code}${r.stackTrace ? ' (stack trace)' : ''}`;
    table.set(key, (table.get(key) ?? 0) + 1);
    if (!(r.code === 0 || r.code === 2 || r.code === 3) || r.stackTrace)
      bad.push(`case ${i} ${JSON.stringify(cases[i])}: ${key}: ${r.message}`);
  }
  (child as ChildProcess | null)?.kill();
  console.log(`fuzz: ${count} validate cases (seed ${seed}) + ${ran} runs in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  for (const [k, v] of [...table].sort()) console.log(`  ${k}: ${v}`);
  console.log(`crashes or hangs: ${bad.length}`);
  for (const b of bad.slice(0, 30)) console.log(`  ${b}`);
  process.exitCode = bad.length ? 1 : 0;
}
