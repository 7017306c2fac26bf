import { formatFiles, readNxJson, updateNxJson, type Tree, type PluginConfiguration } from '@nx/devkit';
import { starterConfig, withIgnoredDataDir } from '@monocov/core';
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

/** The same starter rc file as `monocov init` writes outside Nx (core owns it). */
function writeStarterConfig(tree: Tree): void {
  if (tree.exists(RC_FILE)) return;
  tree.write(RC_FILE, JSON.stringify(starterConfig(), null, 2) + '\n');
}

function ignoreDataDir(tree: Tree): void {
  const current = tree.exists('.gitignore') ? tree.read('.gitignore', 'utf-8') ?? '' : '';
  const updated = withIgnoredDataDir(current, DATA_DIR);
  if (updated !== current) tree.write('.gitignore', updated);
}
