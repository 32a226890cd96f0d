import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../errors.js';
import { readJsonFile } from '../json-input.js';
import { packageRoot } from '../package-root.js';
import { checkAgainstSchema } from '../results/check-against-schema.js';
import {
  type LatencyDistribution,
  MAX_STORE_LATENCY_MS as MAX_MS,
  type StoreLatencyProfile,
  StoreLatencyProfileFile,
} from '../results/schemas/store-latency.js';

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

export { describeDistribution, describeStoreLatency, type LatencyDistribution, type StoreLatencyProfile } from '../results/schemas/store-latency.js';

export const storeLatencyDir = join(packageRoot, 'scenarios', 'store-latency');

// The store worker imports the sampler, never this module: reading a profile loads the schema library, which stays off a measured process.
export { Z_P99 } from './latency-sampler.js';

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
  const where = `store latency profile ${path}`;
  const profile = checkAgainstSchema(StoreLatencyProfileFile, readJsonFile(path, 'store latency profile'), where);
  checkDistribution(profile.read, `${where}.read`);
  checkDistribution(profile.write, `${where}.write`);
  return profile;
}

/** What the schema cannot say: a log-normal's p99 lies above its median. */
function checkDistribution(distribution: LatencyDistribution, where: string): void {
  if (distribution.distribution === 'lognormal' && distribution.p99Ms <= distribution.medianMs) {
    throw new UsageError(`${where}: "p99Ms" (${distribution.p99Ms}) must be above "medianMs" (${distribution.medianMs})`);
  }
}
