import type { Population } from '../results/scenario-schema.js';
import { Prng } from './prng.js';
import { rankToId, ZipfSampler } from './zipf.js';

/**
 * Who is in which guild, as compressed sparse rows in typed arrays (both directions: a user's
 * guilds for reconnects and fills, a guild's members for mentions). Guild g owns the channels
 * g * channelsPerGuild .. g * channelsPerGuild + channelsPerGuild - 1, and a user has one read
 * state per channel of every guild it is in.
 */
export class Membership {
  readonly channelsPerGuild: number;
  readonly users: number;
  readonly #userGuildStart: Uint32Array;
  readonly #userGuilds: Uint32Array;
  readonly #guildMemberStart: Uint32Array;
  readonly #guildMembers: Uint32Array;

  constructor(population: Population, seed: number) {
    const { users, guilds, guildsPerUser, channelsPerGuild } = population;
    this.users = users;
    this.channelsPerGuild = channelsPerGuild;
    const random = new Prng(seed ^ 0x5eed_0001);
    const guildPopularity = new ZipfSampler(guilds, population.guildSkew);
    const guildId = rankToId(guilds);

    this.#userGuildStart = new Uint32Array(users + 1);
    this.#userGuilds = new Uint32Array(users * guildsPerUser);
    const memberCount = new Uint32Array(guilds + 1);
    let length = 0;
    for (let user = 0; user < users; user++) {
      const first = length;
      for (let k = 0; k < guildsPerUser; k++) {
        const guild = guildId(guildPopularity.sample(random));
        // A popular guild can be drawn twice; a user joins it once.
        if (this.#userGuilds.subarray(first, length).includes(guild)) continue;
        this.#userGuilds[length++] = guild;
        memberCount[guild + 1]!++;
      }
      this.#userGuildStart[user + 1] = length;
    }

    // Invert: prefix sums of member counts give each guild's slice of the member array.
    this.#guildMemberStart = memberCount;
    for (let g = 0; g < guilds; g++) this.#guildMemberStart[g + 1]! += this.#guildMemberStart[g]!;
    this.#guildMembers = new Uint32Array(length);
    const cursor = this.#guildMemberStart.slice(0, guilds);
    for (let user = 0; user < users; user++) {
      for (let j = this.#userGuildStart[user]!; j < this.#userGuildStart[user + 1]!; j++) {
        const guild = this.#userGuilds[j]!;
        this.#guildMembers[cursor[guild]!++] = user;
      }
    }
  }

  guildsOf(user: number): Uint32Array {
    return this.#userGuilds.subarray(this.#userGuildStart[user]!, this.#userGuildStart[user + 1]!);
  }

  membersOf(guild: number): Uint32Array {
    return this.#guildMembers.subarray(this.#guildMemberStart[guild]!, this.#guildMemberStart[guild + 1]!);
  }

  /** Every channel `user` has a read state in, in a stable order. */
  channelsOf(user: number): number[] {
    const channels: number[] = [];
    for (const guild of this.guildsOf(user)) {
      for (let c = 0; c < this.channelsPerGuild; c++) channels.push(guild * this.channelsPerGuild + c);
    }
    return channels;
  }

  guildOf(channel: number): number {
    return Math.floor(channel / this.channelsPerGuild);
  }
}
