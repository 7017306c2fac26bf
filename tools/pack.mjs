#!/usr/bin/env node
// `npm run pack`: builds both packages from their sources, then writes their tarballs into
// dist-packages/ (the folder the e2e installs from). Prints one tarball path per line.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { bundleCli } from './bundle-cli.mjs';

export const REPO_ROOT = join(import.meta.dirname, '..');
export const PACKAGES = ['packages/core', 'packages/nx'];
export const PACK_DIR = join(REPO_ROOT, 'dist-packages');

/** Builds and packs both packages; returns the tarballs' absolute paths, core first. */
export function packAll(destination = PACK_DIR) {
  for (const pkg of PACKAGES) removeOrphanedOutput(join(REPO_ROOT, pkg));
  execFileSync(process.execPath, [join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-b', ...PACKAGES], { cwd: REPO_ROOT, stdio: 'inherit' });
  bundleCli();
  rmSync(destination, { recursive: true, force: true });
  mkdirSync(destination, { recursive: true });
  const workspaces = PACKAGES.flatMap((pkg) => ['--workspace', pkg]);
  const output = execFileSync('npm', ['pack', ...workspaces, '--pack-destination', destination, '--json', '--ignore-scripts'], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
  });
  return JSON.parse(output).map((entry) => join(destination, entry.filename));
}

/**
 * dist/ files whose source was deleted or renamed would otherwise ship in the tarball: tsc
 * never removes what it no longer emits. Removes compiled files with no matching src/*.ts.
 */
function removeOrphanedOutput(packageDir) {
  const dist = join(packageDir, 'dist');
  if (!existsSync(dist)) return;
  const walk = (dir) => {
    for (const entry of readdirSync(dir)) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) {
        walk(path);
        continue;
      }
      const stem = /^(.*?)(\.d\.ts\.map|\.d\.ts|\.js\.map|\.js)$/.exec(relative(dist, path))?.[1];
      if (stem !== undefined && !existsSync(join(packageDir, 'src', `${stem}.ts`))) rmSync(path);
    }
  };
  walk(dist);
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const tarball of packAll()) console.log(relative(process.cwd(), tarball));
}
