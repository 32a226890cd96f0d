import { readFileSync } from 'node:fs';
import { UsageError } from './errors.js';

/**
 * The one way the lab reads untrusted JSON (scenario files, gate configs, results and baselines,
 * request logs): every problem is a UsageError of one line that names the file and the path of
 * the first field that is wrong, e.g. `scenarios/<name>.json.population: "users" must be ...`.
 */

/** Parses a JSON file; a missing file or bad JSON is one line naming `what` and the path. */
export function readJsonFile(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`${what} ${path}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder, not a file' : `cannot be read (${code})`}`);
  }
  return parseJson(text, `${what} ${path}`);
}

/** Parses JSON text; bad JSON is one line starting with `where`. */
export function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${where}: not valid JSON (${(error as Error).message.split('\n')[0]})`);
  }
}

/** A JSON number that is an unsigned 32-bit integer (user and channel ids). */
export function isUint32(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= 0 && (value as number) <= 0xffff_ffff;
}

/** Reads typed fields out of untrusted JSON, naming the path of the first one that is wrong. */
export class FieldReader {
  readonly where: string;
  readonly #value: Record<string, unknown>;
  readonly #seen = new Set<string>();

  constructor(value: unknown, where: string) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new UsageError(`${where} must be a JSON object`);
    }
    this.#value = value as Record<string, unknown>;
    this.where = where;
  }

  #take(key: string): unknown {
    this.#seen.add(key);
    const value = this.#value[key];
    if (value === undefined) throw new UsageError(`${this.where}: missing field "${key}"`);
    return value;
  }

  string(key: string): string {
    const value = this.#take(key);
    if (typeof value !== 'string') throw new UsageError(`${this.where}: "${key}" must be a string`);
    return value;
  }

  number(key: string, range: { min?: number; max?: number } = {}): number {
    const value = this.#take(key);
    const { min = -Infinity, max = Infinity } = range;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
      throw new UsageError(`${this.where}: "${key}" must be a number from ${min} to ${max}, got ${JSON.stringify(value)}`);
    }
    return value;
  }

  integer(key: string, range: { min?: number; max?: number } = {}): number {
    const value = this.number(key, range);
    if (!Number.isInteger(value)) throw new UsageError(`${this.where}: "${key}" must be an integer, got ${value}`);
    return value;
  }

  oneOf<T extends string>(key: string, allowed: readonly T[]): T {
    const value = this.#take(key);
    if (!allowed.includes(value as T)) {
      throw new UsageError(`${this.where}: "${key}" must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`);
    }
    return value as T;
  }

  object(key: string): FieldReader {
    return new FieldReader(this.#take(key), `${this.where}.${key}`);
  }

  /** A string, or null when the field is null. */
  nullableText(key: string): string | null {
    return this.#take(key) === null ? null : this.text(key);
  }

  nullableObject(key: string): FieldReader | null {
    return this.#take(key) === null ? null : this.object(key);
  }

  /** An array of objects; with `optional`, a missing field reads as an empty array. */
  array(key: string, options: { optional?: boolean } = {}): FieldReader[] {
    if (options.optional === true && !this.has(key)) return [];
    const value = this.#take(key);
    if (!Array.isArray(value)) throw new UsageError(`${this.where}: "${key}" must be an array`);
    return value.map((item, i) => new FieldReader(item, `${this.where}.${key}[${i}]`));
  }

  /** True when the field is present (not undefined); marks it read. */
  has(key: string): boolean {
    this.#seen.add(key);
    return this.#value[key] !== undefined;
  }

  /** A string that is not empty. */
  text(key: string): string {
    const value = this.string(key);
    if (value === '') throw new UsageError(`${this.where}: "${key}" must not be empty`);
    return value;
  }

  /** An array of strings. */
  strings(key: string): string[] {
    const value = this.#take(key);
    if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
      throw new UsageError(`${this.where}: "${key}" must be an array of strings`);
    }
    return value as string[];
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
    return value as number[];
  }

  /** A message id: an integer from 0 to 2^53 - 1. */
  messageId(key: string): number {
    const value = this.#take(key);
    if (!Number.isSafeInteger(value) || (value as number) < 0) throw new UsageError(`${this.where}: "${key}" must be an integer from 0 to 2^53 - 1`);
    return value as number;
  }

  /** Throws on a field nobody read; returns nothing to spread, so it can close an object literal. */
  rejectUnknown(): Record<string, never> {
    const unknown = Object.keys(this.#value).filter((key) => !this.#seen.has(key));
    if (unknown.length > 0) throw new UsageError(`${this.where}: unknown field "${unknown[0]}"`);
    return {};
  }
}
