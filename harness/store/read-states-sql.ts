/**
 * The read-state table and the statements every SQLite backend runs, whichever binding
 * runs them (better-sqlite3 in sqlite-backend.ts, the runtime's node:sqlite in
 * node-sqlite-backend.ts), so the store is the same database on every runtime.
 */
export const CREATE_READ_STATES = `CREATE TABLE IF NOT EXISTS read_states (
  user_id INTEGER NOT NULL,
  channel_id INTEGER NOT NULL,
  last_read_message_id INTEGER NOT NULL,
  mention_count INTEGER NOT NULL,
  updated_at REAL NOT NULL,
  PRIMARY KEY (user_id, channel_id)
) WITHOUT ROWID`;

export const UPSERT_READ_STATE = `INSERT INTO read_states VALUES (?, ?, ?, ?, ?)
  ON CONFLICT (user_id, channel_id) DO UPDATE SET
    last_read_message_id = excluded.last_read_message_id,
    mention_count = excluded.mention_count,
    updated_at = excluded.updated_at`;

export const SELECT_READ_STATE =
  'SELECT last_read_message_id AS lastRead, mention_count AS mentions, updated_at AS updatedAt FROM read_states WHERE user_id = ? AND channel_id = ?';

export const SELECT_ALL_READ_STATES = 'SELECT user_id, channel_id, last_read_message_id, mention_count, updated_at FROM read_states';

/** A row of SELECT_READ_STATE. */
export interface SelectedState {
  readonly lastRead: number;
  readonly mentions: number;
  readonly updatedAt: number;
}

/** A load's answer at `at` in `out`, as FOUND_WIDTH numbers: found (0 or 1), lastRead, mentions, updatedAt. */
export function putFound(row: SelectedState | undefined, out: Float64Array, at: number): void {
  out[at] = row === undefined ? 0 : 1;
  out[at + 1] = row?.lastRead ?? 0;
  out[at + 2] = row?.mentions ?? 0;
  out[at + 3] = row?.updatedAt ?? 0;
}
