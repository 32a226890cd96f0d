import { Type } from '@sinclair/typebox';
import { OneOf } from './figures.js';
import { FORCED_GC_MODES, SCENARIO_LIMITS } from './plain-values.js';

/** The scenario file format (scenarios/*.json), which every results file also carries; harness/results/scenario-schema.ts holds its types and bounds. */

const Between = (minimum: number, maximum: number) => Type.Number({ minimum, maximum });
const IntegerBetween = (minimum: number, maximum: number) => Type.Integer({ minimum, maximum });
const Share = Type.Number({ minimum: 0 });

/** Each request type's share of the requests (any scale: the shares are normalised). */

export const RequestMix = Type.Readonly(Type.Object({ message: Share, ack: Share, open: Share, reconnect: Share }, { additionalProperties: false }));

export const Phase = Type.Object(
  {
    fromSecond: Between(0, SCENARIO_LIMITS.durationSeconds),
    toSecond: Between(0, SCENARIO_LIMITS.durationSeconds),
    mix: RequestMix,
  },
  { additionalProperties: false, description: 'A stretch of the run with its own request mix (a reconnect storm, say).' },
);

export const Population = Type.Object(
  {
    users: IntegerBetween(1, 2 ** 32),
    guilds: IntegerBetween(1, 2 ** 26),
    channelsPerGuild: IntegerBetween(1, 64),
    guildsPerUser: IntegerBetween(1, 64),
    userSkew: Between(0, 4),
    guildSkew: Between(0, 4),
  },
  {
    additionalProperties: false,
    description:
      'Distinct users and guilds (each with channelsPerGuild channels); guildsPerUser memberships per user, a read state in every channel of each; Zipf exponents of user activity and guild popularity.',
  },
);

export const Scenario = Type.Object(
  {
    name: Type.String(),
    description: Type.String(),
    durationSeconds: Between(0.1, SCENARIO_LIMITS.durationSeconds),
    rate: Between(1, SCENARIO_LIMITS.rate),
    capacity: IntegerBetween(1, 2 ** 31 - 1),
    timeScale: Between(0.001, SCENARIO_LIMITS.timeScale),
    forcedGc: Type.Union([
      Type.Object({ intervalSeconds: Between(0.001, SCENARIO_LIMITS.forcedGcIntervalSeconds), mode: OneOf(FORCED_GC_MODES) }, { additionalProperties: false }),
      Type.Null(),
    ]),
    writeBackDelaySeconds: Between(0, SCENARIO_LIMITS.writeBackDelaySeconds),
    windowSeconds: Between(0.01, SCENARIO_LIMITS.durationSeconds),
    seed: IntegerBetween(0, 0xffff_ffff),
    population: Population,
    mix: RequestMix,
    phases: Type.Array(Phase),
    maxMentionsPerMessage: IntegerBetween(0, 100),
    /**
     * The store a run of this scenario uses unless --store says otherwise (sqlite when absent):
     * discord-scale keeps 5 million states, more than a SQLite file on this machine's disk takes
     * at the rate it writes them back.
     */
    store: Type.Optional(OneOf(['sqlite', 'memory'] as const)),
  },
  {
    additionalProperties: false,
    description:
      'A declarative load (scenarios/NAME.json): durationSeconds of wall time at rate requests per second, capacity read states cached, timeScale scenario seconds per wall second, a forced major GC every forcedGc.intervalSeconds of scenario time (or none), dirty states written back writeBackDelaySeconds after their last update.',
  },
);
