// Shared set-up of the end-to-end tests in real headless Chromium (Debian's /usr/bin/chromium driven by
// playwright-core): what to launch, with which flags, and a skip that says why when a piece is missing,
// so machines without a browser stay green.
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserContext } from 'playwright-core';
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

/** A context with its profile in `dir`, ready for page.evaluate callbacks compiled by tsx. */
export async function launchContext(
  tools: BrowserTools,
  dir: string,
  viewport: { width: number; height: number },
): Promise<BrowserContext> {
  const context = await tools.chromium.launchPersistentContext(dir, { executablePath: CHROMIUM, args: FLAGS, headless: true, viewport });
  // tsx compiles the tests with esbuild's keepNames, which wraps named functions in the callbacks
  // sent to page.evaluate in a `__name(...)` helper that the page lacks.
  await context.addInitScript('globalThis.__name = (f) => f;');
  return context;
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
