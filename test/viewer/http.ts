// HTTP requests of the viewer server tests.
import { request } from 'node:http';

/** Raw HTTP GET: the target is sent verbatim (fetch/URL would normalise '..' away). */
export function rawGet(base: string, target: string, host?: string): Promise<{ status: number; body: string; bytes: ArrayBuffer }> {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, path: target, method: 'GET', headers: host ? { host } : {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const all = Buffer.concat(chunks);
        const bytes = all.buffer.slice(all.byteOffset, all.byteOffset + all.length) as ArrayBuffer;
        resolve({ status: res.statusCode ?? 0, body: all.toString('utf8'), bytes });
      });
    });
    req.on('error', reject);
    req.end();
  });
}
