/**
 * Checks a value against the part of JSON Schema 2020-12 that the API's request schemas use.
 * Any other keyword throws, so a schema this cannot judge fails the test instead of passing it.
 */
import type { JsonSchema } from '../../api/openapi';

const ANNOTATIONS = new Set(['description', 'format', 'examples', 'default', 'title']);
const CHECKED = new Set(['type', 'properties', 'required', 'additionalProperties', 'enum', 'const', 'minLength', 'maxLength', 'pattern', 'anyOf', 'propertyNames']);

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

/** The first violation, or undefined when the value conforms. */
export function violation(schema: JsonSchema, value: unknown, path = '(root)'): string | undefined {
  for (const keyword of Object.keys(schema)) {
    if (!CHECKED.has(keyword) && !ANNOTATIONS.has(keyword)) throw new Error(`json-schema-subset: unsupported keyword "${keyword}" at ${path}`);
  }
  if (schema.type !== undefined) {
    const actual = typeOf(value);
    const matches = schema.type === actual || (schema.type === 'number' && actual === 'integer');
    if (!matches) return `${path}: expected ${String(schema.type)}, got ${actual}`;
  }
  if (schema.enum !== undefined && !(schema.enum as unknown[]).includes(value)) return `${path}: not one of the enum`;
  if (Array.isArray(schema.anyOf) && (schema.anyOf as JsonSchema[]).every((alternative) => violation(alternative, value, path) !== undefined)) {
    return `${path}: matches none of anyOf`;
  }
  if ('const' in schema && schema.const !== value) return `${path}: not the const`;
  if (typeof value === 'string') {
    const length = [...value].length;
    if (typeof schema.minLength === 'number' && length < schema.minLength) return `${path}: shorter than ${schema.minLength}`;
    if (typeof schema.maxLength === 'number' && length > schema.maxLength) return `${path}: longer than ${schema.maxLength}`;
    if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(value)) return `${path}: does not match ${schema.pattern}`;
  }
  if (typeOf(value) === 'object') {
    const object = value as Record<string, unknown>;
    const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
    for (const name of (schema.required ?? []) as string[]) {
      if (!(name in object)) return `${path}: missing ${name}`;
    }
    for (const [name, propertyValue] of Object.entries(object)) {
      const property = properties[name];
      if (property) {
        const problem = violation(property, propertyValue, `${path}.${name}`);
        if (problem) return problem;
      } else if (schema.additionalProperties === false) {
        return `${path}: unexpected property ${name}`;
      } else if (typeof schema.additionalProperties === 'object') {
        const problem = violation(schema.additionalProperties as JsonSchema, propertyValue, `${path}.${name}`);
        if (problem) return problem;
      }
      if (typeof schema.propertyNames === 'object') {
        const problem = violation(schema.propertyNames as JsonSchema, name, `${path} key ${JSON.stringify(name)}`);
        if (problem) return problem;
      }
    }
  }
  return undefined;
}
