/**
 * The scenario file format (scenarios/*.json) and the request vocabulary it speaks: types written
 * to disk, so they live with the results schema. harness/workload/scenario.ts validates files
 * against them.
 */

export const REQUEST_TYPES = ['message', 'ack', 'open', 'reconnect'] as const;

export type RequestType = (typeof REQUEST_TYPES)[number];

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
  /**
   * The store a run of this scenario uses unless --store says otherwise (sqlite when absent):
   * discord-scale keeps 5 million states, more than a SQLite file on this machine's disk takes
   * at the rate it writes them back.
   */
  readonly store?: 'sqlite' | 'memory';
}

export type ForcedGcMode = 'sync' | 'concurrent';

export const FORCED_GC_MODES: readonly ForcedGcMode[] = ['sync', 'concurrent'];
