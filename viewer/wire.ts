// What the server hands the browser app. Decoded VTK datasets travel in one binary body,
//   [u32 LE: header byte length H][H bytes of JSON header][zero pad to 8][8-aligned arrays]
// so the app views the numbers in place (no base64, no JSON of numbers) and never parses VTK
// XML itself: the meshes/ reader does that once, on the server.

/** A numeric array in the body: `length` elements of `type` at byte `offset` of the data section. */
export interface WireBlock {
  readonly type: 'f64' | 'i32';
  readonly offset: number;
  readonly length: number;
}

export interface WireArray {
  readonly name: string;
  readonly components: number;
  readonly values: WireBlock;
}

export interface WireCells {
  readonly connectivity: WireBlock;
  readonly offsets: WireBlock;
}

/** The JSON header of a dataset body. */
export type WireHeader =
  | {
      readonly kind: 'ImageData';
      readonly dims: [number, number, number];
      readonly origin: [number, number, number];
      readonly spacing: [number, number, number];
      readonly pointData: WireArray[];
      readonly cellData: WireArray[];
    }
  | {
      readonly kind: 'UnstructuredGrid';
      readonly points: WireBlock;
      readonly cells: WireCells;
      readonly types: WireBlock;
      readonly pointData: WireArray[];
      readonly cellData: WireArray[];
    }
  | {
      readonly kind: 'PolyData';
      readonly points: WireBlock;
      readonly verts?: WireCells;
      readonly lines?: WireCells;
      readonly polys?: WireCells;
      readonly pointData: WireArray[];
      readonly cellData: WireArray[];
    };

/** Splits a dataset body into its header and the data section (8-byte aligned). */
export function splitBody(body: ArrayBuffer): { header: WireHeader; data: { buffer: ArrayBuffer; start: number } } {
  if (body.byteLength < 4) throw new Error(`dataset body: expected at least 4 bytes, got ${body.byteLength}`);
  const h = new DataView(body).getUint32(0, true);
  if (4 + h > body.byteLength) throw new Error(`dataset body: header length ${h} exceeds the body (${body.byteLength} bytes)`);
  const header = JSON.parse(new TextDecoder().decode(new Uint8Array(body, 4, h))) as WireHeader;
  return { header, data: { buffer: body, start: Math.ceil((4 + h) / 8) * 8 } };
}

/** One file of the run directory as listed by /api/list. */
export interface ListedFile {
  /** Path relative to the run directory, '/'-separated. */
  readonly path: string;
  readonly size: number;
  /** Modification time in ms since the epoch (changes tell the app to reload). */
  readonly mtime: number;
}

export interface RunListing {
  /** Base name of the run directory. */
  readonly name: string;
  readonly files: ListedFile[];
}

/** A .pvd time series with frame paths made relative to the run directory. */
export interface WireSeries {
  readonly path: string;
  readonly frames: { readonly time: number; readonly file: string }[];
}

/** One (step, value) curve of a run's metrics.jsonl. */
export interface WireCurve {
  readonly name: string;
  readonly steps: number[];
  readonly values: number[];
}

/** One row of a sweep's results.csv (runner/sweepResults.ts); numbers absent for pending or failed runs. */
export interface WireSweepRow {
  readonly id: string;
  /** The setting's hash, shared by its seeds. */
  readonly setting: string;
  readonly seed: number;
  /** The swept keys' values as written in results.csv (numbers, strings or JSON). */
  readonly params: Readonly<Record<string, string>>;
  readonly status: string;
  readonly steps?: number;
  readonly loss?: number;
  readonly l2re?: number;
  readonly wallTime?: number;
}

/** /api/sweep: the sweep directory's results. */
export interface WireSweep {
  /** Base name of the sweep directory. */
  readonly name: string;
  /** The swept keys, in results.csv column order. */
  readonly keys: string[];
  readonly rows: WireSweepRow[];
}

/** /api/metrics?run=<id>: the loss and test-error (l2re) curves of one run of a sweep. */
export interface WireRunMetrics {
  readonly run: string;
  readonly curves: WireCurve[];
}
