import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import picomatch from 'picomatch';
import { ConfigError } from './errors';
import { isObject } from './is-object';

/**
 * The packages of a workspace as its package manager declares them, outside Nx: npm, yarn and
 * bun read package.json `workspaces` (an array, or `{ packages: [...] }`), pnpm reads
 * pnpm-workspace.yaml `packages` (where `!glob` excludes), Lerna reads lerna.json `packages`.
 * Matched the way Nx's own package.json plugin matches them (`getGlobPatternsFromPackageManagerWorkspaces`,
 * a test keeps the two in step), so `monocov merge` and `monocov init` find the projects
 * the Nx plugin finds. The one reader of workspace members in @monocov/core.
 */
export interface WorkspaceMembers {
  /** The files the globs came from ('package.json', 'pnpm-workspace.yaml', 'lerna.json'); empty: not a workspace. */
  sources: string[];
  /** The globs as declared, `!` marking exclusions. */
  patterns: string[];
  /** Workspace-relative POSIX folders holding a member's package.json, sorted; never the root. */
  folders: string[];
}

export function readWorkspaceMembers(workspaceRoot: string): WorkspaceMembers {
  const declared = declaredPatterns(workspaceRoot);
  const patterns = declared.flatMap((entry) => entry.patterns);
  if (patterns.length === 0) return { sources: declared.map((entry) => entry.source), patterns, folders: [] };
  const isMember = memberMatcher(patterns);
  const folders = packageFolders(workspaceRoot).filter((folder) => isMember(`${folder}/package.json`));
  return { sources: declared.map((entry) => entry.source), patterns, folders };
}

interface DeclaredPatterns {
  source: string;
  patterns: string[];
}

function declaredPatterns(workspaceRoot: string): DeclaredPatterns[] {
  const declared: DeclaredPatterns[] = [];
  const manifest = readJsonIfPresent(workspaceRoot, 'package.json');
  if (manifest?.workspaces !== undefined) {
    const workspaces = manifest.workspaces as unknown;
    const globs = isObject(workspaces) ? workspaces.packages : workspaces;
    declared.push({ source: 'package.json', patterns: stringList(globs, 'package.json', 'workspaces', 'an array of globs, or { "packages": [globs] }') });
  }
  const pnpmFile = join(workspaceRoot, 'pnpm-workspace.yaml');
  if (existsSync(pnpmFile)) {
    let parsed: unknown;
    try {
      // Loaded here only: the yaml parser is needed by no other command.
      parsed = (require('yaml') as typeof import('yaml')).parse(readFileSync(pnpmFile, 'utf8'));
    } catch (error) {
      throw new ConfigError(`pnpm-workspace.yaml: not valid YAML (${(error as Error).message.split('\n')[0]}); fix the file as pnpm install would`);
    }
    const packages = (parsed as { packages?: unknown } | null)?.packages;
    declared.push({ source: 'pnpm-workspace.yaml', patterns: packages === undefined ? [] : stringList(packages, 'pnpm-workspace.yaml', 'packages', 'a list of globs') });
  }
  const lerna = readJsonIfPresent(workspaceRoot, 'lerna.json');
  if (lerna !== undefined) {
    // Lerna's default when lerna.json names no packages, as Nx applies it too.
    const packages = lerna.packages === undefined || (Array.isArray(lerna.packages) && lerna.packages.length === 0) ? ['packages/*'] : lerna.packages;
    declared.push({ source: 'lerna.json', patterns: stringList(packages, 'lerna.json', 'packages', 'a list of globs') });
  }
  return declared;
}

/**
 * True for a member's workspace-relative `<folder>/package.json`: some glob includes it and no
 * `!` glob excludes it. Globs name folders (`packages/*`) or package.json files; `./` is dropped.
 */
function memberMatcher(patterns: string[]): (packageJson: string) => boolean {
  const toFileGlob = (glob: string) => {
    const bare = glob.replace(/^\.\//, '').replace(/\/$/, '');
    return bare.endsWith('/package.json') || bare === 'package.json' ? bare : `${bare}/package.json`;
  };
  const positive = patterns.filter((glob) => !glob.startsWith('!')).map(toFileGlob);
  const negative = patterns.filter((glob) => glob.startsWith('!')).map((glob) => toFileGlob(glob.slice(1)));
  // Only exclusions: every package.json but those, as pnpm and Nx read it.
  if (positive.length === 0) positive.push('**/package.json');
  const included = picomatch(positive);
  const excluded = negative.length > 0 ? picomatch(negative) : () => false;
  return (packageJson) => included(packageJson) && !excluded(packageJson);
}

/** Workspace-relative folders below the root that hold a package.json, outside node_modules and hidden folders. */
function packageFolders(workspaceRoot: string): string[] {
  const found: string[] = [];
  const walk = (rel: string): void => {
    let entries;
    try {
      entries = readdirSync(rel === '' ? workspaceRoot : join(workspaceRoot, rel), { withFileTypes: true });
    } catch {
      return;
    }
    if (rel !== '' && entries.some((entry) => entry.isFile() && entry.name === 'package.json')) found.push(rel);
    for (const entry of entries) {
      if (!entry.isDirectory() || entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
      walk(rel === '' ? entry.name : `${rel}/${entry.name}`);
    }
  };
  walk('');
  return found.sort();
}

function readJsonIfPresent(workspaceRoot: string, file: string): Record<string, unknown> | undefined {
  const path = join(workspaceRoot, file);
  if (!existsSync(path)) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ConfigError(`${file}: not valid JSON (${(error as Error).message}); fix the file`);
  }
  return isObject(value) ? value : undefined;
}

function stringList(value: unknown, file: string, key: string, expected: string): string[] {
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value;
  throw new ConfigError(`${file}: \`${key}\` must be ${expected}, got ${JSON.stringify(value)}`);
}
