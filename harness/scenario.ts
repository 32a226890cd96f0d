import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { UsageError } from './errors.js';
import { packageRoot } from './package-root.js';
import { REQUEST_TYPES, type RequestType } from './request-log.js';

export type RequestMix = Readonly<Record<RequestType, number>>;

/** A stretch of the run with its own request mix (a reconnect storm, say). */
export interface Phase {
  readonly fromSecond: number;
  readonly toSecond: number;
  readonly mix: RequestMix;
}

export interface Population {
  /** Distinct users. */
  readonly users: number;
  /** Distinct guilds (servers); each has `channelsPerGuild` channels. */
  readonly guilds: number;
  readonly channelsPerGuild: number;
  /** Guild memberships drawn per user; a user has a read state in every channel of each. */
  readonly guildsPerUser: number;
  /** Zipf exponent of user activity: larger means a hotter head. */
  readonly userSkew: number;
  /** Zipf exponent of guild popularity. */
  readonly guildSkew: number;
}

/** A declarative load, read from `scenarios/<name>.json` and validated on load. */
export interface Scenario {
  readonly name: string;
  readonly description: string;
  /** Wall-clock seconds of measured load. */
  readonly durationSeconds: number;
  /** Requests per wall-clock second. */
  readonly rate: number;
  /** Read states the cache holds. */
  readonly capacity: number;
  /** Scenario seconds per wall-clock second: 12 plays Discord's 2 minutes in 10 s. */
  readonly timeScale: number;
  /** A forced major GC every `intervalSeconds` of scenario time, or none. */
  readonly forcedGc: { readonly intervalSeconds: number; readonly mode: ForcedGcMode } | null;
  /** Dirty states are written back this many scenario seconds after their last update. */
  readonly writeBackDelaySeconds: number;
  readonly windowSeconds: number;
  readonly seed: number;
  readonly population: Population;
  readonly mix: RequestMix;
  readonly phases: readonly Phase[];
  readonly maxMentionsPerMessage: number;
}

export type ForcedGcMode = 'sync' | 'concurrent';
export const FORCED_GC_MODES: readonly ForcedGcMode[] = ['sync', 'concurrent'];

export const scenariosDir = join(packageRoot, 'scenarios');

export function scenarioNames(): string[] {
  return readdirSync(scenariosDir)
    .filter((file) => file.endsWith('.json'))
    .map((file) => basename(file, '.json'))
    .sort();
}

/** Loads a scenario by name (from `scenarios/`) or by path to a JSON file. */
export function loadScenario(nameOrPath: string): Scenario {
  const byName = join(scenariosDir, `${nameOrPath}.json`);
  const path = /^[\w-]+$/.test(nameOrPath) ? byName : nameOrPath;
  if (!existsSync(path)) {
    throw new UsageError(`unknown scenario "${nameOrPath}"; known: ${scenarioNames().join(', ')}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new UsageError(`scenario ${path} is not valid JSON: ${(error as Error).message}`);
  }
  return parseScenario(raw, path);
}

/** Checks every field of a parsed scenario file; throws a UsageError naming the first bad one. */
export function parseScenario(raw: unknown, source: string): Scenario {
  const fields = new FieldReader(raw, source);
  const population = fields.object('population');
  const forcedGc = fields.nullableObject('forcedGc');
  const scenario: Scenario = {
    name: fields.string('name'),
    description: fields.string('description'),
    durationSeconds: fields.number('durationSeconds', { min: 0.1 }),
    rate: fields.number('rate', { min: 1 }),
    capacity: fields.integer('capacity', { min: 1, max: 2 ** 31 - 1 }),
    timeScale: fields.number('timeScale', { min: 0.001 }),
    forcedGc:
      forcedGc === null
        ? null
        : {
            intervalSeconds: forcedGc.number('intervalSeconds', { min: 0.001 }),
            mode: forcedGc.oneOf('mode', FORCED_GC_MODES),
            ...forcedGc.rejectUnknown(),
          },
    writeBackDelaySeconds: fields.number('writeBackDelaySeconds', { min: 0 }),
    windowSeconds: fields.number('windowSeconds', { min: 0.01 }),
    seed: fields.integer('seed', { min: 0, max: 0xffff_ffff }),
    population: {
      users: population.integer('users', { min: 1, max: 2 ** 32 }),
      guilds: population.integer('guilds', { min: 1, max: 2 ** 26 }),
      channelsPerGuild: population.integer('channelsPerGuild', { min: 1, max: 64 }),
      guildsPerUser: population.integer('guildsPerUser', { min: 1, max: 64 }),
      userSkew: population.number('userSkew', { min: 0, max: 4 }),
      guildSkew: population.number('guildSkew', { min: 0, max: 4 }),
      ...population.rejectUnknown(),
    },
    mix: parseMix(fields.object('mix')),
    phases: fields.array('phases').map((phase) => ({
      fromSecond: phase.number('fromSecond', { min: 0 }),
      toSecond: phase.number('toSecond', { min: 0 }),
      mix: parseMix(phase.object('mix')),
      ...phase.rejectUnknown(),
    })),
    maxMentionsPerMessage: fields.integer('maxMentionsPerMessage', { min: 0, max: 100 }),
  };
  fields.rejectUnknown();
  const channels = scenario.population.guilds * scenario.population.channelsPerGuild;
  if (channels > 2 ** 32) throw new UsageError(`${source}: guilds x channelsPerGuild must fit in 32 bits`);
  return scenario;
}

function parseMix(fields: FieldReader): RequestMix {
  const mix = Object.fromEntries(
    REQUEST_TYPES.map((type) => [type, fields.number(type, { min: 0 })]),
  ) as Record<RequestType, number>;
  fields.rejectUnknown();
  const total = REQUEST_TYPES.reduce((sum, type) => sum + mix[type], 0);
  if (total <= 0) throw new UsageError(`${fields.where}: the mix must give some request type a share`);
  return mix;
}

/** Reads typed fields out of untrusted JSON, naming the path of the first one that is wrong. */
class FieldReader {
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

  nullableObject(key: string): FieldReader | null {
    return this.#take(key) === null ? null : this.object(key);
  }

  array(key: string): FieldReader[] {
    const value = this.#take(key);
    if (!Array.isArray(value)) throw new UsageError(`${this.where}: "${key}" must be an array`);
    return value.map((item, i) => new FieldReader(item, `${this.where}.${key}[${i}]`));
  }

  /** Throws on a field nobody read; returns nothing to spread, so it can close an object literal. */
  rejectUnknown(): Record<string, never> {
    const unknown = Object.keys(this.#value).filter((key) => !this.#seen.has(key));
    if (unknown.length > 0) throw new UsageError(`${this.where}: unknown field "${unknown[0]}"`);
    return {};
  }
}
