import { formatFiles, readNxJson, updateNxJson, type Tree, type PluginConfiguration } from '@nx/devkit';
import type { MonocovPluginOptions } from '../../plugins/plugin';
import type { InitGeneratorOptions } from './schema';

export const PLUGIN_NAME = '@monocov/nx';
const RC_FILE = '.coveragerc.json';
const DATA_DIR = 'coverage';

/** `nx g @monocov/nx:init`: three small, idempotent steps; a second run finds nothing to do. */
export async function initGenerator(tree: Tree, rawOptions: InitGeneratorOptions): Promise<void> {
  const options = normalizeOptions(rawOptions);
  registerPlugin(tree, options);
  writeStarterConfig(tree);
  ignoreDataDir(tree);
  if (!options.skipFormat) await formatFiles(tree);
}

export default initGenerator;

function normalizeOptions(options: InitGeneratorOptions): Required<InitGeneratorOptions> {
  return {
    targetName: options.targetName ?? 'coverage',
    testTargetName: options.testTargetName ?? 'test',
    skipFormat: options.skipFormat ?? false,
  };
}

function registerPlugin(tree: Tree, options: Required<InitGeneratorOptions>): void {
  const nxJson = readNxJson(tree) ?? {};
  const plugins = nxJson.plugins ?? [];
  if (plugins.some((plugin) => pluginName(plugin) === PLUGIN_NAME)) return;
  const pluginOptions: MonocovPluginOptions = {};
  // Only the options that differ from the plugin's defaults, so nx.json stays minimal.
  if (options.targetName !== 'coverage') pluginOptions.targetName = options.targetName;
  if (options.testTargetName !== 'test') pluginOptions.testTargetName = options.testTargetName;
  const entry: PluginConfiguration = Object.keys(pluginOptions).length > 0 ? { plugin: PLUGIN_NAME, options: pluginOptions } : PLUGIN_NAME;
  updateNxJson(tree, { ...nxJson, plugins: [...plugins, entry] });
}

function pluginName(plugin: PluginConfiguration): string {
  return typeof plugin === 'string' ? plugin : plugin.plugin;
}

function writeStarterConfig(tree: Tree): void {
  if (tree.exists(RC_FILE)) return;
  const starter = {
    $schema: './node_modules/@monocov/core/coveragerc.schema.json',
    // No `include`: the default measures every JS/TS file of a project but tests, configs, build
    // output and node_modules (as nyc does), wherever its code lives (src/, lib/, the root).
    run: { all: true },
    report: { showMissing: true },
    reporters: ['text', 'lcov', 'json', 'json-summary', 'cobertura', 'html'],
  };
  tree.write(RC_FILE, JSON.stringify(starter, null, 2) + '\n');
}

function ignoreDataDir(tree: Tree): void {
  const current = tree.exists('.gitignore') ? tree.read('.gitignore', 'utf-8') ?? '' : '';
  const lines = current.split(/\r?\n/).map((line) => line.trim());
  if ([DATA_DIR, `/${DATA_DIR}`, `${DATA_DIR}/`, `/${DATA_DIR}/`].some((entry) => lines.includes(entry))) return;
  const separator = current === '' || current.endsWith('\n') ? '' : '\n';
  tree.write('.gitignore', `${current}${separator}\n# monocov coverage data and reports\n/${DATA_DIR}\n`);
}
