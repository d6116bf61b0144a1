// Shared set-up of the end-to-end tests in real headless Chromium (Debian's /usr/bin/chromium driven by
// playwright-core): what to launch, with which flags, and a skip that says why when a piece is missing,
// so machines without a browser stay green.
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { serveRun, type ViewerServer } from '../../viewer/index.js';
import type { Plugin } from 'esbuild';
import { skipBecause } from '../support/skip.js';

/** Debian's package; FLUXION_CHROMIUM points elsewhere (or at nothing, to check the skip). */
export const CHROMIUM = process.env.FLUXION_CHROMIUM ?? '/usr/bin/chromium';
// The machine's network is closed: without the background-networking flags Chromium keeps dialling out.
export const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];
/** Chromium exposes WebGPU on Linux only behind this flag; SwiftShader is its CPU adapter (no GPU needed). */
export const WEBGPU_FLAGS = ['--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader'];
/** navigator.gpu exists in secure contexts only, so WebGPU pages are served (by request interception) from localhost. */
const SECURE_ORIGIN = 'http://localhost/';
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
/** Screenshots the tests save (build/ is git-ignored). */
export const shots = join(repoRoot, 'build', 'screenshots');

type BuildOptions = { outdir: string; minify: boolean };
export interface BrowserTools {
  chromium: typeof import('playwright-core').chromium;
  /** viewer/build.mjs */
  build: {
    buildViewer(o: BuildOptions): Promise<unknown>;
    buildDemo(o: BuildOptions): Promise<unknown>;
    nodeBuiltinsShim: Plugin;
  };
}

/** playwright-core and the bundler, or (after printing why the tests of `what` cannot run) the short reason. */
export async function findBrowserTools(what: string): Promise<BrowserTools | 'no chromium' | 'no playwright-core'> {
  if (!existsSync(CHROMIUM)) {
    console.log(`    (skipped: ${CHROMIUM} not found; install Debian's chromium package to run the ${what})`);
    return 'no chromium';
  }
  try {
    const { chromium } = await import('playwright-core');
    // @ts-expect-error build.mjs is plain JavaScript without type declarations
    const build = (await import('../../viewer/build.mjs')) as BrowserTools['build'];
    mkdirSync(shots, { recursive: true });
    return { chromium, build };
  } catch (e) {
    console.log(`    (skipped: playwright-core or esbuild is not installed: ${(e as Error).message.split('\n')[0]})`);
    return 'no playwright-core';
  }
}

/** The tools, or skips the caller's suite (from its before() hook), counted as "skipped (<reason>)" in the summary line. */
export async function browserTools(what: string, ctx: Mocha.Context): Promise<BrowserTools> {
  const tools = await findBrowserTools(what);
  return typeof tools === 'string' ? skipBecause(ctx, tools) : tools;
}

/** A context with its profile in `dir`, ready for page.evaluate callbacks compiled by tsx; `webgpu` adds WEBGPU_FLAGS. */
export async function launchContext(
  tools: BrowserTools,
  dir: string,
  viewport: { width: number; height: number },
  webgpu = false,
): Promise<BrowserContext> {
  const args = webgpu ? [...FLAGS, ...WEBGPU_FLAGS] : FLAGS;
  const context = await tools.chromium.launchPersistentContext(dir, { executablePath: CHROMIUM, args, headless: true, viewport });
  // tsx compiles the tests with esbuild's keepNames, which wraps named functions in the callbacks
  // sent to page.evaluate in a `__name(...)` helper that the page lacks.
  await context.addInitScript('globalThis.__name = (f) => f;');
  return context;
}

/** The viewer serving a run or sweep folder, and a page on it. */
export interface OpenViewer {
  appDir: string;
  server: ViewerServer;
  context: BrowserContext;
  page: Page;
}

/**
 * Bundles the app (appBundle), serves `dir` with it and opens it in a fresh context profiled under `tmp`, waiting
 * until the page is ready (body[data-ready="1"]); the page's uncaught errors are pushed to `pageErrors`.
 */
export async function openViewer(
  tools: BrowserTools,
  tmp: string,
  dir: string,
  viewport: { width: number; height: number },
  pageErrors: string[],
): Promise<OpenViewer> {
  const appDir = await appBundle(tools, tmp);
  const server = await serveRun(dir, { appDir });
  const context = await launchContext(tools, join(tmp, 'profile'), viewport);
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(server.url);
  await page.waitForSelector('body[data-ready="1"]', { timeout: 30000 });
  return { appDir, server, context, page };
}

const distDir = join(repoRoot, 'viewer', 'dist');

function newestMtime(dir: string): number {
  return Math.max(...readdirSync(dir).map((f) => statSync(join(dir, f)).mtimeMs));
}

/** True when viewer/dist holds both pages, bundled after the last change to any app source. */
function bundleIsFresh(): boolean {
  const bundles = ['app.js', 'index.html', 'sweep.js', 'sweep.html'].map((f) => join(distDir, f));
  if (!bundles.every(existsSync)) return false;
  const sources = Math.max(newestMtime(join(repoRoot, 'viewer', 'app')), statSync(join(repoRoot, 'viewer', 'wire.ts')).mtimeMs);
  return Math.min(...bundles.map((b) => statSync(b).mtimeMs)) > sources;
}

/**
 * The folder of the bundled app: viewer/dist when it is newer than every app source (the prepare step builds
 * it), otherwise the current sources bundled into `tmp`/app.
 */
export async function appBundle(tools: BrowserTools, tmp: string): Promise<string> {
  if (bundleIsFresh()) return distDir;
  const appDir = join(tmp, 'app');
  await tools.build.buildViewer({ outdir: appDir, minify: false });
  return appDir;
}

/**
 * Bundles the page module `entry`, runs it in a fresh headless Chromium (with WebGPU enabled when `webgpu`) on a
 * secure localhost origin, and returns what it publishes on globalThis[`global`], with the page's uncaught errors.
 */
export async function runPage<R>(
  tools: BrowserTools,
  entry: string,
  global: string,
  o: { webgpu: boolean; timeoutMs: number },
): Promise<{ result: R; errors: string[] }> {
  const esbuild = await import('esbuild');
  const bundle = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: ['es2022'],
    plugins: [tools.build.nodeBuiltinsShim],
    logLevel: 'warning',
  });
  const args = o.webgpu ? [...FLAGS, ...WEBGPU_FLAGS] : FLAGS;
  const browser = await tools.chromium.launch({ executablePath: CHROMIUM, args, headless: true });
  try {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.route(SECURE_ORIGIN, (route) => route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>fluxion</title>' }));
    await page.goto(SECURE_ORIGIN);
    await page.addScriptTag({ content: bundle.outputFiles[0].text, type: 'module' });
    await page.waitForFunction((g) => g in globalThis, global, { timeout: o.timeoutMs });
    const result = (await page.evaluate((g) => (globalThis as unknown as Record<string, unknown>)[g], global)) as R;
    return { result, errors };
  } finally {
    await browser.close();
  }
}
