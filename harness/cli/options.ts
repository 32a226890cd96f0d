import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from '../errors.js';

type Options = NonNullable<ParseArgsConfig['options']>;
type Parsed<T extends Options> = ReturnType<typeof parseArgs<{ options: T; strict: true; allowPositionals: boolean }>>;

/**
 * Parses a command's flags strictly: an unknown flag or a missing value is a UsageError with
 * parseArgs' own one-line message, which names the flag.
 */
export function parseFlags<T extends Options>(args: readonly string[], options: T, allowPositionals = false): Parsed<T> {
  try {
    return parseArgs({ args: [...args], options, strict: true, allowPositionals });
  } catch (error) {
    throw new UsageError((error as Error).message.split('\n')[0]!);
  }
}

const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i;

/**
 * A number flag: accepts 2000000, 2e6, 2_000_000 and, for seconds, a trailing "s". Throws a
 * UsageError naming the flag unless the value is finite and within [min, max].
 */
export function numberFlag(
  name: string,
  raw: string | undefined,
  range: { min?: number; max?: number; integer?: boolean } = {},
): number | undefined {
  if (raw === undefined) return undefined;
  const text = raw.trim().replaceAll('_', '').replace(/s$/, '');
  // Decimal only: Number() would also read "0x10" as 16 and "" as 0.
  const value = DECIMAL.test(text) ? Number(text) : Number.NaN;
  const { min = -Infinity, max = Infinity, integer = false } = range;
  if (!Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
    const kind = integer ? 'an integer' : 'a number';
    const bounds = max === Infinity ? `at least ${min}` : `from ${min} to ${max}`;
    throw new UsageError(`--${name} must be ${kind} ${bounds}, got "${raw}"`);
  }
  return value;
}

/** A comma-separated list flag ("a,b"), without empty items. */
export function listFlag(raw: string | undefined): string[] | undefined {
  if (raw === undefined) return undefined;
  const items = raw.split(',').map((item) => item.trim()).filter((item) => item !== '');
  return items;
}
