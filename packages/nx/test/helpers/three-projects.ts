/**
 * The issue-2 fixture: a TypeScript library tested by uvu through tsx, a JavaScript (ESM)
 * library tested by `node --test`, and a CommonJS app whose system test spawns its CLI.
 * Each has a function called a known number of times, so hits can be asserted exactly.
 */
export function threeProjectFiles(): Record<string, string> {
  return {
    'package.json': JSON.stringify({ name: 'fixture', private: true, workspaces: ['libs/*'] }, null, 2),
    'nx.json': JSON.stringify(
      {
        namedInputs: { default: ['{projectRoot}/**/*'] },
        targetDefaults: {
          coverage: {
            cache: true,
            inputs: ['default', '{workspaceRoot}/.coveragerc.json'],
            outputs: ['{workspaceRoot}/coverage/projects/{projectRoot}'],
          },
        },
      },
      null,
      2,
    ),
    '.coveragerc.json': JSON.stringify({ run: { include: ['src/**'] } }, null, 2),

    'libs/ts-lib/package.json': JSON.stringify(
      {
        name: 'ts-lib',
        private: true,
        scripts: { test: 'uvu -r tsx/cjs test' },
        nx: { targets: { coverage: { executor: '@monocov/nx:coverage' } } },
      },
      null,
      2,
    ),
    'libs/ts-lib/src/math.ts': `export function add(a: number, b: number): number {
  return a + b;
}

export function classify(n: number): string {
  if (n < 0) {
    return 'negative';
  }
  return n === 0 ? 'zero' : 'positive';
}

export function neverCalled(): string {
  return 'never';
}
`,
    'libs/ts-lib/src/unused.ts': `export interface Shape {
  sides: number;
}

export function describe(shape: Shape): string {
  return shape.sides > 3 ? 'polygon' : 'triangle';
}
`,
    'libs/ts-lib/test/math.test.ts': `import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { add, classify } from '../src/math';

test('add', () => {
  assert.is(add(1, 2), 3);
  assert.is(add(2, 2), 4);
});

test('classify', () => {
  assert.is(classify(5), 'positive');
});

test.run();
`,

    'libs/js-lib/package.json': JSON.stringify(
      {
        name: 'js-lib',
        private: true,
        type: 'module',
        scripts: { test: 'node --test' },
        nx: { targets: { coverage: { executor: '@monocov/nx:coverage' } } },
      },
      null,
      2,
    ),
    'libs/js-lib/src/strings.js': `export function shout(text) {
  return text.toUpperCase() + '!';
}

export function whisper(text) {
  return text.toLowerCase();
}
`,
    'libs/js-lib/test/strings.test.js': `import { test } from 'node:test';
import assert from 'node:assert/strict';
import { shout } from '../src/strings.js';

test('shout', () => {
  assert.equal(shout('hi'), 'HI!');
  assert.equal(shout('yo'), 'YO!');
  assert.equal(shout('ok'), 'OK!');
});
`,

    'apps/cli-app/project.json': JSON.stringify(
      {
        name: 'cli-app',
        targets: {
          test: { executor: 'nx:run-commands', options: { command: 'node --test', cwd: 'apps/cli-app' } },
          coverage: { executor: '@monocov/nx:coverage' },
        },
      },
      null,
      2,
    ),
    'apps/cli-app/src/cli.js': `const { greet } = require('./greet');

const name = process.argv[2];
if (name) {
  console.log(greet(name));
} else {
  console.error('usage: cli <name>');
  process.exitCode = 2;
}
`,
    'apps/cli-app/src/greet.js': `exports.greet = function greet(name) {
  return 'Hello, ' + name;
};
`,
    'apps/cli-app/test/cli.test.js': `const { test } = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const { join } = require('node:path');

test('the CLI greets by name', () => {
  const result = spawnSync(process.execPath, [join(__dirname, '..', 'src', 'cli.js'), 'Ada'], { encoding: 'utf8' });
  assert.equal(result.stdout, 'Hello, Ada\\n');
});
`,
  };
}

/**
 * The same three projects as a workspace that relies on inference alone (issue 4): no coverage
 * target written by hand (the `nx` blocks of the libraries' package.json and cli-app's coverage
 * target are gone) and an nx.json that registers only the @monocov/nx plugin, without the
 * coverage targetDefaults. `namedInputs` replaces the base fixture's when given.
 */
export function pluginOnlyThreeProjectFiles(options: { namedInputs?: Record<string, string[]> } = {}): Record<string, string> {
  const files = withoutCoverageTargets(threeProjectFiles());
  const { namedInputs } = JSON.parse(files['nx.json']!);
  files['nx.json'] = JSON.stringify({ namedInputs: options.namedInputs ?? namedInputs, plugins: ['@monocov/nx'] }, null, 2);
  return files;
}

/** The three projects' files with no coverage target written by hand: the libraries' `nx` blocks and cli-app's coverage target removed. */
export function withoutCoverageTargets(files: Record<string, string>): Record<string, string> {
  const stripped = { ...files };
  for (const path of ['libs/ts-lib/package.json', 'libs/js-lib/package.json', 'apps/cli-app/project.json']) {
    const manifest = JSON.parse(stripped[path]!);
    delete manifest.nx;
    delete manifest.targets?.coverage;
    stripped[path] = JSON.stringify(manifest, null, 2) + '\n';
  }
  return stripped;
}
