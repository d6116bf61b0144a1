// Errors that point at the user's code, not at the inside of the library.
import { fileURLToPath } from 'node:url';
import { realpathSync } from 'node:fs';
import path from 'node:path';

const LIBRARY_FOLDERS = ['core', 'nn', 'optim', 'meshes', 'pinn', 'operators', 'solvers', 'sim', 'runner', 'viewer'];

const realpath = (p: string): string => {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
};

/**
 * The library's own folders as stack frames may name them, given the folder of this module (core/ in the source
 * tree, dist/core/ when built): the source tree and dist/ (frames of dist/ are source-mapped back to the .ts files
 * under --enable-source-maps), each also by its real path (a symlinked install).
 */
export function libraryFolders(moduleDir: string): string[] {
  const root = path.resolve(moduleDir, '..');
  const pkg = path.basename(root) === 'dist' ? path.dirname(root) : root;
  const roots = [...new Set([root, pkg, path.join(pkg, 'dist')].flatMap((r) => [r, realpath(r)]))];
  return roots.flatMap((r) => [...LIBRARY_FOLDERS.map((d) => path.join(r, d) + path.sep), path.join(r, 'index.')]);
}

const internal = libraryFolders(path.dirname(fileURLToPath(import.meta.url)));

/** "file:line:col" of the first stack frame outside the library, or '' when none is found. */
export function userCallSite(stack = new Error().stack ?? '', folders: readonly string[] = internal): string {
  for (const line of stack.split('\n').slice(1)) {
    const m = /\(?((?:file:\/\/)?[^()\s]+):(\d+):(\d+)\)?$/.exec(line.trim());
    if (!m) continue;
    let file = m[1];
    if (file.startsWith('file://')) file = fileURLToPath(file);
    if (file.startsWith('node:') || !path.isAbsolute(file)) continue;
    if (file.includes(`${path.sep}node_modules${path.sep}`)) continue;
    if ([file, realpath(file)].some((f) => folders.some((d) => f.startsWith(d)))) continue;
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

/** Raised when a function is not row-wise in the way collapsed Taylor mode needs; callers fall back to tiled jets. */
export class NotCollapsible extends Error {}
