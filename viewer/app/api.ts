// Requests to viewer/server.ts.
import type { RunListing, WireSeries } from '../wire.js';
import { type Dataset, decodeDataset } from './dataset.js';

async function get(url: string): Promise<Response> {
  const r = await fetch(url, { cache: 'no-store' });
  if (!r.ok) throw new Error(`${url}: ${r.status} ${(await r.text()).trim()}`);
  return r;
}

export const fetchListing = async (): Promise<RunListing> => (await get('/api/list')).json() as Promise<RunListing>;

export async function fetchDataset(path: string): Promise<Dataset> {
  return decodeDataset(await (await get(`/api/dataset?path=${encodeURIComponent(path)}`)).arrayBuffer());
}

export const fetchSeries = async (path: string): Promise<WireSeries> =>
  (await get(`/api/series?path=${encodeURIComponent(path)}`)).json() as Promise<WireSeries>;

/** A run file as text, or undefined when it does not exist (yet). */
export async function fetchRunText(path: string): Promise<string | undefined> {
  const r = await fetch(`/run/${path.split('/').map(encodeURIComponent).join('/')}`, { cache: 'no-store' });
  return r.ok ? r.text() : undefined;
}
