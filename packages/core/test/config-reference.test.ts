import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { OPTIONS, defaultConfig, optionKeys } from '../src/config/options';
import { buildConfigSchema } from '../src/config/schema';
import { validateConfigInput } from '../src/config/validate';
import { GENERATED_FILES, REGENERATE_COMMAND, renderConfigurationDoc } from '../../../tools/gen-config-reference';

const root = join(__dirname, '..', '..', '..');

// The schema and the reference are generated from the option table; these fail when someone
// edits the table (or the generated files) without regenerating.
for (const [path, render] of Object.entries(GENERATED_FILES)) {
  test(`${path} is up to date with the option table`, () => {
    const current = readFileSync(join(root, path), 'utf8');
    assert.ok(current === render(), `${path} is out of date; run: ${REGENERATE_COMMAND}`);
  });
}

test('the schema is draft-07, closed at every object level, and describes every option', () => {
  const schema = buildConfigSchema();
  assert.is(schema.$schema, 'http://json-schema.org/draft-07/schema#');
  assert.is(schema.additionalProperties, false);
  const properties = schema.properties as Record<string, Record<string, unknown>>;
  for (const key of optionKeys()) {
    const [first, leaf] = key.split('.') as [string, string | undefined];
    const node = leaf === undefined ? properties[first] : (properties[first]!.properties as Record<string, Record<string, unknown>>)[leaf];
    assert.ok(node, `schema has ${key}`);
    assert.is(node!.description, OPTIONS[key].description);
    if (OPTIONS[key].default !== undefined) assert.equal(node!.default, OPTIONS[key].default);
    if (leaf !== undefined) assert.is(properties[first]!.additionalProperties, false, `${first} is closed`);
  }
});

test('every option has a one-line description', () => {
  for (const key of optionKeys()) {
    const { description } = OPTIONS[key];
    assert.ok(description.length > 10 && !description.includes('\n'), key);
  }
});

test('the defaults and the docs example are valid configurations', () => {
  assert.equal(validateConfigInput(defaultConfig()).problems, []);
  const doc = renderConfigurationDoc();
  const example = /## Full example[\s\S]*?```json\n([\s\S]*?)```/.exec(doc)![1]!;
  const parsed = JSON.parse(example);
  assert.equal(validateConfigInput(parsed).problems, []);
  for (const key of optionKeys()) {
    const [first, leaf] = key.split('.') as [string, string | undefined];
    assert.ok(leaf === undefined ? first in parsed : leaf in parsed[first], `the example shows ${key}`);
  }
});

test('the dataDir pattern in the schema agrees with the validator', () => {
  const pattern = new RegExp(OPTIONS['run.dataDir'].schemaExtra!.pattern as string);
  for (const dataDir of ['coverage', 'out/cov', '.coverage', 'a/b/c', '/tmp/cov', '../cov', 'a/../b', 'C:\\cov', 'c:/cov', '\\\\server\\share', '.', './', '..']) {
    const valid = validateConfigInput({ run: { dataDir } }).problems.length === 0;
    assert.is(pattern.test(dataDir), valid, dataDir);
  }
});

test.run();
