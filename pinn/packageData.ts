// Where the package's own files are at run time: the reference data in data/ ships with the package
// (package.json `files`), so built-in problems and tests find it next to package.json, whether this module
// runs from the sources (pinn/) or compiled (dist/pinn/, one level deeper) or installed under node_modules.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The nearest folder at or above `start` (a file: URL or a path) that holds a package.json. */
export function findPackageRoot(start: string | URL): string {
  const from = typeof start === 'string' && !start.startsWith('file:') ? start : fileURLToPath(start);
  let dir = existsSync(join(from, 'package.json')) ? from : dirname(from);
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`no package.json at or above ${from}`);
    dir = up;
  }
}

/** The package's data/ folder (third-party reference solutions; sources and licenses in data/README.md). */
export const PACKAGE_DATA_DIR = join(findPackageRoot(import.meta.url), 'data');
