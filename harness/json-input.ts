import { readFileSync } from 'node:fs';
import { UsageError } from './errors.js';

/**
 * Reading JSON with one-line errors: a missing file or bad JSON is a UsageError naming the file.
 * What the JSON must hold is checked against its schema (harness/results/check-against-schema.ts);
 * request-log lines, which a measuring child reads, are checked here by FieldReader, which loads
 * no schema library onto the measured heap.
 */

/** Parses a JSON file; a missing file or bad JSON is one line naming `what` and the path. */
export function readJsonFile(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = error instanceof Error && 'code' in error ? error.code : undefined;
    throw new UsageError(`${what} ${path}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder, not a file' : `cannot be read (${code})`}`);
  }
  return parseJson(text, `${what} ${path}`);
}

/** Parses JSON text; bad JSON is one line starting with `where`. */
export function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${where}: not valid JSON (${(error instanceof Error ? error.message : String(error)).split('\n')[0]})`);
  }
}

/** A JSON object (not an array, not null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `value` is one of `allowed`, which narrows it to the list's literal union. */
export function isOneOf<T extends string>(allowed: readonly T[], value: string): value is T {
  return allowed.some((item) => item === value);
}

/** A JSON number that is an unsigned 32-bit integer (user and channel ids). */
export function isUint32(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 0xffff_ffff;
}

/** Reads the typed fields of one request-log line, naming the line and the first field that is wrong. */
export class FieldReader {
  readonly where: string;
  readonly #value: Record<string, unknown>;

  constructor(value: unknown, where: string) {
    if (!isRecord(value)) throw new UsageError(`${where} must be a JSON object`);
    this.#value = value;
    this.where = where;
  }

  #take(key: string): unknown {
    const value = this.#value[key];
    if (value === undefined) throw new UsageError(`${this.where}: missing field "${key}"`);
    return value;
  }

  oneOf<T extends string>(key: string, allowed: readonly T[]): T {
    const value = this.#take(key);
    const found = allowed.find((item) => item === value);
    if (found === undefined) throw new UsageError(`${this.where}: "${key}" must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`);
    return found;
  }

  /** An unsigned 32-bit id. */
  id(key: string): number {
    const value = this.#take(key);
    if (!isUint32(value)) throw new UsageError(`${this.where}: "${key}" must be an integer from 0 to 4294967295`);
    return value;
  }

  /** An array of unsigned 32-bit ids. */
  ids(key: string): number[] {
    const value = this.#take(key);
    if (!Array.isArray(value) || !value.every(isUint32)) throw new UsageError(`${this.where}: "${key}" must be an array of 32-bit ids`);
    return value;
  }

  /** A message id: an integer from 0 to 2^53 - 1. */
  messageId(key: string): number {
    const value = this.#take(key);
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0)
      throw new UsageError(`${this.where}: "${key}" must be an integer from 0 to 2^53 - 1`);
    return value;
  }
}
