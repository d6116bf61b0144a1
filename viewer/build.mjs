// Bundles the browser app (viewer/app) with esbuild into viewer/dist: app.js, app.css, index.html.
// Run: node viewer/build.mjs   (also imported by the end-to-end tests to build on demand)
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const distDir = join(here, 'dist');

export async function buildViewer({ outdir = distDir, minify = true } = {}) {
  const esbuild = await import('esbuild');
  mkdirSync(outdir, { recursive: true });
  const result = await esbuild.build({
    entryPoints: [join(here, 'app', 'main.ts')],
    outfile: join(outdir, 'app.js'),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022'],
    minify,
    sourcemap: true,
    logLevel: 'warning',
    metafile: true,
  });
  copyFileSync(join(here, 'app', 'index.html'), join(outdir, 'index.html'));
  copyFileSync(join(here, 'app', 'style.css'), join(outdir, 'app.css'));
  return result;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const t0 = Date.now();
  const r = await buildViewer();
  const bytes = Object.values(r.metafile.outputs).reduce((s, o) => s + o.bytes, 0);
  console.log(`viewer: bundled into ${distDir} (${(bytes / 1e6).toFixed(2)} MB incl. source map) in ${Date.now() - t0} ms`);
}
