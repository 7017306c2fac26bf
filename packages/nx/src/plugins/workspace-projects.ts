import { readJsonFile } from 'nx/src/devkit-exports';
import { buildPackageJsonPatterns, buildPackageJsonWorkspacesMatcher } from 'nx/src/plugins/package-json';
import { basename, dirname, join } from 'node:path';

/**
 * Which of the project files Nx turns into projects, the way Nx's own package.json plugin decides
 * (its functions, exported under `nx/src/plugins/package-json` in Nx 22 to 24): package.json files
 * of the workspaces that package.json (both forms), pnpm-workspace.yaml (with negations), lerna.json
 * or bun declare, every project.json, and a package.json next to a project.json. Where both files
 * exist, the folder is one project.
 */
export function projectFilesAsNxSeesThem(configFiles: readonly string[], workspaceRoot: string): string[] {
  const isMember = packageJsonWorkspacesMatcher(workspaceRoot);
  const projectJsonRoots = new Set(configFiles.filter((file) => basename(file) === 'project.json').map(dirname));
  return configFiles.filter((file) => {
    if (basename(file) === 'project.json') return true;
    if (projectJsonRoots.has(dirname(file))) return false; // the project.json of the folder stands for it
    return isMember(file);
  });
}

function packageJsonWorkspacesMatcher(workspaceRoot: string): (packageJsonPath: string) => boolean {
  // Nx's own escape hatch: every package.json is a project.
  if (process.env.NX_INFER_ALL_PACKAGE_JSONS === 'true') return () => true;
  const patterns = buildPackageJsonPatterns(workspaceRoot, (path: string) => readJsonFile(join(workspaceRoot, path)));
  return buildPackageJsonWorkspacesMatcher(patterns);
}
