import { logger, type Tree } from 'nx/src/devkit-exports';
import { isUsingPrettierInTree } from 'nx/src/devkit-internals';
import { join } from 'node:path';

/** The part of Prettier's API (2.x and 3.x) used here; the workspace's own copy is loaded, so its version is not ours to pin. */
interface Prettier {
  resolveConfig(file: string, options: { editorconfig: boolean }): Promise<object | null>;
  getFileInfo(file: string, options: { ignorePath: string }): Promise<{ ignored: boolean; inferredParser: string | null }>;
  format(text: string, options: object): string | Promise<string>;
}

/** The tree's pending writes, path to content, so that formatWrittenFiles can tell afterwards which files a generator wrote. */
export function pendingWrites(tree: Tree): Map<string, Buffer> {
  return new Map(tree.listChanges().flatMap((change) => (change.type === 'DELETE' || change.content === null ? [] : [[change.path, change.content] as const])));
}

/**
 * Formats the files written since `before` the way the workspace formats them: its own Prettier,
 * found from the workspace root, with its config and .editorconfig. The JSON Nx's helpers write
 * (2-space, every array expanded) would otherwise fail a `prettier --check` right after the
 * generator ran. Only when the workspace configures Prettier (Nx's own test) and NX_SKIP_FORMAT
 * is not "true", as @nx/devkit's formatFiles, which this plugin cannot depend on.
 */
export async function formatWrittenFiles(tree: Tree, before: ReadonlyMap<string, Buffer>): Promise<void> {
  if (process.env.NX_SKIP_FORMAT === 'true' || !isUsingPrettierInTree(tree)) return;
  const prettier = workspacePrettier(tree.root);
  if (prettier === undefined) return;
  for (const [path, content] of pendingWrites(tree)) {
    if (before.get(path)?.equals(content)) continue;
    const file = join(tree.root, path);
    try {
      const info = await prettier.getFileInfo(file, { ignorePath: join(tree.root, '.prettierignore') });
      if (info.ignored || info.inferredParser === null) continue;
      const config = await prettier.resolveConfig(file, { editorconfig: true });
      tree.write(path, await prettier.format(content.toString('utf8'), { ...config, filepath: file }));
    } catch (error) {
      // The file is written as it is; only its layout differs from the workspace's.
      logger.warn(`monocov: ${path} is not formatted with the workspace's Prettier: ${(error as Error).message}`);
    }
  }
}

function workspacePrettier(workspaceRoot: string): Prettier | undefined {
  try {
    return require(require.resolve('prettier', { paths: [workspaceRoot] }));
  } catch {
    return undefined;
  }
}
