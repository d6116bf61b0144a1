// The sweep page (`fluxion view runs/<sweep>`): the results table, sortable by any column, with a checkbox per run
// that overlays the run's loss (solid) and l2re (dashed) curves on the chart, one colour per run, and a link to
// each run's own page (/runs/<id>/).
import type { WireCurve, WireSweep, WireSweepRow } from '../wire.js';
import { fetchRunMetrics, fetchSweep } from './api.js';
import { chartColour, drawChart, type PlotCurve } from './chart.js';
import { type Column, cellText, settingLabel, sortRows, sweepColumns } from './sweepTable.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const ui = {
  title: $('title'),
  summary: $('summary'),
  status: $('status'),
  head: $('head'),
  body: $('rows'),
  legend: $('legend'),
  chart: $<HTMLCanvasElement>('chart'),
};

const state = {
  sweep: { name: '', keys: [], rows: [] } as WireSweep,
  columns: [] as Column[],
  sort: undefined as { column: Column; descending: boolean } | undefined,
  selected: new Set<string>(),
  curves: new Map<string, WireCurve[]>(),
};

function report(e: unknown): void {
  ui.status.textContent = e instanceof Error ? e.message : String(e);
}

/** A run keeps its colour however the table is sorted: its position in results.csv picks it. */
const colourOf = (id: string): string => chartColour(state.sweep.rows.findIndex((r) => r.id === id));

function renderHead(): void {
  ui.head.replaceChildren(
    document.createElement('th'),
    ...state.columns.map((c) => {
      const th = document.createElement('th');
      th.textContent = c.label;
      th.dataset.column = c.key;
      if (state.sort?.column === c) th.dataset.sort = state.sort.descending ? 'desc' : 'asc';
      th.addEventListener('click', () => {
        state.sort = { column: c, descending: state.sort?.column === c ? !state.sort.descending : false };
        renderHead();
        renderRows();
      });
      return th;
    }),
  );
}

function renderRows(): void {
  const rows = state.sort ? sortRows(state.sweep.rows, state.sort.column, state.sort.descending) : state.sweep.rows;
  ui.body.replaceChildren(...rows.map(rowElement));
}

function rowElement(r: WireSweepRow): HTMLTableRowElement {
  const tr = document.createElement('tr');
  tr.dataset.run = r.id;
  tr.dataset.status = r.status;
  const box = document.createElement('input');
  box.type = 'checkbox';
  box.checked = state.selected.has(r.id);
  box.setAttribute('aria-label', `plot ${r.id}`);
  box.addEventListener('change', () => {
    if (box.checked) state.selected.add(r.id);
    else state.selected.delete(r.id);
    void plot().catch(report);
  });
  const pick = document.createElement('td');
  pick.append(box);
  tr.append(pick);
  for (const c of state.columns) {
    const td = document.createElement('td');
    td.dataset.column = c.key;
    if (c.key === 'id') {
      const a = document.createElement('a');
      a.href = `/runs/${encodeURIComponent(r.id)}/`;
      a.textContent = r.id;
      td.append(a);
    } else td.textContent = cellText(c, r);
    tr.append(td);
  }
  return tr;
}

/** Fetches the selected runs' curves (once each) and draws them with the legend. */
async function plot(): Promise<void> {
  const ids = state.sweep.rows.map((r) => r.id).filter((id) => state.selected.has(id));
  await Promise.all(
    ids
      .filter((id) => !state.curves.has(id))
      .map(async (id) =>
        state.curves.set(
          id,
          await fetchRunMetrics(id).then(
            (m) => m.curves,
            () => [],
          ),
        ),
      ),
  );
  const live = ids.filter((id) => state.selected.has(id));
  const curves: PlotCurve[] = live.flatMap((id) =>
    (state.curves.get(id) ?? []).map((c) => ({ ...c, name: `${id} ${c.name}`, colour: colourOf(id), dashed: c.name === 'l2re' })),
  );
  drawChart(ui.chart, curves);
  ui.legend.replaceChildren(
    ...live.map((id) => {
      const li = document.createElement('li');
      li.dataset.run = id;
      const swatch = document.createElement('span');
      swatch.className = 'swatch';
      swatch.style.background = colourOf(id);
      const row = state.sweep.rows.find((r) => r.id === id)!;
      li.append(swatch, `${id} (${settingLabel(state.sweep.keys, row)})`);
      return li;
    }),
  );
  document.body.dataset.plotted = live.join(' ');
}

async function load(): Promise<void> {
  state.sweep = await fetchSweep();
  state.columns = sweepColumns(state.sweep.keys);
  ui.title.textContent = `sweep ${state.sweep.name}`;
  const counts = new Map<string, number>();
  for (const r of state.sweep.rows) counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
  ui.summary.textContent = `${state.sweep.rows.length} runs: ${[...counts].map(([s, n]) => `${n} ${s}`).join(', ')}`;
  renderHead();
  renderRows();
  await plot();
}

new ResizeObserver(() => void plot().catch(report)).observe(ui.chart);
void load()
  .catch(report)
  .finally(() => {
    document.body.dataset.ready = '1';
  });
