// A throwaway redis-server for the BullMQ tests and bench/sweep.ts: on 127.0.0.1, a free port, no persistence; skipped (loudly) without it.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createConnection, createServer } from 'node:net';
import { skipBecause } from '../support/skip.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address();
      srv.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const c = createConnection({ host: '127.0.0.1', port }, () => c.write('PING\r\n'));
    c.on('data', (d) => {
      c.destroy();
      resolve(d.toString().startsWith('+PONG'));
    });
    c.on('error', () => resolve(false));
  });
}

/** Starts redis-server on 127.0.0.1 on a free port, without persistence; undefined when it is not installed. */
export async function spawnRedis(): Promise<{ redis: ChildProcess; url: string } | undefined> {
  if (spawnSync('redis-server', ['--version']).status !== 0) return undefined;
  const port = await freePort();
  const redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  });
  for (let i = 0; i < 200 && !(await ping(port)); i++) await sleep(50);
  if (!(await ping(port))) {
    redis.kill('SIGTERM');
    throw new Error(`redis-server on port ${port} does not answer PING`);
  }
  return { redis, url: `redis://127.0.0.1:${port}` };
}

/** Starts redis-server (or skips the suite, naming what did not run); returns the server and its URL. */
export async function startRedis(ctx: Mocha.Context, what: string): Promise<{ redis: ChildProcess; url: string }> {
  const started = await spawnRedis();
  if (!started) {
    console.warn(`    SKIPPED: redis-server is not installed (apt-get install -y redis-server); ${what} did not run`);
    skipBecause(ctx, 'no redis-server');
  }
  return started;
}
