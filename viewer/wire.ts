// The JSON shape in which the server hands decoded VTK datasets to the browser app.
// Numeric arrays travel as base64 of little-endian Float64 (values) or Int32 (indices), so the
// app never parses VTK XML itself (the meshes/ reader does it once, on the server).

export interface WireArray {
  readonly name: string;
  readonly components: number;
  /** base64 of a Float64Array. */
  readonly values: string;
}

export interface WireCells {
  /** base64 of Int32Arrays. */
  readonly connectivity: string;
  readonly offsets: string;
}

export type WireDataset =
  | { readonly kind: 'ImageData'; readonly dims: [number, number, number]; readonly origin: [number, number, number]; readonly spacing: [number, number, number]; readonly pointData: WireArray[]; readonly cellData: WireArray[] }
  | { readonly kind: 'UnstructuredGrid'; readonly points: string; readonly cells: WireCells; readonly types: string; readonly pointData: WireArray[]; readonly cellData: WireArray[] }
  | { readonly kind: 'PolyData'; readonly points: string; readonly verts?: WireCells; readonly lines?: WireCells; readonly polys?: WireCells; readonly pointData: WireArray[]; readonly cellData: WireArray[] };

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
