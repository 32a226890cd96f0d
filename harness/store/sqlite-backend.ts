import Database from 'better-sqlite3';
import { STORE_BUSY_TIMEOUT_MS } from '../tuning.js';
import { type StoreBackend, WRITE_WIDTH } from './protocol.js';
import { CREATE_READ_STATES, putFound, SELECT_ALL_READ_STATES, SELECT_READ_STATE, type SelectedState, UPSERT_READ_STATE } from './read-states-sql.js';

/** Thrown inside the self-test's transaction to roll it back. */
const ROLL_BACK = Symbol('roll back');

/** Read states in a real SQLite database (better-sqlite3), one row per (user, channel). */
export class SqliteStoreBackend implements StoreBackend {
  readonly #db: Database.Database;
  readonly #upsert: Database.Statement<[number, number, number, number, number]>;
  readonly #select: Database.Statement<[number, number], SelectedState>;

  constructor(path: string) {
    this.#db = new Database(path, { timeout: STORE_BUSY_TIMEOUT_MS });
    // The store stands in for a remote database; durability across power loss is not measured.
    this.#db.pragma('journal_mode = WAL');
    this.#db.pragma('synchronous = NORMAL');
    this.#db.exec(CREATE_READ_STATES);
    this.#upsert = this.#db.prepare(UPSERT_READ_STATE);
    this.#select = this.#db.prepare(SELECT_READ_STATE);
  }

  /** A write and a read of a sentinel key no request can name (ids are unsigned), rolled back. */
  selfTest(): void {
    const check = this.#db.transaction(() => {
      this.#upsert.run(-1, -1, 1, 2, 3);
      if (this.#select.get(-1, -1)?.lastRead !== 1) throw new Error('a test write did not read back');
      throw ROLL_BACK;
    });
    try {
      check();
    } catch (error) {
      if (error !== ROLL_BACK) throw error;
    }
  }

  atomically(work: () => void): void {
    this.#db.transaction(work)();
  }

  write(userId: number, channelId: number, lastRead: number, mentions: number, updatedAt: number): void {
    this.#upsert.run(userId, channelId, lastRead, mentions, updatedAt);
  }

  load(userId: number, channelId: number, out: Float64Array, at: number): void {
    putFound(this.#select.get(userId, channelId), out, at);
  }

  dump(): Float64Array<ArrayBuffer> {
    const rows = this.#db.prepare<[], number[]>(SELECT_ALL_READ_STATES).raw().all();
    const out = new Float64Array(rows.length * WRITE_WIDTH);
    rows.forEach((row, i) => {
      out.set(row, i * WRITE_WIDTH);
    });
    return out;
  }

  close(): void {
    this.#db.close();
  }
}
