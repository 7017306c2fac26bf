// Synthetic workspaces of many projects whose data is real: a small template workspace
// (tools/bench/generate.mjs) measured once with `nx run-many -t coverage`, then copied project by
// project (sources and data, renamed) up to the size wanted. Used by merge-scale.mjs (docs/scale.md)
// and the report bench (the HTML report of 1,000 projects).
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { generateWorkspace, parseSize } from './generate.mjs';
import { BIN, cleanEnv } from './suites.mjs';

/** Every folder under the workspace's coverage/projects that holds a project's data (its meta.json), sorted. */
export function projectDataDirs(workspace) {
  const found = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) walk(join(dir, entry.name));
      else if (entry.name === 'meta.json') found.push(dir);
    }
  };
  walk(join(workspace, 'coverage', 'projects'));
  return found.sort();
}

/**
 * The template `<projects>x<files>` under `scratch`, its projects' tests run under coverage by
 * Nx (once: a template that already has data is reused). Returns its folder.
 */
export function templateWorkspace({ scratch, size, log = () => {} }) {
  const { projects, files } = parseSize(size);
  const root = join(scratch, `template-${size}`);
  if (!existsSync(join(root, 'coverage', 'projects'))) {
    generateWorkspace({ root, projects, files });
    log(`running the coverage of ${projects} generated projects in ${root} ...`);
    execFileSync(process.execPath, [BIN.nx, 'run-many', '-t', 'coverage', '--parallel=2'], { cwd: root, env: cleanEnv(), stdio: 'ignore' });
  }
  return root;
}

/**
 * A workspace of `count` projects at `root`, `packages/s<n>`, each a copy of one of the
 * template's projects (round robin): its package.json, its sources, and its coverage-final.json
 * and meta.json with every path renamed, so a merge finds the sources its data names and
 * expects every package (each project's data state is checked, as in a real workspace).
 */
export function buildScaled({ template, count, root }) {
  rmSync(root, { recursive: true, force: true });
  mkdirSync(root, { recursive: true });
  cpSync(join(template, '.coveragerc.json'), join(root, '.coveragerc.json'));
  // `workspaces` marks the monorepo root: monocov must not look further up for one.
  writeFileSync(join(root, 'package.json'), `${JSON.stringify({ name: 'scaled-workspace', private: true, workspaces: ['packages/*'] }, null, 2)}\n`);
  const sources = projectDataDirs(template).map((dir) => relative(join(template, 'coverage', 'projects'), dir));
  const width = String(count - 1).length + 1;
  for (let index = 0; index < count; index++) {
    const from = sources[index % sources.length];
    const to = `packages/s${String(index).padStart(width, '0')}`;
    cpSync(join(template, from, 'src'), join(root, to, 'src'), { recursive: true });
    const manifest = JSON.parse(readFileSync(join(template, from, 'package.json'), 'utf8'));
    writeFileSync(join(root, to, 'package.json'), `${JSON.stringify({ ...manifest, name: to.slice('packages/'.length) }, null, 2)}\n`);
    const rename = (text) => text.replaceAll(`"${from}/`, `"${to}/`).replaceAll(`"projectRoot": "${from}"`, `"projectRoot": "${to}"`);
    const dataDir = join(root, 'coverage', 'projects', to);
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(join(dataDir, 'coverage-final.json'), rename(readFileSync(join(template, 'coverage', 'projects', from, 'coverage-final.json'), 'utf8')));
    const meta = JSON.parse(rename(readFileSync(join(template, 'coverage', 'projects', from, 'meta.json'), 'utf8')));
    meta.project = to.slice('packages/'.length);
    writeFileSync(join(dataDir, 'meta.json'), `${JSON.stringify(meta, null, 2)}\n`);
  }
  return root;
}
