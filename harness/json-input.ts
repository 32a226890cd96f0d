import { readFileSync } from 'node:fs';
import { UsageError } from './errors.js';

/**
 * Reading JSON with one-line errors: a missing file or bad JSON is a UsageError naming the file.
 * What the JSON must hold is checked against its schema (harness/results/check-against-schema.ts).
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
