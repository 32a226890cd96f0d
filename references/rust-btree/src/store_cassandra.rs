//! The Cassandra backend of the store, through ScyllaDB's driver (the `scylla` crate), built
//! with `--features cassandra`. The store thread is synchronous, so the backend keeps a small
//! tokio runtime of its own and blocks on it: the service's runtime never waits on the database.
//!
//! The table is the lab's (user_id bigint, channel_id bigint, last_read_message_id bigint,
//! mention_count int, updated_at double). Every write is a whole-row INSERT stamped USING
//! TIMESTAMP with its stamp, so Cassandra keeps the newest state of a row even when an older
//! write (a retry) lands after it.

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use scylla::client::session::Session;
use scylla::client::session_builder::SessionBuilder;
use scylla::policies::retry::FallthroughRetryPolicy;
use scylla::statement::prepared::PreparedStatement;
use tokio::runtime::Runtime;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use crate::state::{Key, ReadState};
use crate::store::{next_stamp, Backend};
use crate::store_flags::{CassandraTarget, Consistency};

/// Requests outstanding at once: enough to hide a round trip, few enough that a burst of
/// write-backs does not queue inside the driver.
const IN_FLIGHT: usize = 32;
/// A request that takes longer counts as failed (and a write is retried): a frozen node is
/// noticed in this time.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(2);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

pub struct CassandraBackend {
    runtime: Runtime,
    session: Arc<Session>,
    insert: PreparedStatement,
    select: PreparedStatement,
}

/// Connects, prepares both statements and proves a write, a read and a delete work under a key
/// no request can name (ids are unsigned), so a missing table fails at startup.
pub fn open(target: &CassandraTarget) -> Result<CassandraBackend, String> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .thread_name("cassandra")
        .enable_all()
        .build()
        .map_err(|e| format!("{}: cannot start its runtime: {e}", target.describe()))?;
    let opened = runtime.block_on(connect(target));
    let (session, insert, select) = opened.map_err(|e| format!("{}: {e}", target.describe()))?;
    Ok(CassandraBackend { runtime, session: Arc::new(session), insert, select })
}

async fn connect(target: &CassandraTarget) -> Result<(Session, PreparedStatement, PreparedStatement), String> {
    let session = SessionBuilder::new()
        .known_nodes(&target.hosts)
        .connection_timeout(CONNECT_TIMEOUT)
        .build()
        .await
        .map_err(|e| e.to_string())?;
    let columns = "user_id, channel_id, last_read_message_id, mention_count, updated_at";
    let table = &target.table;
    let insert = format!("INSERT INTO {table} ({columns}) VALUES (?, ?, ?, ?, ?) USING TIMESTAMP ?");
    let select =
        format!("SELECT last_read_message_id, mention_count, updated_at FROM {table} WHERE user_id = ? AND channel_id = ?");
    let delete = format!("DELETE FROM {table} USING TIMESTAMP ? WHERE user_id = ? AND channel_id = ?");
    let mut statements = Vec::new();
    for cql in [insert, select, delete] {
        let mut prepared = session.prepare(cql).await.map_err(|e| e.to_string())?;
        prepared.set_consistency(match target.consistency {
            Consistency::One => scylla::statement::Consistency::One,
            Consistency::Quorum => scylla::statement::Consistency::Quorum,
        });
        prepared.set_request_timeout(Some(REQUEST_TIMEOUT));
        // The store retries a failed write itself, with backoff and the same stamp; the
        // driver's retries would only hide a failing database for longer.
        prepared.set_retry_policy(Some(Arc::new(FallthroughRetryPolicy::new())));
        statements.push(prepared);
    }
    let (delete, select, insert) = (statements.pop().unwrap(), statements.pop().unwrap(), statements.pop().unwrap());
    let stamp = next_stamp(0, SystemTime::now());
    session.execute_unpaged(&insert, (-1i64, -1i64, 42i64, 7i32, 1.5f64, stamp)).await.map_err(|e| format!("test write: {e}"))?;
    let row = read(&session, &select, (-1, -1)).await.map_err(|e| format!("test read: {e}"))?;
    if row.map(|s| (s.last_read_message_id, s.mention_count, s.updated_at)) != Some((42, 7, 1.5)) {
        return Err("test read gave back a different row".into());
    }
    session.execute_unpaged(&delete, (stamp + 1, -1i64, -1i64)).await.map_err(|e| format!("test delete: {e}"))?;
    Ok((session, insert, select))
}

/// One row of the table, or None; a key of the API's u32 ids, or the start-up check's -1.
async fn read(session: &Session, select: &PreparedStatement, (user, channel): (i64, i64)) -> Result<Option<ReadState>, String> {
    let result = session.execute_unpaged(select, (user, channel)).await.map_err(|e| e.to_string())?;
    let rows = result.into_rows_result().map_err(|e| e.to_string())?;
    let row = rows.maybe_first_row::<(Option<i64>, Option<i32>, Option<f64>)>().map_err(|e| e.to_string())?;
    Ok(row.map(|(last_read, mentions, updated_at)| ReadState {
        user_id: user as u32,
        channel_id: channel as u32,
        last_read_message_id: last_read.unwrap_or(0).max(0) as u64,
        mention_count: mentions.unwrap_or(0).max(0) as u64,
        updated_at: updated_at.unwrap_or(0.0),
    }))
}

impl Backend for CassandraBackend {
    /// Sends every write concurrently and waits for all; any failure fails the whole round,
    /// which the store offers again with the same stamps.
    fn write_all(&mut self, writes: &[(ReadState, i64)]) -> Result<(), String> {
        let results = self.each_concurrently(writes.to_vec(), &self.insert, |session, insert, (state, stamp)| async move {
            let values = (
                state.user_id as i64,
                state.channel_id as i64,
                state.last_read_message_id as i64,
                state.mention_count.min(i32::MAX as u64) as i32,
                state.updated_at,
                stamp,
            );
            session.execute_unpaged(&insert, values).await.map(|_| ()).map_err(|e| e.to_string())
        });
        let failed = results.iter().filter(|result| result.is_err()).count();
        match results.into_iter().find_map(Result::err) {
            Some(first) => Err(format!("{failed} of {} writes not acknowledged: {first}", writes.len())),
            None => Ok(()),
        }
    }

    fn read_all(&mut self, keys: &[Key]) -> Vec<Result<Option<ReadState>, String>> {
        self.each_concurrently(keys.to_vec(), &self.select, |session, select, (user, channel)| async move {
            read(&session, &select, (user as i64, channel as i64)).await
        })
    }
}

impl CassandraBackend {
    /// Runs `request` (with `statement`) on every item, at most IN_FLIGHT at once, and returns
    /// the results in the items' order. After the first failure it sends no more (those items
    /// share its error), so a frozen node costs one request timeout, not one per state.
    fn each_concurrently<I, T, F, Fut>(&self, items: Vec<I>, statement: &PreparedStatement, request: F) -> Vec<Result<T, String>>
    where
        I: Send + 'static,
        T: Send + 'static,
        F: Fn(Arc<Session>, PreparedStatement, I) -> Fut,
        Fut: std::future::Future<Output = Result<T, String>> + Send + 'static,
    {
        let n = items.len();
        self.runtime.block_on(async {
            let slots = Arc::new(Semaphore::new(IN_FLIGHT));
            let first_error: Arc<Mutex<Option<String>>> = Arc::default();
            let mut tasks = JoinSet::new();
            for (at, item) in items.into_iter().enumerate() {
                let slot = Arc::clone(&slots).acquire_owned().await.expect("the semaphore is never closed");
                if first_error.lock().expect("error lock").is_some() {
                    break;
                }
                let future = request(Arc::clone(&self.session), statement.clone(), item);
                let first_error = Arc::clone(&first_error);
                tasks.spawn(async move {
                    let result = future.await;
                    if let Err(cause) = &result {
                        first_error.lock().expect("error lock").get_or_insert_with(|| cause.clone());
                    }
                    drop(slot);
                    (at, result)
                });
            }
            let mut results: Vec<Option<Result<T, String>>> = (0..n).map(|_| None).collect();
            while let Some(joined) = tasks.join_next().await {
                if let Ok((at, result)) = joined {
                    results[at] = Some(result);
                }
            }
            let first = first_error.lock().expect("error lock").clone().unwrap_or_else(|| "the request did not finish".into());
            results.into_iter().map(|result| result.unwrap_or_else(|| Err(format!("not sent: {first}")))).collect()
        })
    }
}
