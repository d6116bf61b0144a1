// Where a webgpu PINN Adam step's time goes in headless Chromium on SwiftShader (bench/pages/webgpuProfile.page.ts):
// WebGPU calls per step, the step's wall time, and each dispatch's time, summed by kind (fused elementwise, matmul
// by shape, reductions): by timestamp queries around each dispatch in one submit where the adapter offers them
// (Chromium's SwiftShader does), else each submitted alone and timed up to onSubmittedWorkDone.
// Run: npx tsx bench/webgpuProfile.ts [--write]  (--write rewrites bench/results-webgpu-profile.md)
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { mdTable } from './markdown.js';
import { findBrowserTools, runPage } from '../test/viewer/chromium.js';
import type { WebGpuProfile } from './pages/webgpuProfile.page.js';

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));
const load0 = loadavg();
const tools = await findBrowserTools('bench/webgpuProfile.ts');
if (typeof tools === 'string') throw new Error(`bench/webgpuProfile.ts needs headless Chromium (${tools})`);
const { result: r, errors } = await runPage<WebGpuProfile>(tools, here('./pages/webgpuProfile.page.ts'), 'fluxionWebGpuProfile', {
  webgpu: true,
  timeoutMs: 1200000,
});
if (r.error || errors.length) throw new Error(`profile page failed: ${r.error ?? errors.join('; ')}`);

/** A dispatch's kind: its label without value names (fused chains differ only by their output's name). */
const kind = (label: string): string => label.replace(/^fused .*/, 'fused elementwise');
const lines = [
  '# webgpu PINN step profile (bench/webgpuProfile.ts)',
  '',
  `\`npx tsx bench/webgpuProfile.ts --write\` on ${new Date().toISOString().slice(0, 10)}, headless Chromium, ${r.adapter} adapter ` +
    `(features: ${r.features.join(', ') || 'none'}); load average ${load0.map((l) => l.toFixed(2)).join(' ')} -> ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}.`,
  '',
];
for (const p of r.problems) {
  const byKind = new Map<string, { n: number; ms: number }>();
  for (const k of p.kernels) {
    const e = byKind.get(kind(k.label)) ?? { n: 0, ms: 0 };
    e.n++;
    e.ms += k.ms;
    byKind.set(kind(k.label), e);
  }
  const total = [...byKind.values()].reduce((a, e) => a + e.ms, 0);
  const rows = [...byKind.entries()]
    .sort((a, b) => b[1].ms - a[1].ms)
    .map(([k, e]) => [k, String(e.n), e.ms.toFixed(2), `${((100 * e.ms) / total).toFixed(1)}%`]);
  const how = p.timestamps
    ? 'timestamp queries around each dispatch, all in one submit'
    : 'each dispatch submitted alone, less an empty submit';
  lines.push(
    `## PINN Adam step, ${p.name}`,
    '',
    `${p.dispatches} dispatches; first call ${p.firstMs.toFixed(0)} ms (trace, plan, compile), later calls best ${p.stepMs.toFixed(1)} ms ` +
      `(with the loss read-back). Dispatch times (${how}, best of 3) sum to ${total.toFixed(1)} ms.`,
    '',
    `WebGPU calls per step from the third on: ${Object.entries(p.callsPerStep)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}.`,
    '',
    mdTable(['dispatch kind', 'count', 'ms (sum)', 'share'], rows),
    '',
  );
}
const text = lines.join('\n');
console.log(text);
if (process.argv.includes('--write')) {
  writeFileSync(here('./results-webgpu-profile.md'), text);
  console.log('wrote bench/results-webgpu-profile.md');
}
