// The run directory's file listing served at /api/list (what the app polls for new output).
import { readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { ListedFile, RunListing } from './wire.js';
import { realInside } from './safePath.js';

/** Bounds the walk so a huge checkpoint tree cannot stall the server. */
const MAX_FILES = 5000;
const MAX_DEPTH = 4;

export function listRun(realRoot: string): RunListing {
  const files: ListedFile[] = [];
  const walk = (dir: string, prefix: string, depth: number): void => {
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch {
      return; // removed while listing (the runner replaces fields/ wholesale)
    }
    for (const name of names) {
      if (files.length >= MAX_FILES) return;
      const full = join(dir, name);
      if (!realInside(realRoot, full)) continue;
      let st;
      try {
        st = statSync(full);
      } catch {
        continue;
      }
      const rel = prefix ? `${prefix}/${name}` : name;
      if (st.isDirectory()) {
        if (depth < MAX_DEPTH) walk(full, rel, depth + 1);
      } else if (st.isFile()) {
        files.push({ path: rel, size: st.size, mtime: st.mtimeMs });
      }
    }
  };
  walk(realRoot, '', 0);
  return { name: basename(realRoot), files };
}
