import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../errors.js';
import { FieldReader, readJsonFile } from '../json-input.js';
import { packageRoot } from '../package-root.js';

/**
 * How long the database behind the cache takes to answer, as a stated model: the store worker
 * (harness/store/worker.ts) holds every read's answer and every write's acknowledgement back by
 * a delay drawn from these distributions. The embedded SQLite store answers in microseconds,
 * which makes a small cache look free; a remote database does not.
 *
 * Named profiles are files in scenarios/store-latency/ (NAME.json), each with its source.
 * File format (every field required unless marked):
 *
 *   {
 *     "name": "cassandra-2020",
 *     "description": "one line",
 *     "source": "where the figures come from (URL, title, date)",
 *     "assumptions": "what the source does not say and this file assumes",
 *     "read":  { "distribution": "lognormal", "medianMs": 5, "p99Ms": 70.7 },
 *     "write": { "distribution": "lognormal", "medianMs": 1, "p99Ms": 18.7 }
 *   }
 *
 * A distribution is `{"distribution": "fixed", "ms": 5}` or a log-normal given by its median
 * and p99 (p99 above the median): ln(delay) is normal with mu = ln(median) and
 * sigma = ln(p99 / median) / 2.3263, so that exactly 1% of draws exceed p99. A log-normal is
 * the usual shape of service latency (a bulk near the median and a long right tail) and two
 * figures pin it down, one of which (p99) is what Discord published.
 */

export type LatencyDistribution =
  | { readonly distribution: 'fixed'; readonly ms: number }
  | { readonly distribution: 'lognormal'; readonly medianMs: number; readonly p99Ms: number };

export interface StoreLatencyProfile {
  /** "fixed:5", or the name of a profile file ("cassandra-2020"). */
  readonly name: string;
  readonly description: string;
  /** Where the figures come from; "" for fixed:MS. */
  readonly source: string;
  readonly assumptions: string;
  readonly read: LatencyDistribution;
  readonly write: LatencyDistribution;
}

export const storeLatencyDir = join(packageRoot, 'scenarios', 'store-latency');

/** The z-score of the 99th percentile of a standard normal distribution. */
export const Z_P99 = 2.326347874;

/** The longest fixed delay or median accepted: a minute is no database anyone would cache for. */
const MAX_MS = 60_000;

/**
 * Reads a --store-latency value: `none` (undefined: no delay), `fixed:MS`, a profile name in
 * scenarios/store-latency/, or a path to a profile file. Anything else is one UsageError line.
 */
export function parseStoreLatency(raw: string | undefined): StoreLatencyProfile | undefined {
  if (raw === undefined) return undefined;
  const value = raw.trim();
  if (value === 'none') return undefined;
  if (value.startsWith('fixed:')) {
    const text = value.slice('fixed:'.length).trim();
    const ms = /^\d+(\.\d+)?$/.test(text) ? Number(text) : Number.NaN;
    if (!Number.isFinite(ms) || ms > MAX_MS) {
      throw new UsageError(`--store-latency fixed:MS needs a number of milliseconds from 0 to ${MAX_MS}, got "${raw}"`);
    }
    return {
      name: `fixed:${ms}`,
      description: `every read and every write takes ${ms} ms`,
      source: '',
      assumptions: '',
      read: { distribution: 'fixed', ms },
      write: { distribution: 'fixed', ms },
    };
  }
  const isPath = value.endsWith('.json') || value.includes('/');
  const path = isPath ? value : join(storeLatencyDir, `${value}.json`);
  if (!isPath && (!/^[\w.-]+$/.test(value) || !existsSync(path))) {
    throw new UsageError(`--store-latency must be none, fixed:MS, a profile (${storeLatencyNames().join(', ')}) or a path to a profile file, got "${raw}"`);
  }
  return readStoreLatencyFile(path);
}

/** The profile files in scenarios/store-latency/, by name. */
export function storeLatencyNames(): string[] {
  if (!existsSync(storeLatencyDir)) return [];
  return readdirSync(storeLatencyDir)
    .filter((file) => file.endsWith('.json'))
    .map((file) => file.slice(0, -'.json'.length))
    .sort();
}

/** Reads and checks a profile file (format above); a bad one is one line naming the field. */
export function readStoreLatencyFile(path: string): StoreLatencyProfile {
  const fields = new FieldReader(readJsonFile(path, 'store latency profile'), `store latency profile ${path}`);
  const profile: StoreLatencyProfile = {
    name: fields.text('name'),
    description: fields.text('description'),
    source: fields.text('source'),
    assumptions: fields.text('assumptions'),
    read: readDistribution(fields.object('read')),
    write: readDistribution(fields.object('write')),
  };
  fields.rejectUnknown();
  return profile;
}

function readDistribution(fields: FieldReader): LatencyDistribution {
  const kind = fields.oneOf('distribution', ['fixed', 'lognormal'] as const);
  if (kind === 'fixed') {
    const ms = fields.number('ms', { min: 0, max: MAX_MS });
    fields.rejectUnknown();
    return { distribution: 'fixed', ms };
  }
  const medianMs = fields.number('medianMs', { min: 0.001, max: MAX_MS });
  const p99Ms = fields.number('p99Ms', { min: 0.001, max: MAX_MS });
  if (p99Ms <= medianMs) throw new UsageError(`${fields.where}: "p99Ms" (${p99Ms}) must be above "medianMs" (${medianMs})`);
  fields.rejectUnknown();
  return { distribution: 'lognormal', medianMs, p99Ms };
}

/** "log-normal, median 5 ms, p99 70.7 ms". */
export function describeDistribution(distribution: LatencyDistribution): string {
  return distribution.distribution === 'fixed' ? `${distribution.ms} ms each` : `log-normal, median ${distribution.medianMs} ms, p99 ${distribution.p99Ms} ms`;
}

/**
 * The profile in one line, as every result, summary and report states it; "none" when the
 * store answers as fast as it can. Two runs whose texts differ do not compare.
 */
export function describeStoreLatency(profile: StoreLatencyProfile | undefined): string {
  if (profile === undefined) return 'none (the store answers as fast as it can)';
  return `${profile.name}: reads ${describeDistribution(profile.read)}; writes ${describeDistribution(profile.write)}`;
}
