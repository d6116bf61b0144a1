// Bundles the browser app (viewer/app) with esbuild into viewer/dist: app.js, app.css, index.html, sweep.js, sweep.html,
// and the in-browser training demo (viewer/demo) beside it: demo.js, demo.css, demo.html.
// Run: node viewer/build.mjs   (also imported by the end-to-end tests to build on demand)
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const distDir = join(here, 'dist');

/** One esbuild browser bundle (ESM, source map) of `entry` into `outfile`. */
async function bundle(entry, outfile, { minify, plugins = [] }) {
  const esbuild = await import('esbuild');
  mkdirSync(dirname(outfile), { recursive: true });
  return esbuild.build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022'],
    minify,
    sourcemap: true,
    logLevel: 'warning',
    metafile: true,
    plugins,
  });
}

/** The run page (app.js, index.html) and the sweep page (sweep.js, sweep.html), sharing app.css. */
export async function buildViewer({ outdir = distDir, minify = true } = {}) {
  const [app, sweep] = await Promise.all([
    bundle(join(here, 'app', 'main.ts'), join(outdir, 'app.js'), { minify }),
    bundle(join(here, 'app', 'sweepPage.ts'), join(outdir, 'sweep.js'), { minify }),
  ]);
  copyFileSync(join(here, 'app', 'index.html'), join(outdir, 'index.html'));
  copyFileSync(join(here, 'app', 'sweep.html'), join(outdir, 'sweep.html'));
  copyFileSync(join(here, 'app', 'style.css'), join(outdir, 'app.css'));
  return { metafile: { outputs: { ...app.metafile.outputs, ...sweep.metafile.outputs } } };
}

/**
 * core/ imports a few Node built-ins (node:fs, node:url, node:os, node:v8, node:worker_threads,
 * node:path) to locate and thread the wasm kernels; the browser has none of them. Every `node:*`
 * import resolves to one shim whose answers ("no such file", one core) leave the wasm backend
 * unregistered, so the demo runs on the js or gpu backend.
 */
export const nodeBuiltinsShim = {
  name: 'node-builtins-shim',
  setup(build) {
    build.onResolve({ filter: /^node:/ }, () => ({ path: join(here, 'demo', 'nodeShim.ts') }));
  },
};

export async function buildDemo({ outdir = distDir, minify = true } = {}) {
  const result = await bundle(join(here, 'demo', 'main.ts'), join(outdir, 'demo.js'), { minify, plugins: [nodeBuiltinsShim] });
  copyFileSync(join(here, 'demo', 'index.html'), join(outdir, 'demo.html'));
  copyFileSync(join(here, 'demo', 'style.css'), join(outdir, 'demo.css'));
  return result;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const t0 = Date.now();
  const [app, demo] = await Promise.all([buildViewer(), buildDemo()]);
  const mb = (r) => (Object.values(r.metafile.outputs).reduce((s, o) => s + o.bytes, 0) / 1e6).toFixed(2);
  console.log(`viewer: bundled into ${distDir} (app ${mb(app)} MB, demo ${mb(demo)} MB incl. source maps) in ${Date.now() - t0} ms`);
}
