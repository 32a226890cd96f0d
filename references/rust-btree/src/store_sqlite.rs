//! The SQLite backend of the store: one connection, writes in one transaction per round. Its
//! one writer commits in queue order, so stamps are not needed: the last write of a key is its
//! newest.

use std::path::Path;
use std::time::Duration;

use rusqlite::{params, Connection, OptionalExtension};

use crate::state::{Key, ReadState};
use crate::store::Backend;

const CREATE_TABLE: &str = "CREATE TABLE IF NOT EXISTS read_states (
  user_id INTEGER NOT NULL,
  channel_id INTEGER NOT NULL,
  last_read_message_id INTEGER NOT NULL,
  mention_count INTEGER NOT NULL,
  updated_at REAL NOT NULL,
  PRIMARY KEY (user_id, channel_id)
) WITHOUT ROWID";

const UPSERT: &str = "INSERT INTO read_states VALUES (?1, ?2, ?3, ?4, ?5)
  ON CONFLICT (user_id, channel_id) DO UPDATE SET
    last_read_message_id = excluded.last_read_message_id,
    mention_count = excluded.mention_count,
    updated_at = excluded.updated_at";

const SELECT: &str = "SELECT last_read_message_id, mention_count, updated_at FROM read_states
  WHERE user_id = ?1 AND channel_id = ?2";

/// Outside the u32 id range, so the start-up check can never touch a real read state.
const SENTINEL_USER: i64 = 1 << 32;

/// How long SQLite waits on a lock held by another connection before the write fails (and is
/// retried with backoff): short, so a failing store is noticed and reported quickly.
const BUSY_TIMEOUT: Duration = Duration::from_millis(1000);

/// Opens the database, sets WAL and synchronous=NORMAL, creates the table and proves that a
/// write and a read work (inside a transaction that is rolled back). Errors are one line.
pub fn open(path: &Path) -> Result<SqliteBackend, String> {
    let mut conn = Connection::open(path).map_err(|e| format!("cannot open {}: {e}", path.display()))?;
    let setup = |conn: &mut Connection| -> rusqlite::Result<String> {
        conn.busy_timeout(BUSY_TIMEOUT)?;
        let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.execute_batch(CREATE_TABLE)?;
        Ok(mode)
    };
    let mode = setup(&mut conn).map_err(|e| format!("{}: {e}", path.display()))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(format!("{}: SQLite kept journal_mode {mode}, not WAL", path.display()));
    }
    let check = |conn: &mut Connection| -> rusqlite::Result<bool> {
        let tx = conn.transaction()?;
        tx.execute(UPSERT, params![SENTINEL_USER, 0, 1, 2, 3.5])?;
        let row: Option<(i64, i64, f64)> =
            tx.query_row(SELECT, params![SENTINEL_USER, 0], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).optional()?;
        tx.rollback()?;
        Ok(row == Some((1, 2, 3.5)))
    };
    match check(&mut conn) {
        Ok(true) => Ok(SqliteBackend { conn }),
        Ok(false) => Err(format!("{}: a test row written did not read back", path.display())),
        Err(e) => Err(format!("{}: test write failed: {e}", path.display())),
    }
}

pub struct SqliteBackend {
    conn: Connection,
}

impl Backend for SqliteBackend {
    fn write_all(&mut self, writes: &[(ReadState, i64)]) -> Result<(), String> {
        let tx = self.conn.transaction().map_err(|e| format!("write of {} read states failed: {e}", writes.len()))?;
        let result = (|| -> rusqlite::Result<()> {
            let mut upsert = tx.prepare_cached(UPSERT)?;
            for (state, _) in writes {
                // Message ids stay below 2^53, so they fit SQLite's signed 64-bit integer.
                upsert.execute(params![
                    state.user_id,
                    state.channel_id,
                    state.last_read_message_id as i64,
                    state.mention_count as i64,
                    state.updated_at
                ])?;
            }
            Ok(())
        })();
        result.and_then(|()| tx.commit()).map_err(|e| format!("write of {} read states failed: {e}", writes.len()))
    }

    fn read_all(&mut self, keys: &[Key]) -> Vec<Result<Option<ReadState>, String>> {
        let mut results: Vec<Result<Option<ReadState>, String>> = Vec::with_capacity(keys.len());
        let read = (|| -> rusqlite::Result<()> {
            let tx = self.conn.transaction()?;
            {
                let mut select = tx.prepare_cached(SELECT)?;
                for &key in keys {
                    let row = select
                        .query_row(params![key.0, key.1], |r| {
                            Ok(ReadState {
                                user_id: key.0,
                                channel_id: key.1,
                                last_read_message_id: r.get::<_, i64>(0)?.max(0) as u64,
                                mention_count: r.get::<_, i64>(1)?.max(0) as u64,
                                updated_at: r.get(2)?,
                            })
                        })
                        .optional()?;
                    results.push(Ok(row));
                }
            }
            tx.commit()
        })();
        if let Err(e) = read {
            // Loads answered before the error were read correctly; the rest share the error.
            results.resize(keys.len(), Err(e.to_string()));
        }
        results
    }
}
