import { OPTIONS, SECTIONS, isSection, optionKeys, type OptionSpec, type ValueSpec } from './options';

/**
 * The JSON Schema (draft-07) of `.coveragerc.json`, generated from the option table. The
 * committed packages/core/coveragerc.schema.json is this object, written by
 * `node --import tsx tools/gen-config-reference.ts`; a test fails when they drift apart.
 */
export function buildConfigSchema(): Record<string, unknown> {
  const properties: Record<string, Record<string, unknown>> = {};
  for (const key of optionKeys()) {
    const [first, leaf] = key.split('.') as [string, string | undefined];
    if (leaf === undefined) {
      properties[first] = optionSchema(OPTIONS[key]);
      continue;
    }
    if (!isSection(first)) throw new Error(`option ${key} names an unknown section`);
    properties[first] ??= {
      type: 'object',
      description: SECTIONS[first],
      additionalProperties: false,
      properties: {},
    };
    (properties[first].properties as Record<string, unknown>)[leaf] = optionSchema(OPTIONS[key]);
  }
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'monocov configuration (.coveragerc.json)',
    description: 'Coverage settings for a TypeScript/JavaScript monorepo, read from .coveragerc.json at the workspace root.',
    type: 'object',
    additionalProperties: false,
    properties,
  };
}

/** The schema file's text: two-space JSON in table order, ending in a newline. */
export function renderConfigSchema(): string {
  return JSON.stringify(buildConfigSchema(), null, 2) + '\n';
}

function optionSchema(option: OptionSpec): Record<string, unknown> {
  const schema: Record<string, unknown> = { description: option.description, ...valueSchema(option.type), ...option.schemaExtra };
  if (option.default !== undefined) schema.default = option.default;
  return schema;
}

function valueSchema(spec: ValueSpec): Record<string, unknown> {
  switch (spec.kind) {
    case 'string':
      return spec.nonEmpty ? { type: 'string', minLength: 1 } : { type: 'string' };
    case 'boolean':
      return { type: 'boolean' };
    case 'number':
      return { type: spec.integer ? 'integer' : 'number', minimum: spec.min, maximum: spec.max };
    case 'enum':
      return { type: 'string', enum: [...spec.values] };
    case 'array': {
      const schema: Record<string, unknown> = { type: 'array', items: valueSchema(spec.items) };
      if (spec.minItems !== undefined) schema.minItems = spec.minItems;
      if (spec.unique) schema.uniqueItems = true;
      return schema;
    }
    case 'map':
      return { type: 'object', propertyNames: { pattern: '\\S' }, additionalProperties: valueSchema(spec.values) };
    case 'fields':
      return {
        type: 'object',
        additionalProperties: false,
        properties: Object.fromEntries(Object.entries(spec.fields).map(([name, field]) => [name, valueSchema(field)])),
      };
    case 'oneOf':
      return { oneOf: spec.variants.map(valueSchema) };
  }
}
