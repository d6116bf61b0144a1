// Wires the page: pick a dataset and a field, show prediction / reference / error, step through
// time, plot metrics, and poll the server so a run in progress updates live.
import type { RunListing, WireSeries } from '../wire.js';
import { fetchDataset, fetchListing, fetchRunText, fetchSeries, runBase } from './api.js';
import { drawChart } from './chart.js';
import { type Dataset, sliceCount } from './dataset.js';
import { groupFields } from './fieldGroups.js';
import { metricCurves, parseMetrics } from './metrics.js';
import { type RunInfo, runInfo } from './runInfo.js';
import { type OverlaySpec, type PanelSpec, FieldScene } from './scene.js';
import { type Overlay, type Source, overlaysOf, viewableSources } from './sources.js';
import { type Bounds, scalarRange, toSurface, unionBounds } from './surface.js';

const POLL_MS = 1500;
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const ui = {
  title: $('title'),
  summary: $('summary'),
  status: $('status'),
  source: $<HTMLSelectElement>('source'),
  field: $<HTMLSelectElement>('field'),
  time: $<HTMLInputElement>('time'),
  timeLabel: $('timeLabel'),
  chart: $<HTMLCanvasElement>('chart'),
};
const scene = new FieldScene($('view'), $('titles'));

const state = {
  info: { timeDependent: false, summaryLine: '' } as RunInfo,
  sources: [] as Source[],
  source: undefined as Source | undefined,
  series: undefined as WireSeries | undefined,
  /** Series drawn over the current one (its ground truth, its goal), with their frames. */
  overlays: [] as Array<Overlay & { series: WireSeries }>,
  cache: new Map<string, Dataset>(),
  steps: 1,
  /** Camera framing for the current source, set when it is opened. */
  bounds: undefined as Bounds | undefined,
  stamps: new Map<string, number>(), // path -> mtime, to notice rewritten files
  renders: 0,
};

function report(e: unknown): void {
  ui.status.textContent = e instanceof Error ? e.message : String(e);
}

async function dataset(path: string): Promise<Dataset> {
  let ds = state.cache.get(path);
  if (!ds) state.cache.set(path, (ds = await fetchDataset(path)));
  return ds;
}

function timeLabel(ds: Dataset, t: number): string {
  if (state.series) return `t = ${Number(state.series.frames[t]?.time.toPrecision(6))}`;
  if (ds.kind === 'ImageData' && state.steps > 1)
    return `${state.info.timeDependent ? 't' : 'z'} = ${Number((ds.origin[2] + t * ds.spacing[2]).toPrecision(4))}`;
  return '';
}

/** Draws the current source at the slider's time index. */
/** Solid colours of overlays: the truth's particles translucent orange under the prediction's map, the goal green. */
const OVERLAY_STYLE: Record<Overlay['kind'], Omit<OverlaySpec, 'surface'> & { name: string }> = {
  truth: { name: 'truth (orange)', colour: [1, 0.6, 0.15], pointSize: 4, opacity: 0.55 },
  goal: { name: 'goal (green)', colour: [0.3, 1, 0.35], pointSize: 12, opacity: 1 },
};

/** The overlays at time index t (a shorter series holds its last frame). */
async function overlaySpecs(t: number): Promise<OverlaySpec[]> {
  return Promise.all(
    state.overlays.map(async (o) => {
      const frames = o.series.frames;
      const { name: _n, ...style } = OVERLAY_STYLE[o.kind];
      return { ...style, surface: toSurface(await dataset(frames[Math.min(t, frames.length - 1)].file), 0) };
    }),
  );
}

async function render(reframe: boolean): Promise<void> {
  if (!state.source) return;
  const t = Number(ui.time.value);
  const ds = await dataset(state.series ? state.series.frames[t].file : state.source.path);
  const surface = toSurface(ds, state.series ? 0 : t);
  const groups = groupFields(ds.pointData.map((f) => f.name));
  if (ui.field.options.length !== groups.length || Array.from(ui.field.options).some((o, i) => o.value !== groups[i].base)) {
    const keep = ui.field.value;
    ui.field.replaceChildren(...groups.map((g) => new Option(g.base, g.base)));
    if (groups.some((g) => g.base === keep)) ui.field.value = keep;
  }
  const g = groups.find((x) => x.base === ui.field.value) ?? groups[0];
  const panels: PanelSpec[] = [];
  if (!g) panels.push({ title: state.source.path, surface, range: [0, 1], preset: 'Cool to Warm', overlays: await overlaySpecs(t) });
  else {
    const values = [g.prediction, g.reference].filter((n): n is string => !!n).map((n) => surface.scalars.get(n)!);
    const range = scalarRange(values);
    const overlays = await overlaySpecs(t);
    const over = state.overlays.map((o) => ` + ${OVERLAY_STYLE[o.kind].name}`).join('');
    panels.push({ title: `prediction: ${g.prediction}${over}`, surface, array: g.prediction, range, preset: 'Cool to Warm', overlays });
    if (g.reference) panels.push({ title: `reference: ${g.reference}`, surface, array: g.reference, range, preset: 'Cool to Warm' });
    if (g.error)
      panels.push({
        title: `error: ${g.error}`,
        surface,
        array: g.error,
        range: scalarRange([surface.scalars.get(g.error)!]),
        preset: 'Black-Body Radiation',
      });
  }
  scene.show(panels, reframe ? (state.bounds ?? unionBounds([surface])) : undefined);
  ui.timeLabel.textContent = timeLabel(ds, t);
  state.renders++;
  document.body.dataset.renders = String(state.renders);
}

async function openSource(path: string, keepTime: boolean): Promise<void> {
  const source = state.sources.find((s) => s.path === path);
  state.source = source;
  state.series = undefined;
  state.overlays = [];
  if (!source) return;
  state.series = source.series ? await fetchSeries(source.path) : undefined;
  state.overlays = await Promise.all(
    overlaysOf(source.path, state.sources).map(async (o) => ({ ...o, series: await fetchSeries(o.path) })),
  );
  state.bounds = undefined;
  if (state.series) {
    // Frames are fetched up front: playback then needs no requests, and the camera can frame
    // the whole motion (the overlays' too, so a goal off the body's path stays in view).
    const files = [state.series, ...state.overlays.map((o) => o.series)].flatMap((s) => s.frames.map((f) => f.file));
    const frames = await Promise.all(files.map((f) => dataset(f)));
    state.bounds = unionBounds(frames.map((ds) => toSurface(ds)));
  }
  state.steps = state.series ? state.series.frames.length : sliceCount(await dataset(source.path));
  const t = keepTime ? Math.min(Number(ui.time.value), state.steps - 1) : 0;
  ui.time.max = String(Math.max(0, state.steps - 1));
  ui.time.value = String(t);
  ui.time.disabled = state.steps <= 1;
  await render(!keepTime);
}

async function refreshMetrics(): Promise<void> {
  const text = await fetchRunText('metrics.jsonl');
  drawChart(ui.chart, metricCurves(parseMetrics(text ?? '')));
}

/** Applies a new listing: reloads what changed since the last one. */
async function sync(listing: RunListing, first: boolean): Promise<void> {
  const changed = new Set<string>();
  for (const f of listing.files) if (state.stamps.get(f.path) !== f.mtime) changed.add(f.path);
  state.stamps = new Map(listing.files.map((f) => [f.path, f.mtime]));
  if (first || changed.has('summary.json') || changed.has('config.resolved.yaml')) {
    state.info = runInfo(await fetchRunText('config.resolved.yaml'), await fetchRunText('summary.json'));
    ui.summary.textContent = state.info.summaryLine;
  }
  if (first || changed.has('metrics.jsonl')) await refreshMetrics();
  const sources = viewableSources(listing.files);
  const listChanged = sources.map((s) => s.path).join('\n') !== state.sources.map((s) => s.path).join('\n');
  if (listChanged) {
    state.sources = sources;
    ui.source.replaceChildren(...sources.map((s) => new Option(s.series ? `${s.path} (series)` : s.path, s.path)));
  }
  const current = state.source?.path;
  if (current && sources.some((s) => s.path === current)) {
    ui.source.value = current;
    // Any changed VTK file may be a frame of the current series: drop them all from the cache.
    const stale = [...changed].filter((p) => /\.(vt[ipu]|pvd)$/i.test(p));
    if (stale.length > 0) {
      for (const p of stale) state.cache.delete(p);
      await openSource(current, true);
    }
  } else if (sources.length > 0) {
    await openSource(sources[0].path, false);
  } else {
    ui.status.textContent = 'no fields yet';
  }
}

async function poll(first = false): Promise<void> {
  try {
    await sync(await fetchListing(), first);
    if (ui.status.textContent === 'no fields yet' && state.source) ui.status.textContent = '';
  } catch (e) {
    report(e);
  }
  if (first) document.body.dataset.ready = '1';
  setTimeout(() => void poll(), POLL_MS);
}

ui.source.addEventListener('change', () => void openSource(ui.source.value, false).catch(report));
ui.field.addEventListener('change', () => void render(false).catch(report));
ui.time.addEventListener('input', () => void render(false).catch(report));
new ResizeObserver(() => void refreshMetrics().catch(report)).observe(ui.chart);

/** Hooks for the end-to-end tests (test/viewer): drive the slider and read pixels. */
const hooks = {
  timeSteps: () => state.steps,
  setTime: async (t: number) => {
    ui.time.value = String(t);
    await render(false);
  },
  capture: () => scene.capture(),
};
(window as unknown as { fluxionViewer: typeof hooks }).fluxionViewer = hooks;

// A run of a served sweep (its page under /runs/<id>/) links back to the sweep page.
$('up').hidden = runBase(location.pathname) === '';
void fetchListing().then((l) => {
  ui.title.textContent = l.name;
}, report);
void poll(true);
