// Errors that point at the user's code, not at the inside of the library.
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const libraryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const internalDirs = ['core', 'nn'].map((d) => path.join(libraryRoot, d) + path.sep);

/** "file:line:col" of the first stack frame outside the autodiff core, or '' when none is found. */
export function userCallSite(): string {
  const stack = new Error().stack ?? '';
  for (const line of stack.split('\n').slice(1)) {
    const m = /\(?((?:file:\/\/)?[^()\s]+):(\d+):(\d+)\)?$/.exec(line.trim());
    if (!m) continue;
    let file = m[1];
    if (file.startsWith('file://')) file = fileURLToPath(file);
    if (file.startsWith('node:') || !path.isAbsolute(file)) continue;
    if (internalDirs.some((d) => file.startsWith(d)) || file.includes(`${path.sep}node_modules${path.sep}`)) continue;
    return `${path.relative(process.cwd(), file)}:${m[2]}:${m[3]}`;
  }
  return '';
}

/** A shape/type error in a primitive, naming the op, the shapes and the user's call site. */
export class ShapeError extends Error {
  constructor(op: string, detail: string) {
    const site = userCallSite();
    super(`${op}: ${detail}${site ? ` (called at ${site})` : ''}`);
    this.name = 'ShapeError';
  }
}
