// Viewer entry for the CLI (`fluxion view <run dir>`): the browser app is bundled separately.
export { serveRun, defaultAppDir, type ServeOptions, type ViewerServer } from './server.js';
export type { RunListing, ListedFile, WireCurve, WireHeader, WireRunMetrics, WireSeries, WireSweep, WireSweepRow } from './wire.js';
