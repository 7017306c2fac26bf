import { execSync } from 'node:child_process';
import {
  getPackageManagerCommand,
  glob,
  logger,
  readJson,
  readNxJson,
  updateNxJson,
  writeJson,
  type GeneratorCallback,
  type PluginConfiguration,
  type Tree,
} from 'nx/src/devkit-exports';
import { analyzeWorkspace, normalizeOptions as normalizePluginOptions, PROJECT_FILES, type MonocovPluginOptions, type WorkspaceAnalysis } from '../../plugins/plugin';
import { starterConfig, withIgnoredDataDir } from '@monocov/core';
import type { InitGeneratorOptions } from './schema';
import { formatWrittenFiles, pendingWrites } from '../format';

export const PLUGIN_NAME = '@monocov/nx';
const CORE_PACKAGE = '@monocov/core';
const RC_FILE = '.coveragerc.json';
const DATA_DIR = 'coverage';

/**
 * `nx g @monocov/nx:init`, also run by `nx add @monocov/nx`: small idempotent steps (a second
 * run changes nothing; the files it writes are laid out by the workspace's Prettier, if it uses
 * one), then a report of what the plugin finds. The returned callback installs
 * @monocov/core when it had to be added to package.json.
 */
export async function initGenerator(tree: Tree, rawOptions: InitGeneratorOptions): Promise<GeneratorCallback> {
  const options = normalizeOptions(rawOptions);
  const before = pendingWrites(tree);
  registerPlugin(tree, options);
  writeStarterConfig(tree);
  ignoreDataDir(tree);
  const addedCore = addCorePackage(tree);
  await formatWrittenFiles(tree, before);
  await reportFindings(tree);
  return () => {
    if (addedCore) execSync(getPackageManagerCommand().install, { cwd: tree.root, stdio: 'inherit' });
  };
}

export default initGenerator;

function normalizeOptions(options: InitGeneratorOptions): Required<Omit<InitGeneratorOptions, 'testTargetName'>> & Pick<InitGeneratorOptions, 'testTargetName'> {
  return { targetName: options.targetName ?? 'coverage', testTargetName: options.testTargetName };
}

function registerPlugin(tree: Tree, options: ReturnType<typeof normalizeOptions>): void {
  const nxJson = readNxJson(tree) ?? {};
  const plugins = nxJson.plugins ?? [];
  if (plugins.some((plugin) => pluginName(plugin) === PLUGIN_NAME)) return;
  const pluginOptions: MonocovPluginOptions = {};
  // Only the options that differ from the plugin's defaults, so nx.json stays minimal.
  if (options.targetName !== 'coverage') pluginOptions.targetName = options.targetName;
  if (options.testTargetName !== undefined) pluginOptions.testTargetName = options.testTargetName;
  const entry: PluginConfiguration = Object.keys(pluginOptions).length > 0 ? { plugin: PLUGIN_NAME, options: pluginOptions } : PLUGIN_NAME;
  updateNxJson(tree, { ...nxJson, plugins: [...plugins, entry] });
}

function pluginName(plugin: PluginConfiguration): string {
  return typeof plugin === 'string' ? plugin : plugin.plugin;
}

/** The same starter rc file as `monocov init` writes outside Nx (core owns it). */
function writeStarterConfig(tree: Tree): void {
  if (tree.exists(RC_FILE)) return;
  tree.write(RC_FILE, JSON.stringify(starterConfig(), null, 2) + '\n');
}

function ignoreDataDir(tree: Tree): void {
  const current = tree.exists('.gitignore') ? (tree.read('.gitignore', 'utf-8') ?? '') : '';
  const updated = withIgnoredDataDir(current, DATA_DIR);
  if (updated !== current) tree.write('.gitignore', updated);
}

/**
 * `nx add @monocov/nx` installs only this package; @monocov/core comes with it as a dependency,
 * but pnpm and yarn's strict layouts keep it out of the root node_modules, where the rc file's
 * `$schema` and the `monocov` command are looked up. So the root package.json names it too, at
 * the version this plugin was built with.
 */
function addCorePackage(tree: Tree): boolean {
  if (!tree.exists('package.json')) return false;
  const manifest = readJson(tree, 'package.json');
  if (manifest.dependencies?.[CORE_PACKAGE] || manifest.devDependencies?.[CORE_PACKAGE]) return false;
  const version: string = require(`${CORE_PACKAGE}/package.json`).version;
  writeJson(tree, 'package.json', { ...manifest, devDependencies: sortKeys({ ...manifest.devDependencies, [CORE_PACKAGE]: version }) });
  return true;
}

function sortKeys(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}

/** What the plugin will do in this workspace: each project's coverage target and the test targets it runs, or why it gets none and what to set. */
async function reportFindings(tree: Tree): Promise<void> {
  const nxJson = readNxJson(tree) ?? {};
  const entry = (nxJson.plugins ?? []).find((plugin) => pluginName(plugin) === PLUGIN_NAME);
  const pluginOptions = normalizePluginOptions(typeof entry === 'object' ? (entry.options as MonocovPluginOptions | undefined) : undefined);
  const analysis = await analyzeWorkspace(glob(tree, [PROJECT_FILES]), pluginOptions, { workspaceRoot: tree.root, nxJsonConfiguration: nxJson });
  for (const line of findingLines(analysis, pluginOptions.targetName)) logger.info(line);
}

/** The report's lines; exported for tests. */
export function findingLines(analysis: WorkspaceAnalysis, targetName: string): string[] {
  const measured = analysis.projects.filter((project) => project.testTargets.length > 0);
  const others = analysis.projects.filter((project) => project.testTargets.length === 0 && project.root !== '.');
  const lines: string[] = [];
  if (measured.length > 0) {
    lines.push(`monocov: ${count(measured.length, 'project')} get a "${targetName}" target:`);
    for (const project of measured) {
      lines.push(`  ${project.root}: runs ${project.testTargets.map((entry) => `"${entry.name}" (${entry.source})`).join(' and ')}`);
      for (const entry of project.skipped) lines.push(`    "${entry.name}" is not measured: ${entry.reason}`);
    }
  }
  if (others.length > 0) {
    lines.push(`monocov: ${count(others.length, 'project')} get no "${targetName}" target:`);
    for (const project of others) lines.push(`  ${project.root}: ${whyNot(project)}`);
    lines.push(
      `  A project that does have tests under another target name: set "testTargetName" (one name or a list) in the options of the ${PLUGIN_NAME} entry of nx.json "plugins".`,
    );
  }
  if (measured.length === 0) {
    lines.push('monocov: no project has a test target yet; the coverage targets appear as tests are added.');
  } else {
    lines.push(`monocov: \`nx run-many -t ${targetName}\` measures them and writes the merged reports to ${analysis.facts.dataDir}/workspace.`);
  }
  return lines;
}

function whyNot(project: WorkspaceAnalysis['projects'][number]): string {
  const reasons = [...project.skipped.map((entry) => `"${entry.name}" is not measured: ${entry.reason}`), ...project.declined];
  return reasons.length > 0 ? reasons.join('; ') : 'no test target ("test", "test:*", or one that @nx/jest, @nx/vite or @nx/vitest infers)';
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
