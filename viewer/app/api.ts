// Requests to viewer/server.ts.
import type { RunListing, WireRunMetrics, WireSeries, WireSweep } from '../wire.js';
import { type Dataset, decodeDataset } from './dataset.js';

/**
 * The run page's routes relative to where it is served: '' for a run directory at '/', '/runs/<id>' for a run
 * of a served sweep (its page is /runs/<id>/).
 */
export const runBase = (pathname: string): string => pathname.replace(/\/[^/]*$/, '');
const BASE = typeof location === 'undefined' ? '' : runBase(location.pathname);

async function get(url: string): Promise<Response> {
  const r = await fetch(url, { cache: 'no-store' });
  if (!r.ok) throw new Error(`${url}: ${r.status} ${(await r.text()).trim()}`);
  return r;
}

export const fetchListing = async (): Promise<RunListing> => (await get(`${BASE}/api/list`)).json() as Promise<RunListing>;

export async function fetchDataset(path: string): Promise<Dataset> {
  return decodeDataset(await (await get(`${BASE}/api/dataset?path=${encodeURIComponent(path)}`)).arrayBuffer());
}

export const fetchSeries = async (path: string): Promise<WireSeries> =>
  (await get(`${BASE}/api/series?path=${encodeURIComponent(path)}`)).json() as Promise<WireSeries>;

/** A run file as text, or undefined when it does not exist (yet). */
export async function fetchRunText(path: string): Promise<string | undefined> {
  const r = await fetch(`${BASE}/run/${path.split('/').map(encodeURIComponent).join('/')}`, { cache: 'no-store' });
  return r.ok ? r.text() : undefined;
}

export const fetchSweep = async (): Promise<WireSweep> => (await get('/api/sweep')).json() as Promise<WireSweep>;

export const fetchRunMetrics = async (run: string): Promise<WireRunMetrics> =>
  (await get(`/api/metrics?run=${encodeURIComponent(run)}`)).json() as Promise<WireRunMetrics>;
