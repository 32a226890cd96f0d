import type cassandra from 'cassandra-driver';
import { cassandraDriver } from '../cassandra/driver.js';
import { CASSANDRA_CONNECT_TIMEOUT_MS, CASSANDRA_REQUEST_TIMEOUT_MS, CASSANDRA_SLOW_REQUEST_TIMEOUT_MS } from '../tuning.js';
import type { CassandraTarget } from './cassandra-target.js';
import { FOUND_WIDTH } from './protocol.js';

const COLUMNS = 'user_id, channel_id, last_read_message_id, mention_count, updated_at';

/** A client of the target's cluster, at the target's consistency for reads and writes alike. */
export async function connectCassandra(target: CassandraTarget): Promise<cassandra.Client> {
  const driver = await cassandraDriver();
  const client = new driver.Client({
    contactPoints: [...target.contactPoints],
    localDataCenter: target.localDataCenter,
    socketOptions: { connectTimeout: CASSANDRA_CONNECT_TIMEOUT_MS, readTimeout: CASSANDRA_REQUEST_TIMEOUT_MS },
    queryOptions: { consistency: driver.types.consistencies[target.consistency], prepare: true },
    // The lab's own retries (store/client.ts) resend a failed write; the driver's would only hide the failure longer.
    policies: { retry: new driver.policies.retry.FallthroughRetryPolicy() },
  });
  try {
    await client.connect();
  } catch (error) {
    await client.shutdown().catch(() => {});
    throw error;
  }
  return client;
}

/** A number column as a JS number, whichever CQL type carries it (bigint arrives as a Long). */
export function numberOf(value: unknown): number {
  if (typeof value === 'number') return value;
  if (value === null || value === undefined) return 0;
  if (typeof value === 'object' && 'toNumber' in value && typeof value.toNumber === 'function') return Number(value.toNumber());
  throw new TypeError(`not a number column: ${String(value)}`);
}

/**
 * Read states in a Cassandra table, one row per request: the store worker keeps many of them in
 * flight, reads and writes in windows of their own (store/cassandra-batches.ts). Writes are
 * single-row INSERTs, not batches: every row is its own partition's write, which the driver sends
 * straight to a replica of it, where an unlogged batch over many partitions would load one
 * coordinator with all of them.
 *
 * Each write carries its own write timestamp (`USING TIMESTAMP`), handed out in the order the
 * service wrote the states, so Cassandra keeps the newest of two writes of a row whatever order
 * they land in (store/cassandra-batches.ts says why the order of stamps is the service's order).
 */
export class CassandraStoreBackend {
  readonly #client: cassandra.Client;
  readonly #table: string;
  readonly #insert: string;
  readonly #select: string;

  private constructor(client: cassandra.Client, target: CassandraTarget) {
    this.#client = client;
    this.#table = `${target.keyspace}.${target.table}`;
    this.#insert = `INSERT INTO ${this.#table} (${COLUMNS}) VALUES (?, ?, ?, ?, ?) USING TIMESTAMP ?`;
    this.#select = `SELECT last_read_message_id, mention_count, updated_at FROM ${this.#table} WHERE user_id = ? AND channel_id = ?`;
  }

  /** Connects; the table must exist (the lab's cluster creates it, a run creates its own). */
  static async open(target: CassandraTarget): Promise<CassandraStoreBackend> {
    return new CassandraStoreBackend(await connectCassandra(target), target);
  }

  /** Writes, reads back and deletes a state under a key no request can name (ids are unsigned). */
  async selfTest(stamp: number): Promise<void> {
    await this.#client.execute(this.#insert, [-1, -1, 1, 2, 3, stamp]);
    const row = (await this.#client.execute(this.#select, [-1, -1])).first();
    if (row === null || numberOf(row.get('last_read_message_id')) !== 1) throw new Error(`a test write to ${this.#table} did not read back`);
    await this.#client.execute(`DELETE FROM ${this.#table} USING TIMESTAMP ? WHERE user_id = ? AND channel_id = ?`, [stamp + 1, -1, -1]);
  }

  /** Writes the state of WRITE_WIDTH numbers at `at` of `writes`, with write timestamp `stamp`. */
  async writeRow(writes: Float64Array, at: number, stamp: number): Promise<void> {
    await this.#client.execute(this.#insert, [writes[at]!, writes[at + 1]!, writes[at + 2]!, writes[at + 3]!, writes[at + 4]!, stamp]);
  }

  /** Reads one state into `found` at `at` as FOUND_WIDTH numbers (found[at] is 0 when none is stored). */
  async loadRow(userId: number, channelId: number, found: Float64Array, at: number): Promise<void> {
    const row = (await this.#client.execute(this.#select, [userId, channelId])).first();
    if (row === null) {
      found.fill(0, at, at + FOUND_WIDTH);
      return;
    }
    found[at] = 1;
    found[at + 1] = numberOf(row.get('last_read_message_id'));
    found[at + 2] = numberOf(row.get('mention_count'));
    found[at + 3] = numberOf(row.get('updated_at'));
  }

  /** Every stored state, WRITE_WIDTH numbers each. */
  async dump(): Promise<Float64Array<ArrayBuffer>> {
    return dumpTable(this.#client, this.#table);
  }

  async close(): Promise<void> {
    await this.#client.shutdown();
  }
}

/** Every row of `table` (keyspace.table), page by page, WRITE_WIDTH numbers each. */
export async function dumpTable(client: cassandra.Client, table: string): Promise<Float64Array<ArrayBuffer>> {
  const numbers: number[] = [];
  let pageState: string | undefined;
  do {
    const page = await client.execute(`SELECT ${COLUMNS} FROM ${table}`, [], {
      fetchSize: 5_000,
      pageState,
      autoPage: false,
      readTimeout: CASSANDRA_SLOW_REQUEST_TIMEOUT_MS,
    });
    for (const row of page.rows) {
      numbers.push(
        numberOf(row.get('user_id')),
        numberOf(row.get('channel_id')),
        numberOf(row.get('last_read_message_id')),
        numberOf(row.get('mention_count')),
        numberOf(row.get('updated_at')),
      );
    }
    pageState = page.pageState ?? undefined;
  } while (pageState !== undefined);
  return Float64Array.from(numbers);
}
