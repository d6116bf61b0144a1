// Builds the AssemblyScript kernels into core/wasm/build/: a baseline SIMD module and a relaxed-SIMD
// (FMA) module. Run by the package's prepare step: `node core/wasm/build.mjs`.
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { mkdirSync, statSync, readdirSync } from 'node:fs';
import asc from 'assemblyscript/asc';

const here = dirname(fileURLToPath(import.meta.url));
const entry = join(here, 'assembly', 'index.ts');
const outDir = join(here, 'build');

// Memory is imported and shared so worker threads run the same module over the same heap; no data
// segments or runtime heap are emitted (stub runtime, no strings), so re-instantiating is harmless.
const common = [
  entry,
  '--runtime',
  'stub',
  '--importMemory',
  '--sharedMemory',
  '--noExportMemory',
  '--initialMemory',
  '32',
  '--maximumMemory',
  '65536',
  '--enable',
  'simd,threads',
  '--optimizeLevel',
  '3',
  '--shrinkLevel',
  '0',
  '--noAssert',
  '--use',
  'abort=',
];

const variants = [
  { name: 'kernels.simd', extra: [] },
  { name: 'kernels.relaxed', extra: ['--enable', 'relaxed-simd'] },
];

function newestSourceTime() {
  let t = statSync(fileURLToPath(import.meta.url)).mtimeMs;
  for (const f of readdirSync(join(here, 'assembly'))) t = Math.max(t, statSync(join(here, 'assembly', f)).mtimeMs);
  return t;
}

function upToDate(name) {
  try {
    return statSync(join(outDir, `${name}.wasm`)).mtimeMs >= newestSourceTime();
  } catch {
    return false;
  }
}

mkdirSync(outDir, { recursive: true });
const force = process.argv.includes('--force');
for (const v of variants) {
  if (!force && upToDate(v.name)) continue;
  const args = [...common, ...v.extra, '--outFile', join(outDir, `${v.name}.wasm`)];
  if (process.argv.includes('--wat')) args.push('--textFile', join(outDir, `${v.name}.wat`));
  const { error, stderr } = await asc.main(args);
  if (error) {
    console.error(stderr.toString());
    console.error(`core/wasm/build.mjs: building ${v.name} failed: ${error.message}`);
    process.exit(1);
  }
  console.log(`core/wasm/build.mjs: built ${join('core/wasm/build', v.name + '.wasm')}`);
}
