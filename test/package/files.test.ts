// What ships with the package: no source or test may name a directory of one machine, and the
// reference data the library reads lives in the repository (data/) with its provenance.
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { findPackageRoot, PACKAGE_DATA_DIR } from '../../pinn/packageData.js';
import { DATA_DIR } from '../../pinn/problems.js';

const root = findPackageRoot(import.meta.url);
const TEXT = /\.(ts|js|mjs|cjs|py|json|ya?ml|md|sh)$|^\.ci\/run$/;
const SKIP = /^(node_modules|dist|build|runs|scratch|viewer\/dist|core\/wasm\/build)(\/|$)|\.git(\/|$)/;
// home and work folders of a machine (Linux, macOS, Windows), escaped so that this file passes too
const MACHINE_PATH = /\/work\/|\/home\/[a-z]|\/Users\/[A-Za-z]|\/root\/|\/mnt\/[a-z]|[A-Z]:\\(Users|work)\\/;

/** The tracked files (git ls-files), or every file outside build output where this is no git checkout. */
function trackedFiles(): string[] {
  try {
    return execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8' }).split('\0').filter(Boolean);
  } catch {
    const out: string[] = [];
    const walk = (dir: string): void => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        const rel = relative(root, path);
        if (SKIP.test(rel)) continue;
        if (statSync(path).isDirectory()) walk(path);
        else out.push(rel);
      }
    };
    walk(root);
    return out;
  }
}

describe('package: shipped files', () => {
  it('no tracked source, test, config or document names an absolute machine path', () => {
    const files = trackedFiles().filter((f) => TEXT.test(f) && !f.startsWith('bench/results'));
    expect(files.length).to.be.above(100);
    const hits: string[] = [];
    for (const f of files) {
      readFileSync(join(root, f), 'utf8')
        .split('\n')
        .forEach((line, i) => {
          if (MACHINE_PATH.test(line)) hits.push(`${f}:${i + 1}: ${line.trim()}`);
        });
    }
    expect(hits, hits.join('\n')).to.deep.equal([]);
  });

  it('the path pattern catches the paths it is meant to catch', () => {
    for (const p of ['/wo' + 'rk/shared/data', '/ho' + 'me/alice/x', '/Us' + 'ers/bob/x', 'C:\\Us' + 'ers\\x'])
      expect(MACHINE_PATH.test(p), p).to.equal(true);
    for (const p of ['/usr/bin/chromium', '../data/burgers1d.dat', 'https://github.com/i207M/PINNacle'])
      expect(MACHINE_PATH.test(p), p).to.equal(false);
  });

  it('the data folder resolves next to package.json and every file in it has a source and license in its README', () => {
    expect(DATA_DIR).to.equal(join(root, 'data'));
    expect(PACKAGE_DATA_DIR).to.equal(DATA_DIR);
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { files: string[] };
    expect(pkg.files).to.include('data');
    const readme = readFileSync(join(DATA_DIR, 'README.md'), 'utf8');
    // files of subfolders (data/pinnacle/...) are listed by their path below data/
    const files = readdirSync(DATA_DIR, { recursive: true, encoding: 'utf8' })
      .filter((f) => f !== 'README.md' && statSync(join(DATA_DIR, f)).isFile())
      .map((f) => f.split('\\').join('/'));
    expect(files).to.include.members(['burgers1d.dat', 'poisson1_cg_data.dat']);
    for (const f of files) {
      const row = readme.split('\n').find((l) => l.startsWith(`| ${f} |`));
      expect(row, f).to.be.a('string');
      // third-party files name their source and license; our own name the script that computes them
      if (/computed by Fluxion/.test(row ?? '')) expect(row, f).to.match(/examples\/data\/[\w-]+\.ts/);
      else {
        expect(row, f).to.match(/MIT license|LGPL-2\.1 license/);
        expect(row, f).to.match(/github\.com\//);
      }
    }
  });

  it('findPackageRoot walks up from a module one or two levels deep (sources, dist/) to the nearest package.json', () => {
    const tmp = mkdtempSync(join(tmpdir(), 'fluxion-pkgroot-'));
    try {
      writeFileSync(join(tmp, 'package.json'), '{}');
      mkdirSync(join(tmp, 'dist', 'pinn'), { recursive: true });
      writeFileSync(join(tmp, 'dist', 'pinn', 'problems.js'), '');
      mkdirSync(join(tmp, 'pinn'));
      writeFileSync(join(tmp, 'pinn', 'problems.ts'), '');
      expect(findPackageRoot(pathToFileURL(join(tmp, 'dist', 'pinn', 'problems.js')))).to.equal(tmp);
      expect(findPackageRoot(pathToFileURL(join(tmp, 'pinn', 'problems.ts')).href)).to.equal(tmp);
      expect(findPackageRoot(join(tmp, 'dist', 'pinn'))).to.equal(tmp);
      expect(findPackageRoot(tmp)).to.equal(tmp);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
