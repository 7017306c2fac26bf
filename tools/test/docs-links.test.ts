// Every relative link in README.md and docs/*.md points at a file or folder that exists, and every
// #anchor at a heading of the page it names (GitHub's heading slugs). External links are not fetched.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const REPO_ROOT = join(__dirname, '..', '..');
const pages = [
  'README.md',
  ...readdirSync(join(REPO_ROOT, 'docs'))
    .filter((file) => file.endsWith('.md'))
    .map((file) => `docs/${file}`),
];

/** Link targets of a Markdown page, outside fenced code blocks and inline code. */
function linkTargets(markdown: string): string[] {
  const prose = markdown.replace(/^```[\s\S]*?^```/gm, '').replace(/`[^`\n]*`/g, '');
  return [...prose.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((match) => match[1]);
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

function anchors(markdown: string): Set<string> {
  const withoutCode = markdown.replace(/^```[\s\S]*?^```/gm, '');
  return new Set([...withoutCode.matchAll(/^#{1,6}\s+(.+)$/gm)].map((match) => slug(match[1])));
}

test('slugs follow GitHub', () => {
  assert.is(slug('Codecov, one flag per project'), 'codecov-one-flag-per-project');
  assert.is(slug('`run`'), 'run');
  assert.is(slug('The Nx plugin (@monocov/nx)'), 'the-nx-plugin-monocovnx');
});

for (const page of pages) {
  test(`${page}: every relative link resolves`, () => {
    const markdown = readFileSync(join(REPO_ROOT, page), 'utf8');
    const broken: string[] = [];
    for (const target of linkTargets(markdown)) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue;
      const [pathPart, anchor] = target.split('#');
      const file = pathPart === '' ? join(REPO_ROOT, page) : join(REPO_ROOT, dirname(page), decodeURIComponent(pathPart));
      if (!existsSync(file)) {
        broken.push(`${target}: ${relative(REPO_ROOT, file)} does not exist`);
      } else if (anchor !== undefined && statSync(file).isFile() && file.endsWith('.md') && !anchors(readFileSync(file, 'utf8')).has(anchor)) {
        broken.push(`${target}: no heading "#${anchor}" in ${relative(REPO_ROOT, file)}`);
      }
    }
    assert.equal(broken, []);
  });
}

test.run();
