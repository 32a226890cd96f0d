import type { Static, TSchema } from '@sinclair/typebox';
import { type TypeCheck, TypeCompiler, type ValueError, ValueErrorType } from '@sinclair/typebox/compiler';
import { UsageError } from '../errors.js';
import { isRecord } from '../json-input.js';

/**
 * The one check of anything the lab reads from a file or another process: the value against its
 * schema (harness/results/schemas/), and when it fails, one line naming `where` and the path of
 * the first field that is wrong, e.g. `scenarios/<name>.json.population: "users" must be an integer ...`.
 */
export function checkAgainstSchema<T extends TSchema>(schema: T, value: unknown, where: string): Static<T> {
  const check = compiled(schema);
  if (check.Check(value)) return value;
  const first = check.Errors(value).First();
  throw new UsageError(first === undefined ? `${where} does not match its schema` : describeValueError(deepest(first), where));
}

/** True when the value matches the schema: for answers that may come from something else, which are then ignored rather than refused. */
export function matchesSchema<T extends TSchema>(schema: T, value: unknown): value is Static<T> {
  return compiled(schema).Check(value);
}

const compiledSchemas = new WeakMap<TSchema, TypeCheck<TSchema>>();

/** Compiles a schema once: the compiled check is a plain function, fast enough for every row of a large file. */
function compiled<T extends TSchema>(schema: T): TypeCheck<T> {
  let check = compiledSchemas.get(schema);
  if (check === undefined) {
    check = TypeCompiler.Compile(schema);
    compiledSchemas.set(schema, check);
  }
  // The map holds, under each schema, the check compiled from that very schema.
  return check as TypeCheck<T>;
}

/**
 * The error to name inside a union that nothing matched: of the variants whose own first error
 * lies deepest, the one that got furthest, so a row with `state: "completed"` is judged as a
 * completed row and not as a failed one.
 */
function deepest(error: ValueError): ValueError {
  if (error.type !== ValueErrorType.Union || isOneOfConstants(error.schema)) return error;
  const chosen = chosenVariant(error.schema, error.value);
  const chosenError = chosen === undefined ? undefined : error.errors[chosen]?.First();
  if (chosenError !== undefined) return deepest(chosenError);
  let best: ValueError | undefined;
  for (const variant of error.errors) {
    const candidate = variant.First();
    if (candidate === undefined) continue;
    const resolved = deepest(candidate);
    if (best === undefined || resolved.path.length > best.path.length) best = resolved;
  }
  return best ?? error;
}

/** The variant of a tagged union whose tag the value carries (`"distribution": "fixed"`), if any. */
function chosenVariant(schema: TSchema, value: unknown): number | undefined {
  if (!isRecord(value)) return undefined;
  const variants: TSchema[] = schema.anyOf ?? [];
  const index = variants.findIndex((variant) =>
    Object.entries<TSchema>(variant.properties ?? {}).some(([key, property]) => property.const !== undefined && value[key] === property.const),
  );
  return index === -1 ? undefined : index;
}

function isOneOfConstants(schema: TSchema): boolean {
  return Array.isArray(schema.anyOf) && schema.anyOf.every((variant: TSchema) => variant.const !== undefined);
}

/** `where.rows[0].measurement.drive: "sent" must be an integer ...`: one line naming where and the field. */
export function describeValueError(error: ValueError, where: string): string {
  const segments = error.path.split('/').slice(1);
  const key = segments.at(-1);
  const parent = `${where}${formatPath(segments.slice(0, -1))}`;
  const here = `${where}${formatPath(segments)}`;
  const field = key === undefined || /^\d+$/.test(key) ? `${here}` : `${parent}: "${key}"`;
  const got = error.value === undefined ? '' : `, got ${JSON.stringify(error.value)}`;
  const schema = error.schema;
  switch (error.type) {
    case ValueErrorType.ObjectRequiredProperty:
      return `${parent}: missing field "${key}"`;
    case ValueErrorType.ObjectAdditionalProperties:
      return `${parent}: unknown field "${key}"`;
    case ValueErrorType.Object:
      return `${here} must be a JSON object`;
    case ValueErrorType.Array:
      return `${field} must be an array`;
    case ValueErrorType.String:
      return `${field} must be a string`;
    case ValueErrorType.StringMinLength:
      return `${field} must not be empty`;
    case ValueErrorType.Boolean:
      return `${field} must be true or false`;
    case ValueErrorType.Integer:
      return typeof error.value === 'number' ? `${field} must be an integer${got}` : `${field} must be ${range(schema, 'an integer')}${got}`;
    case ValueErrorType.Number:
    case ValueErrorType.NumberMinimum:
    case ValueErrorType.NumberMaximum:
    case ValueErrorType.NumberExclusiveMinimum:
    case ValueErrorType.NumberExclusiveMaximum:
    case ValueErrorType.IntegerMinimum:
    case ValueErrorType.IntegerMaximum:
      return `${field} must be ${range(schema, 'a number')}${got}`;
    case ValueErrorType.Literal:
      return `${field} must be ${JSON.stringify(schema.const)}${got}`;
    case ValueErrorType.Union:
      if (isOneOfConstants(schema)) return `${field} must be one of ${schema.anyOf.map((variant: TSchema) => variant.const).join(', ')}${got}`;
      return `${field} must be ${schema.anyOf.map(describeType).join(' or ')}${got}`;
    default:
      return `${field}: ${error.message.toLowerCase()}${got}`;
  }
}

/** What a schema stands for, in a word or two: "a number", "null", "a JSON object". */
function describeType(schema: TSchema): string {
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  const words: Record<string, string> = {
    number: 'a number',
    integer: 'an integer',
    string: 'a string',
    boolean: 'true or false',
    null: 'null',
    object: 'a JSON object',
    array: 'an array',
  };
  return words[String(schema.type)] ?? 'another value';
}

/** "a number from 0 to 60000" from a schema's bounds. */
function range(schema: TSchema, noun: string): string {
  const bound = (value: unknown, otherwise: number): number => (typeof value === 'number' ? value : otherwise);
  return `${noun} from ${bound(schema.minimum, -Infinity)} to ${bound(schema.maximum, Infinity)}`;
}

/** ["rows", "0", "summary"] -> ".rows[0].summary". */
function formatPath(segments: readonly string[]): string {
  return segments.map((segment) => (/^\d+$/.test(segment) ? `[${segment}]` : `.${segment.replaceAll('~1', '/').replaceAll('~0', '~')}`)).join('');
}
