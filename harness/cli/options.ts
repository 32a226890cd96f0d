import { type ParseArgsConfig, parseArgs } from 'node:util';
import { describeError, UsageError } from '../errors.js';

type Options = NonNullable<ParseArgsConfig['options']>;
type Parsed<T extends Options> = ReturnType<typeof parseArgs<{ options: T; strict: true; allowPositionals: boolean }>>;

/**
 * Parses a command's flags strictly: an unknown flag or a missing value is a UsageError of one
 * line that names the flag and ends with where to look, "(see readstate-lab run --help)".
 * `command` names the command for that hint; without it, main.ts adds it.
 */
export function parseFlags<T extends Options>(args: readonly string[], options: T, allowPositionals = false, command?: string): Parsed<T> {
  try {
    return parseArgs({ args: [...args], options, strict: true, allowPositionals });
  } catch (error) {
    // Without `command`, main.ts adds the hint: it knows which command it ran.
    const hint = command === undefined ? '' : ` (see readstate-lab ${command} --help)`;
    throw new UsageError(`${describeParseError(error, args)}${hint}`);
  }
}

/**
 * parseArgs' message in one line. "--capacity -5" is ambiguous to it (is -5 a value or a flag?),
 * and its three-line message does not say what to do: this one says how to pass the value.
 */
function describeParseError(error: unknown, args: readonly string[]): string {
  // parseArgs' advice on positionals that start with "-" is not what a mistyped flag needs.
  const first = describeError(error)
    .split('\n')[0]!
    .replace(/\. To specify a positional argument.*$/, '')
    .replace(/\.$/, '');
  const ambiguous = /^Option '(-{1,2}[^' ]+)' argument is ambiguous/.exec(first);
  if (ambiguous === null) return first;
  const flag = ambiguous[1]!;
  const at = args.findIndex((arg, i) => arg === flag && args[i + 1]?.startsWith('-') === true);
  const value = at === -1 ? undefined : args[at + 1]!;
  if (value === undefined) return `${flag} must be followed by its value`;
  const negative = /^-(\d|\.\d)/.test(value);
  return (
    `${flag} must be followed by its value, and "${value}" reads as an option ` +
    `(write ${flag}=${value} to pass ${negative ? 'a negative value' : 'a value that starts with "-"'})`
  );
}

const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i;

/**
 * What a number flag measures, and so which suffixes it takes: a count takes k, M and G
 * (`--capacity 1M`); a time in seconds or milliseconds takes ms, s, m and h (`--duration 2m`).
 * 'm' is minutes and never mega, so a time and a count can never be read one for the other.
 */
export type FlagUnit = 'count' | 'seconds' | 'milliseconds';

const COUNT_SUFFIXES: Readonly<Record<string, number>> = { k: 1e3, K: 1e3, M: 1e6, G: 1e9 };
const SECONDS_IN: Readonly<Record<string, number>> = { ms: 0.001, s: 1, m: 60, h: 3600 };
const EXAMPLES: Readonly<Record<FlagUnit, string>> = {
  count: 'e.g. 2000000, 2e6, 2_000_000, 2M or 500k',
  seconds: 'seconds, e.g. 90, 90s, 1.5m, 500ms or 1h',
  milliseconds: 'milliseconds, e.g. 500, 500ms or 2s',
};

/** The value a number flag's text stands for in its unit, or NaN. */
function readNumber(raw: string, unit: FlagUnit): number {
  const text = raw.trim().replaceAll('_', '');
  // Decimal only: Number() would also read "0x10" as 16 and "" as 0.
  const [, digits = '', suffix = ''] = /^(.*?)(ms|[a-zA-Z])?$/.exec(text) ?? [];
  if (!DECIMAL.test(digits)) return Number.NaN;
  const value = Number(digits);
  if (suffix === '') return value;
  if (unit === 'count') return COUNT_SUFFIXES[suffix] === undefined ? Number.NaN : value * COUNT_SUFFIXES[suffix];
  const seconds = SECONDS_IN[suffix];
  if (seconds === undefined) return Number.NaN;
  return unit === 'seconds' ? value * seconds : value * seconds * 1000;
}

/**
 * A number flag in its unit (see FlagUnit). Throws a UsageError naming the flag and the forms it
 * takes unless the value is finite and within [min, max].
 */
export function numberFlag(
  name: string,
  raw: string | undefined,
  range: { min?: number; max?: number; integer?: boolean; unit?: FlagUnit } = {},
): number | undefined {
  if (raw === undefined) return undefined;
  const { min = -Infinity, max = Infinity, integer = false, unit = 'count' } = range;
  // A suffix can leave float dust (1.1k is 1100.0000000000002): an integer is rounded to 1e-9.
  const read = readNumber(raw, unit);
  const value = integer && Math.abs(read - Math.round(read)) < 1e-9 ? Math.round(read) : read;
  if (!Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
    const kind = integer ? 'an integer' : 'a number';
    const bounds = max === Infinity ? `at least ${min}` : `from ${min} to ${max}`;
    throw new UsageError(`--${name} must be ${kind} ${bounds} (${EXAMPLES[unit]}), got "${raw}"`);
  }
  return value;
}

/** A comma-separated list flag ("a,b"), without empty items. */
export function listFlag(raw: string | undefined): string[] | undefined {
  if (raw === undefined) return undefined;
  const items = raw
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
  return items;
}
