import type { ReadState } from '../../implementations/contract.js';
import { REQUEST_TYPES, type RequestMix, type Scenario } from '../results/scenario-schema.js';
import { Membership } from './population.js';
import { Prng } from './prng.js';
import { ACK, MESSAGE, OPEN, RECONNECT, type RequestLog, RequestLogBuilder } from './request-log.js';
import { rankToId, ZipfSampler } from './zipf.js';

/**
 * Message ids start here so that the lab exercises ids near 2^50, as real snowflake ids are,
 * and any contender that keeps them in 32 bits or floats of less precision fails.
 */
export const FIRST_MESSAGE_ID = 2 ** 50;

/** Random guild members drawn per mention; the most active of them is mentioned. */
const MENTION_CANDIDATES = 3;

/** The population and user-activity order of a scenario, shared by request generation and fills. */
export class Workload {
  readonly membership: Membership;
  readonly #userActivity: ZipfSampler;
  readonly #userByRank: (rank: number) => number;
  /** Activity rank of each user (0 = most active), to make mentions favour active users. */
  readonly #rankOfUser: Uint32Array;
  readonly #scenario: Scenario;

  constructor(scenario: Scenario, seed: number) {
    this.#scenario = scenario;
    this.membership = new Membership(scenario.population, seed);
    this.#userActivity = new ZipfSampler(scenario.population.users, scenario.population.userSkew);
    this.#userByRank = rankToId(scenario.population.users);
    this.#rankOfUser = new Uint32Array(scenario.population.users);
    for (let rank = 0; rank < scenario.population.users; rank++) this.#rankOfUser[this.#userByRank(rank)] = rank;
  }

  /** The scenario's own log: its rate for its duration, from its seed. */
  generateForScenario(): RequestLog {
    const s = this.#scenario;
    return this.generate(Math.round(s.rate * s.durationSeconds), s.rate, s.seed);
  }

  /**
   * The request log of `count` requests at the scenario's rate: the same scenario, seed and
   * count give the same log.
   */
  generate(count: number, rate: number, seed: number): RequestLog {
    const random = new Prng(seed);
    const builder = new RequestLogBuilder();
    const membership = this.membership;
    const perGuild = membership.channelsPerGuild;
    const lastMessageInChannel = new Map<number, number>();
    let nextMessageId = FIRST_MESSAGE_ID;
    const mentions: number[] = [];
    for (let i = 0; i < count; i++) {
      const type = pickType(this.#mixAt(i / rate), random);
      const user = this.#userByRank(this.#userActivity.sample(random));
      const guilds = membership.guildsOf(user);
      const guild = guilds[random.nextInt(guilds.length)]!;
      const channel = guild * perGuild + random.nextInt(perGuild);
      switch (type) {
        case MESSAGE: {
          const messageId = nextMessageId++;
          lastMessageInChannel.set(channel, messageId);
          const members = membership.membersOf(guild);
          mentions.length = 0;
          const mentionCount = random.nextInt(this.#scenario.maxMentionsPerMessage + 1);
          for (let m = 0; m < mentionCount; m++) mentions.push(this.#pickMentioned(members, random));
          builder.add(MESSAGE, user, channel, messageId, mentions);
          break;
        }
        case ACK:
          builder.add(ACK, user, channel, lastMessageInChannel.get(channel) ?? FIRST_MESSAGE_ID - 1, []);
          break;
        case OPEN:
          builder.add(OPEN, user, channel, 0, []);
          break;
        default:
          builder.add(RECONNECT, user, 0, 0, membership.channelsOf(user));
      }
    }
    return builder.build();
  }

  /**
   * States to warm the cache with before measuring: fresh states (what a store miss returns) of
   * the most active users' channels, most active first, up to `capacity`. They equal what the
   * store would return, so they do not change what the request log implies.
   */
  *warmStates(capacity: number): Generator<ReadState> {
    let filled = 0;
    for (let rank = 0; rank < this.#scenario.population.users && filled < capacity; rank++) {
      const user = this.#userByRank(rank);
      for (const channel of this.membership.channelsOf(user)) {
        if (filled++ >= capacity) return;
        yield { userId: user, channelId: channel, lastReadMessageId: 0, mentionCount: 0, updatedAt: 0 };
      }
    }
  }

  /**
   * People mostly mention people who are around: the most active of a few random members of the
   * guild, so mentions lean towards active users without ignoring the long tail.
   */
  #pickMentioned(members: Uint32Array, random: Prng): number {
    let best = members[random.nextInt(members.length)]!;
    for (let draw = 1; draw < MENTION_CANDIDATES; draw++) {
      const candidate = members[random.nextInt(members.length)]!;
      if (this.#rankOfUser[candidate]! < this.#rankOfUser[best]!) best = candidate;
    }
    return best;
  }

  #mixAt(second: number): RequestMix {
    const phase = this.#scenario.phases.find((p) => second >= p.fromSecond && second < p.toSecond);
    return phase?.mix ?? this.#scenario.mix;
  }
}

function pickType(mix: RequestMix, random: Prng): number {
  let total = 0;
  for (const type of REQUEST_TYPES) total += mix[type];
  let x = random.nextFloat() * total;
  for (let t = 0; t < REQUEST_TYPES.length; t++) {
    x -= mix[REQUEST_TYPES[t]!];
    if (x < 0) return t;
  }
  return REQUEST_TYPES.length - 1;
}
