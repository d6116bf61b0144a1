// Reliability of run outputs: complete, verified checkpoint writes (a full disk is exit 4 and keeps the previous
// checkpoint), corrupt checkpoints refused with a fallback, run-directory problems as exit 2 naming the cause,
// and the run-directory lock. Real file systems: small tmpfs mounts (skipped with a message where mount is
// not permitted).
import { expect } from 'chai';
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, writeFileSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { main } from '../../runner/cli.js';
import { readCheckpoint } from '../../runner/checkpoint.js';
import { ConfigError, IoError } from '../../runner/errors.js';
import { writeAll } from '../../runner/fsio.js';
import { MetricsLog, readMetrics, writeSummary, type Summary } from '../../runner/outputs.js';
import { pinnYaml, quadraticFactory, sinks, tempDir, writeConfig } from './helpers.js';

const summaryOf = (dir: string): Summary => JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as Summary;

/** Mounts a tmpfs at a fresh directory; undefined (and why) where mount is not permitted. */
function mountTmpfs(options: string): { dir?: string; why?: string } {
  const dir = tempDir('fluxion-tmpfs-');
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir], { stdio: 'pipe' });
    return { dir };
  } catch (e) {
    return { why: `mount -t tmpfs -o ${options} is not permitted here (${String((e as { stderr?: Buffer }).stderr ?? e).trim()})` };
  }
}

function unmount(dir: string | undefined): void {
  if (dir) execFileSync('umount', [dir], { stdio: 'pipe' });
}

/** Writes filler until the file system reports ENOSPC. */
function fill(dir: string): void {
  const fd = openSync(join(dir, 'filler'), 'w');
  const chunk = Buffer.alloc(4096, 1);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (e) {
    if ((e as { code?: string }).code !== 'ENOSPC') throw e;
  } finally {
    closeSync(fd);
  }
}

function requireMount(ctx: Mocha.Context, m: { dir?: string; why?: string }): string {
  if (!m.dir) {
    console.log(`      skipped: ${m.why}`);
    ctx.skip();
  }
  return m.dir!;
}

describe('runner: complete writes', () => {
  it('writeAll loops on short writes and refuses a write that makes no progress', () => {
    const data = Buffer.from('0123456789abcdefghij');
    const got: number[] = [];
    // a device that takes at most 3 bytes per call
    writeAll(7, data, (_fd, buf, off, len) => {
      const n = Math.min(3, len);
      got.push(...buf.subarray(off, off + n));
      return n;
    });
    expect(Buffer.from(got).toString()).to.equal('0123456789abcdefghij');
    expect(() => writeAll(7, data, () => 0)).to.throw(IoError, 'short write: 20 of 20 bytes could not be written');
  });
});

describe('runner: disk full (tmpfs of 2 MiB)', function () {
  this.timeout(60000);
  let m: { dir?: string; why?: string } = {};
  before(() => (m = mountTmpfs('size=2m')));
  after(() => unmount(m.dir));

  it('a checkpoint that does not fit stops the run with exit 4 naming the path; the previous checkpoint still loads', async function () {
    const dir = requireMount(this, m);
    const cfg = writeConfig(tempDir(), pinnYaml(['training: { steps: 100, log_every: 10, checkpoint_every: 50, lr: 0.05 }']));
    const out = join(dir, 'run');
    // 2 x 300 kB checkpoints fit
    expect(
      await main(['run', cfg, '--out', out, '--quiet'], { ...sinks().deps, trainerFactory: quadraticFactory({ statePadding: 300_000 }) }),
    ).to.equal(0);
    // the next one, 1.7 MB, does not fit beside them: today a short write tears it and the run exits 0
    const s = sinks();
    const code = await main(['run', cfg, '--out', out, '--quiet', '--resume', '--steps', '200'], {
      ...s.deps,
      trainerFactory: quadraticFactory({ statePadding: 1_700_000 }),
    });
    const msg = s.err.join('');
    expect(code, msg).to.equal(4);
    const ckptDir = join(out, 'checkpoint');
    expect(msg).to.equal(
      `error: cannot write ${join(ckptDir, 'state-150.json')}: no space left on device (ENOSPC); last good checkpoint: step 100 in ${ckptDir}\n`,
    );
    const ck = readCheckpoint(ckptDir)!;
    expect(ck.step).to.equal(100);
    expect((ck.trainer as { padding: string }).padding).to.have.length(300_000);
    expect(readdirSync(ckptDir).sort()).to.deep.equal(['manifest.json', 'state-100.json', 'state-50.json']); // temp file removed
    expect(summaryOf(out)).to.include({ status: 'failed', steps: 150 });
    expect(existsSync(join(out, '.lock'))).to.equal(false);
    // and the run resumes from it once there is room
    expect(
      await main(['run', cfg, '--out', out, '--quiet', '--resume', '--steps', '200'], {
        ...sinks().deps,
        trainerFactory: quadraticFactory(),
      }),
    ).to.equal(0);
    expect(readCheckpoint(ckptDir)!.step).to.equal(200);
  });

  it('metrics.jsonl and summary.json on a full disk: IoError (exit 4) naming the file and ENOSPC', function () {
    const dir = requireMount(this, m);
    const d = join(dir, 'full');
    mkdirSync(d);
    const log = new MetricsLog(join(d, 'metrics.jsonl'));
    log.reset();
    fill(dir);
    try {
      expect(() => log.append({ step: 1, loss: 1, terms: {}, wall_time: 0 })).to.throw(
        IoError,
        `cannot write ${join(d, 'metrics.jsonl')}: no space left on device (ENOSPC)`,
      );
      const s: Summary = {
        name: 'x',
        kind: 'pinn',
        status: 'completed',
        steps: 1,
        wall_time: 0,
        backend: 'js',
        message: 'y'.repeat(10000),
      };
      expect(() => writeSummary(d, s)).to.throw(IoError, `cannot write ${join(d, 'summary.json')}: no space left on device (ENOSPC)`);
      expect(readdirSync(d)).to.deep.equal(['metrics.jsonl']);
    } finally {
      execFileSync('rm', ['-f', join(dir, 'filler')]);
    }
  });
});

describe('runner: corrupt checkpoints', () => {
  const dir = tempDir();
  const cfg = writeConfig(dir, pinnYaml(['training: { steps: 100, log_every: 10, checkpoint_every: 50, lr: 0.05 }']));
  const f = quadraticFactory();

  it('a corrupt newest checkpoint falls back to the previous one with a warning; none intact is exit 2', async () => {
    const out = join(dir, 'run');
    expect(await main(['run', cfg, '--out', out, '--quiet'], { ...sinks().deps, trainerFactory: f })).to.equal(0);
    const newest = join(out, 'checkpoint', 'state-100.json');
    const text = readFileSync(newest, 'utf8');
    writeFileSync(newest, text.replace('"step":100', '"step":999')); // same length, other bytes
    const s = sinks();
    expect(await main(['run', cfg, '--out', out, '--quiet', '--resume'], { ...s.deps, trainerFactory: f }), s.err.join('')).to.equal(0);
    expect(s.err.join('')).to.equal(
      `warning: corrupt checkpoint ${newest} (step 100): SHA-256 differs from the manifest; using the previous good checkpoint, step 50\n`,
    );
    expect(summaryOf(out)).to.include({ resumed_from: 50, steps: 100, status: 'completed' });
    expect(readMetrics(join(out, 'metrics.jsonl')).map((r) => r.step)).to.deep.equal([10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);

    // both torn: refused, naming each problem
    const ck = join(out, 'checkpoint');
    for (const file of ['state-50.json', 'state-100.json'])
      writeFileSync(join(ck, file), readFileSync(join(ck, file), 'utf8').slice(0, 40));
    const s2 = sinks();
    expect(await main(['run', cfg, '--out', out, '--quiet', '--resume'], { ...s2.deps, trainerFactory: f })).to.equal(2);
    expect(s2.err.join('')).to.match(
      /^error: .*checkpoint: no intact checkpoint: .*state-100\.json \(step 100\): 40 bytes, the manifest says \d+; .*state-50\.json \(step 50\): 40 bytes/,
    );
  });
});

describe('runner: run directory problems exit 2 naming the path and the cause', function () {
  this.timeout(120000);
  const dir = tempDir();
  const cfg = writeConfig(dir, pinnYaml(['training: { steps: 20, log_every: 10 }']));
  const run = async (out: string): Promise<{ code: number; msg: string }> => {
    const s = sinks();
    const code = await main(['run', cfg, '--out', out, '--quiet'], { ...s.deps, trainerFactory: quadraticFactory() });
    return { code, msg: s.err.join('') };
  };

  it('--out /proc/x (a parent that refuses children) fails at once instead of hanging', () => {
    // a child process: today Node's recursive mkdir spins forever here, so the timeout is what fails
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'runner/cli.ts', 'run', cfg, '--out', '/proc/fluxion-x/run', '--quiet'], {
      cwd: process.cwd(),
      timeout: 60000,
      encoding: 'utf8',
    });
    expect(r.status, `signal ${r.signal}: ${r.stderr}`).to.equal(2);
    expect(r.stderr).to.equal(
      "error: run directory '/proc/fluxion-x/run': cannot create directory '/proc/fluxion-x': '/proc' does not accept new directories (ENOENT; a virtual file system such as /proc?); choose another with --out\n",
    );
  });

  it('a file in place of the directory or of a parent', async () => {
    const file = join(dir, 'afile');
    writeFileSync(file, 'x');
    for (const out of [file, join(file, 'sub')]) {
      const r = await run(out);
      expect(r.code).to.equal(2);
      expect(r.msg).to.equal(`error: run directory '${out}': '${file}' is a file, not a directory; choose another with --out\n`);
    }
  });

  it('a read-only file system (not reported as ENOENT)', async function () {
    const m = mountTmpfs('ro,size=1m');
    const ro = requireMount(this, m);
    try {
      const r = await run(join(ro, 'a', 'b'));
      expect(r.code).to.equal(2);
      expect(r.msg).to.equal(
        `error: run directory '${join(ro, 'a', 'b')}': cannot create directory '${join(ro, 'a')}': read-only file system (EROFS); choose another with --out\n`,
      );
      // the directory exists but cannot be written
      const r2 = await run(ro);
      expect(r2.code).to.equal(2);
      expect(r2.msg).to.equal(
        `error: run directory '${ro}': cannot create ${join(ro, '.lock')}: read-only file system (EROFS); choose another with --out\n`,
      );
    } finally {
      unmount(m.dir);
    }
  });

  it('no space left (no inodes for the directory, then no room for the lock)', async function () {
    const m = mountTmpfs('size=64k,nr_inodes=2');
    const t = requireMount(this, m);
    try {
      const r = await run(join(t, 'a', 'b'));
      expect(r.code).to.equal(2);
      expect(r.msg).to.equal(
        `error: run directory '${join(t, 'a', 'b')}': cannot create directory '${join(t, 'a', 'b')}': no space left on device (ENOSPC); choose another with --out\n`,
      );
      const r2 = await run(join(t, 'a'));
      expect(r2.code).to.equal(2);
      expect(r2.msg).to.equal(
        `error: run directory '${join(t, 'a')}': cannot create ${join(t, 'a', '.lock')}: no space left on device (ENOSPC); choose another with --out\n`,
      );
    } finally {
      unmount(m.dir);
    }
  });

  it('permission denied (as a non-root user)', async function () {
    if (process.getuid?.() === 0) {
      console.log('      skipped: root is never denied permission (CI runs as root)');
      this.skip();
    }
    const locked = join(dir, 'locked');
    mkdirSync(locked, { mode: 0o555 });
    const r = await run(join(locked, 'run'));
    expect(r.code).to.equal(2);
    expect(r.msg).to.equal(
      `error: run directory '${join(locked, 'run')}': cannot create directory '${join(locked, 'run')}': permission denied (EACCES); choose another with --out\n`,
    );
  });
});

describe('runner: run directory lock', () => {
  const dir = tempDir();
  const cfg = writeConfig(dir, pinnYaml(['training: { steps: 20, log_every: 10, checkpoint_every: 10 }']));

  it('takes over a lock left by a dead process on this host; refuses a lock of another host', async () => {
    const out = join(dir, 'stale');
    mkdirSync(out);
    const dead = spawnSync(process.execPath, ['-e', '']).pid!; // exited, so its pid is free
    writeFileSync(join(out, '.lock'), JSON.stringify({ pid: dead, host: hostname(), started: '2026-01-01T00:00:00.000Z' }));
    expect(await main(['run', cfg, '--out', out, '--quiet'], { ...sinks().deps, trainerFactory: quadraticFactory() })).to.equal(0);
    expect(existsSync(join(out, '.lock'))).to.equal(false);

    writeFileSync(join(out, '.lock'), JSON.stringify({ pid: dead, host: 'elsewhere', started: '2026-01-01T00:00:00.000Z' }));
    const s = sinks();
    expect(await main(['run', cfg, '--out', out, '--quiet'], { ...s.deps, trainerFactory: quadraticFactory() })).to.equal(2);
    expect(s.err.join('')).to.equal(
      `error: run directory '${out}' is in use by another run (pid ${dead} on elsewhere, started 2026-01-01T00:00:00.000Z); wait for it or choose another directory with --out (delete ${join(out, '.lock')} if no run uses it)\n`,
    );
    expect(existsSync(join(out, '.lock'))).to.equal(true); // not ours to remove
  });

  it('is released on error exits (divergence, a refused resume) and a rejected config leaves no directory', async () => {
    const out = join(dir, 'errors');
    expect(
      await main(['run', cfg, '--out', out, '--quiet'], { ...sinks().deps, trainerFactory: quadraticFactory({ nanAtStep: 15 }) }),
    ).to.equal(3);
    expect(existsSync(join(out, '.lock'))).to.equal(false);
    const other = writeConfig(dir, pinnYaml(['seed: 4', 'training: { steps: 20 }']).replace('seed: 3\n', ''), 'other.yaml');
    expect(
      await main(['run', other, '--out', out, '--quiet', '--resume'], { ...sinks().deps, trainerFactory: quadraticFactory() }),
    ).to.equal(2);
    expect(existsSync(join(out, '.lock'))).to.equal(false);
    const never = join(dir, 'never', 'deeper');
    const bad = (): never => {
      throw new ConfigError('pde[0]: bad');
    };
    expect(await main(['run', cfg, '--out', never, '--quiet'], { ...sinks().deps, trainerFactory: bad })).to.equal(2);
    expect(existsSync(join(dir, 'never'))).to.equal(false);
  });
});
