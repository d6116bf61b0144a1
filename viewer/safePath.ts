// Maps a URL path inside a run directory to a file on disk, refusing anything that could leave
// the directory: '..' segments (also percent-encoded), absolute paths, NUL bytes, backslashes,
// and symlinks whose target lies outside.
import { realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';

export type Resolved = { ok: true; path: string } | { ok: false; status: 400 | 403 | 404; reason: string };

function isInside(root: string, p: string): boolean {
  const rel = relative(root, p);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel) && !rel.startsWith(sep));
}

/**
 * `encoded` is the still percent-encoded path after the route prefix (e.g. 'fields/u.vti').
 * `realRoot` must already be the realpath of the run directory.
 */
export function resolveInside(realRoot: string, encoded: string): Resolved {
  let rel: string;
  try {
    rel = decodeURIComponent(encoded);
  } catch {
    return { ok: false, status: 400, reason: 'malformed percent-encoding' };
  }
  if (rel.includes('\0') || rel.includes('\\')) return { ok: false, status: 400, reason: 'NUL or backslash in path' };
  if (rel.startsWith('/') || isAbsolute(rel) || /^[a-zA-Z]:/.test(rel)) return { ok: false, status: 403, reason: 'absolute path' };
  if (rel.split('/').some((s) => s === '..')) return { ok: false, status: 403, reason: "'..' segment" };
  const lexical = resolve(realRoot, rel);
  if (!isInside(realRoot, lexical)) return { ok: false, status: 403, reason: 'outside the run directory' };
  let real: string;
  try {
    real = realpathSync(lexical);
  } catch {
    return { ok: false, status: 404, reason: 'no such file' };
  }
  if (!isInside(realRoot, real)) return { ok: false, status: 403, reason: 'symlink leads outside the run directory' };
  return { ok: true, path: real };
}

/** True when `p` (an existing path) really lies inside `realRoot` after following symlinks. */
export function realInside(realRoot: string, p: string): boolean {
  try {
    return isInside(realRoot, realpathSync(p));
  } catch {
    return false;
  }
}
