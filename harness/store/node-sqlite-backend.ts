import { createRequire } from 'node:module';
import { STORE_BUSY_TIMEOUT_MS } from '../tuning.js';
import { type StoreBackend, WRITE_WIDTH } from './protocol.js';
import { CREATE_READ_STATES, putFound, SELECT_ALL_READ_STATES, SELECT_READ_STATE, type SelectedState, UPSERT_READ_STATE } from './read-states-sql.js';

/** The parts of `node:sqlite` used here (Node 22.5+, Node 24, Bun 1.4, Deno 2). */
interface Statement {
  run(...values: number[]): unknown;
  get(...values: number[]): Record<string, number> | undefined;
  all(): Array<Record<string, number>>;
}
interface DatabaseSync {
  exec(sql: string): void;
  prepare(sql: string): Statement;
  close(): void;
}

/** Thrown inside the self-test's transaction to roll it back. */
const ROLL_BACK = Symbol('roll back');

/**
 * Read states in a real SQLite database through the runtime's own `node:sqlite`, with the same
 * table, pragmas and statements as better-sqlite3's backend (sqlite-backend.ts). It stands in
 * where better-sqlite3 cannot load: the addon is built for the system Node's ABI (Node 20), Bun
 * does not support it, and Deno loads Node-API addons only. Node 20 has no `node:sqlite`.
 */
export class NodeSqliteStoreBackend implements StoreBackend {
  readonly #db: DatabaseSync;
  readonly #upsert: Statement;
  readonly #select: Statement;

  constructor(path: string) {
    // Required, not imported: Node 20 has no such module, and this file must still compile and load there.
    const { DatabaseSync } = createRequire(import.meta.url)('node:sqlite') as { DatabaseSync: new (path: string) => DatabaseSync };
    this.#db = new DatabaseSync(path);
    this.#db.exec(`PRAGMA busy_timeout = ${STORE_BUSY_TIMEOUT_MS}`);
    this.#db.exec('PRAGMA journal_mode = WAL');
    this.#db.exec('PRAGMA synchronous = NORMAL');
    this.#db.exec(CREATE_READ_STATES);
    this.#upsert = this.#db.prepare(UPSERT_READ_STATE);
    this.#select = this.#db.prepare(SELECT_READ_STATE);
  }

  selfTest(): void {
    try {
      this.atomically(() => {
        this.#upsert.run(-1, -1, 1, 2, 3);
        if (this.#select.get(-1, -1)?.lastRead !== 1) throw new Error('a test write did not read back');
        throw ROLL_BACK;
      });
    } catch (error) {
      if (error !== ROLL_BACK) throw error;
    }
  }

  atomically(work: () => void): void {
    this.#db.exec('BEGIN');
    try {
      work();
    } catch (error) {
      this.#db.exec('ROLLBACK');
      throw error;
    }
    this.#db.exec('COMMIT');
  }

  write(userId: number, channelId: number, lastRead: number, mentions: number, updatedAt: number): void {
    this.#upsert.run(userId, channelId, lastRead, mentions, updatedAt);
  }

  load(userId: number, channelId: number, out: Float64Array, at: number): void {
    // node:sqlite types rows as records of any column value; SELECT_READ_STATE selects SelectedState's columns.
    putFound(this.#select.get(userId, channelId) as SelectedState | undefined, out, at);
  }

  dump(): Float64Array<ArrayBuffer> {
    const rows = this.#db.prepare(SELECT_ALL_READ_STATES).all();
    const out = new Float64Array(rows.length * WRITE_WIDTH);
    rows.forEach((row, i) => {
      const at = i * WRITE_WIDTH;
      out[at] = row.user_id!;
      out[at + 1] = row.channel_id!;
      out[at + 2] = row.last_read_message_id!;
      out[at + 3] = row.mention_count!;
      out[at + 4] = row.updated_at!;
    });
    return out;
  }

  close(): void {
    this.#db.close();
  }
}
