import { existsSync } from 'node:fs';
import nodePath, { posix } from 'node:path';
import { ConfigError } from './errors';
import { unrepresentableCharacter, visibleControls } from './escape';
import { toPosix, type PathFlavor } from './workspace-path';

/**
 * coverage.py's `[paths]` for data keys. `config.paths` maps a name to a list of prefixes: the
 * first is canonical (where the files are in this workspace, workspace-relative or absolute
 * inside it); the others are where the same tree lived when the data was written — another
 * machine (`/ci/agent-*\/work/packages/`), another clone (`../other-clone/packages/`). They may
 * hold `*` (one path segment), `**` (any number of segments) and `?`. Each pattern is a
 * prefix that ends at a separator, as in coverage.py (`packages` never matches `packagesX/`).
 *
 * Rules are tried in order; like coverage.py, a rule whose result does not exist in this
 * workspace is passed over for a later one that does, and only if none does is the first
 * matching rule's result kept (a file deleted since is still the right name for its data).
 */

export type MappedPath =
  /** `path` is workspace-relative POSIX; `rule` names the `paths` entry that mapped it, if one did. */
  | { ok: true; path: string; rule?: string }
  /** `reason` is a sentence saying why, ready to follow "<data file>: ". */
  | { ok: false; reason: string };

export interface PathMapperOptions {
  /** Absolute path of this workspace's root. */
  workspaceRoot: string;
  /** `config.paths`; omitted or empty means only the workspace itself. */
  paths?: Record<string, string[]>;
  /** Whether a workspace-relative file exists (default: the file system, cached). Tests may pass their own. */
  exists?: (workspaceRelativePath: string) => boolean;
  /** The host's path functions by default; tests pass `path.win32` to check Windows roots and keys on any host. */
  pathFlavor?: PathFlavor;
}

interface Rule {
  name: string;
  pattern: string;
  regex: RegExp;
  /** Workspace-relative canonical prefix without trailing slash; '' is the workspace root. */
  canonical: string;
}

/** Returns a function mapping one data key onto this workspace. Build it once per merge. */
export function createPathMapper(options: PathMapperOptions): (key: string) => MappedPath {
  const flavor = options.pathFlavor ?? nodePath;
  const workspaceRoot = flavor.resolve(options.workspaceRoot);
  const rules = compileRules(workspaceRoot, options.paths ?? {}, flavor);
  const exists = options.exists ?? cachedExists(workspaceRoot);

  return (key: string): MappedPath => {
    if (typeof key !== 'string' || key === '' || key.includes('\0')) {
      return { ok: false, reason: `entry ${JSON.stringify(key)} is not a file path` };
    }
    const normalized = normalizeKey(key);
    let candidate: string | undefined;
    if (isAbsoluteAnywhere(normalized)) {
      const inside = insideWorkspace(workspaceRoot, normalized, flavor);
      if (inside !== undefined) candidate = inside;
    } else if (!escapes(normalized)) {
      candidate = normalized;
    }
    if (candidate !== undefined && exists(candidate)) return checked({ ok: true, path: candidate });

    let firstMatch: MappedPath | undefined;
    for (const rule of rules) {
      const match = rule.regex.exec(normalized);
      if (!match) continue;
      const rest = normalized.slice(match[0].length);
      const mapped = posix.normalize(rule.canonical === '' ? rest : `${rule.canonical}/${rest}`);
      if (escapes(mapped) || mapped === '.' || mapped === '') continue;
      const result: MappedPath = { ok: true, path: mapped, rule: `paths.${rule.name}: "${rule.pattern}"` };
      if (exists(mapped)) return checked(result);
      firstMatch ??= result;
    }
    if (firstMatch) return checked(firstMatch);
    if (candidate !== undefined) return checked({ ok: true, path: candidate });
    return { ok: false, reason: unmappedReason(key, normalized, exists) };
  };
}

function checked(result: MappedPath): MappedPath {
  if (!result.ok) return result;
  // `.`, `a/..`: the workspace root itself, which is no file.
  if (result.path === '' || result.path === '.') return { ok: false, reason: `entry "${result.path || '.'}" names the workspace root, not a file` };
  const control = unrepresentableCharacter(result.path);
  if (control !== undefined) {
    return {
      ok: false,
      reason: `entry "${visibleControls(result.path)}" holds the control character ${control}, which no report can represent (a line break would start a new lcov record)`,
    };
  }
  // Where CI checkouts keep their credentials (.git/config): never report content.
  if (result.path.split('/').some((segment) => segment.toLowerCase() === '.git')) {
    return { ok: false, reason: `entry "${result.path}" is inside .git/, which is never reported` };
  }
  // A workspace file literally named like an Object.prototype key would be a prototype-pollution
  // vector in every consumer that indexes plain objects by path; no real source file is named so.
  if (result.path.split('/').some((segment) => segment === '__proto__')) {
    return { ok: false, reason: `entry "${result.path}" is not a usable file path (a "__proto__" segment)` };
  }
  return result;
}

/** Backslashes to `/`, `./` and duplicate separators removed; `..` segments kept (they mean "outside"). */
function normalizeKey(key: string): string {
  const slashed = key.replace(/\\/g, '/');
  const drive = /^[A-Za-z]:\//.exec(slashed)?.[0] ?? '';
  const normalized = posix.normalize(slashed.slice(drive.length));
  return drive + (normalized === '.' ? '' : normalized.replace(/\/$/, ''));
}

/** POSIX-absolute, a Windows drive path (`C:/…`) or a UNC path (`//server/…`), on any host. */
function isAbsoluteAnywhere(path: string): boolean {
  return path.startsWith('/') || /^[A-Za-z]:\//.test(path);
}

function escapes(relativePath: string): boolean {
  return relativePath === '..' || relativePath.startsWith('../') || isAbsoluteAnywhere(relativePath);
}

function insideWorkspace(workspaceRoot: string, absolute: string, flavor: PathFlavor): string | undefined {
  if (!flavor.isAbsolute(absolute)) return undefined; // a Windows path read on POSIX, or the reverse
  const rel = toPosix(flavor.relative(workspaceRoot, absolute), flavor);
  if (rel === '' || escapes(rel)) return undefined;
  return rel;
}

function compileRules(workspaceRoot: string, paths: Record<string, string[]>, flavor: PathFlavor): Rule[] {
  const rules: Rule[] = [];
  for (const name of Object.keys(paths)) {
    const list = paths[name];
    if (!Array.isArray(list) || list.length === 0) continue;
    const canonical = canonicalPrefix(workspaceRoot, name, String(list[0]), flavor);
    for (const pattern of list.slice(1)) {
      rules.push({ name, pattern, regex: patternRegex(String(pattern)), canonical });
    }
  }
  return rules;
}

function canonicalPrefix(workspaceRoot: string, name: string, first: string, flavor: PathFlavor): string {
  const slashed = first.replace(/\\/g, '/');
  if (/[*?]/.test(slashed)) {
    throw new ConfigError(`.coveragerc.json: \`paths.${name}[0]\` is the canonical location and cannot hold wildcards, got "${first}"; put patterns in the later entries`);
  }
  let rel: string;
  if (flavor.isAbsolute(slashed)) {
    rel = toPosix(flavor.relative(workspaceRoot, slashed), flavor);
  } else {
    rel = posix.normalize(slashed);
  }
  rel = rel === '.' ? '' : rel.replace(/\/$/, '');
  if (escapes(rel)) {
    throw new ConfigError(`.coveragerc.json: \`paths.${name}[0]\` must be a folder inside the workspace (it is where the data is mapped to), got "${first}"`);
  }
  return rel;
}

/** A prefix pattern: `*` one segment (or part of one), `**` any segments, `?` one character. */
function patternRegex(pattern: string): RegExp {
  const slashed = pattern.replace(/\\/g, '/');
  const drive = /^[A-Za-z]:\//.exec(slashed)?.[0] ?? '';
  let body = slashed.slice(drive.length);
  const leadingSlash = body.startsWith('/');
  body = body
    .split('/')
    .filter((segment) => segment !== '' && segment !== '.')
    .join('/');
  let source = '';
  for (let i = 0; i < body.length; i++) {
    const char = body[i]!;
    if (char === '*' && body[i + 1] === '*') {
      source += '.*';
      i++;
    } else if (char === '*') {
      source += '[^/]*';
    } else if (char === '?') {
      source += '[^/]';
    } else {
      source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    }
  }
  const prefix = escapeRegex(drive) + (leadingSlash ? '/' : '');
  // The match ends at a separator: "packages" matches "packages/x", never "packagesX/x".
  return new RegExp(`^${prefix}${source}${source === '' ? '' : '/'}`, drive ? 'i' : '');
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function cachedExists(workspaceRoot: string): (path: string) => boolean {
  const cache = new Map<string, boolean>();
  return (path) => {
    let found = cache.get(path);
    if (found === undefined) {
      found = existsSync(nodePath.join(workspaceRoot, path));
      cache.set(path, found);
    }
    return found;
  };
}

/**
 * Why a key cannot be placed, with the `paths` entry that would place it when the key's tail
 * names a file of this workspace (`/ci/agent-3/work/packages/a.ts` → `packages/a.ts`).
 */
function unmappedReason(key: string, normalized: string, exists: (path: string) => boolean): string {
  const where = isAbsoluteAnywhere(normalized) ? 'is an absolute path outside this workspace' : 'reaches outside this workspace';
  const segments = normalized.split('/');
  for (let i = 1; i < segments.length; i++) {
    const tail = segments.slice(i).join('/');
    if (tail === '' || escapes(tail) || segments.slice(i).includes('..')) continue;
    if (exists(tail)) {
      const foreignRoot = segments.slice(0, i).join('/') + '/';
      const suggestion = JSON.stringify({ paths: { source: ['./', foreignRoot] } });
      return `entry "${key}" ${where}; its tail matches this workspace's ${tail}, so the data was probably written in a clone at ${foreignRoot} — map it with .coveragerc.json ${suggestion.slice(1, -1)}`;
    }
  }
  return `entry "${key}" ${where} and no .coveragerc.json \`paths\` entry maps it onto a workspace file`;
}
