import Database from 'better-sqlite3';
import type { ReadState } from '../../implementations/contract.js';

/**
 * Every read state in a service's SQLite file, read after the service stopped: the table every
 * service writes (store/sqlite-backend.ts, and the Go and Rust services in references/).
 */
export function readDatabaseStates(path: string): ReadState[] {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    // Raw rows: the five INTEGER columns selected, in order.
    const rows = db
      .prepare<[], [number, number, number, number, number]>('SELECT user_id, channel_id, last_read_message_id, mention_count, updated_at FROM read_states')
      .raw()
      .all();
    return rows.map(([userId, channelId, lastReadMessageId, mentionCount, updatedAt]) => ({ userId, channelId, lastReadMessageId, mentionCount, updatedAt }));
  } finally {
    db.close();
  }
}
