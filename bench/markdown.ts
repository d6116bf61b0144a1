// Markdown that bench scripts write into bench/results-*.md, formatted as Biome formats markdown so that
// `npm run lint` passes on freshly written results.

/** A markdown table with columns padded to their widest cell. */
export function mdTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, j) => Math.max(3, h.length, ...rows.map((r) => (r[j] ?? '').length)));
  const line = (cells: readonly string[]): string => `| ${widths.map((w, j) => (cells[j] ?? '').padEnd(w)).join(' | ')} |`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
