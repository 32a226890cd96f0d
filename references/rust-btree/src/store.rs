//! The SQLite store, on a thread of its own (rusqlite is synchronous), fed through one channel.
//!
//! One thread taking one FIFO queue is what keeps the ORDERING INVARIANT: a write-back is sent
//! (under the cache lock) before any later load of the same key can be sent, so this thread
//! sees the write first. Writes not yet committed stay in `pending`, keyed by read state, and
//! a load looks there before it reads the database: a load therefore sees every write issued
//! before it even while the database refuses writes.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use rusqlite::{params, Connection, OptionalExtension};
use tokio::sync::oneshot;

use crate::state::{Key, ReadState};

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
const FIRST_BACKOFF: Duration = Duration::from_millis(50);
const MAX_BACKOFF: Duration = Duration::from_secs(2);
/// The most queued requests taken into one round, so one round cannot grow without bound.
const MAX_ROUND: usize = 8192;

/// Opens the database, sets WAL and synchronous=NORMAL, creates the table and proves that a
/// write and a read work (inside a transaction that is rolled back). Errors are one line.
pub fn open(path: &Path) -> Result<Connection, String> {
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
        Ok(true) => Ok(conn),
        Ok(false) => Err(format!("{}: a test row written did not read back", path.display())),
        Err(e) => Err(format!("{}: test write failed: {e}", path.display())),
    }
}

/// What the service needs from the store thread's side: where finished loads go.
pub trait LoadSink: Send + Sync + 'static {
    /// Inserts a finished load into the cache and applies the operations waiting for it, or
    /// wakes them with the error. Returns the dirty states the insert evicted, to write back.
    fn loaded(&self, key: Key, result: Result<Option<ReadState>, String>) -> Vec<ReadState>;
}

/// Store health and progress, shared by the store thread (which writes) and the service.
#[derive(Default)]
pub struct StoreStatus {
    failure: Mutex<Option<String>>,
    persisted: AtomicU64,
}

impl StoreStatus {
    /// The cause while the store is failing.
    pub fn failure(&self) -> Option<String> {
        self.failure.lock().expect("store status lock").clone()
    }

    /// States handed to the store whose content is committed (a state superseded by a later
    /// write of the same key counts once that later write commits).
    pub fn persisted(&self) -> u64 {
        self.persisted.load(Ordering::Relaxed)
    }

    fn failed(&self, cause: String) {
        let mut failure = self.failure.lock().expect("store status lock");
        if failure.is_none() {
            eprintln!("store failing: {cause}");
        }
        *failure = Some(cause);
    }

    fn recovered(&self) {
        let mut failure = self.failure.lock().expect("store status lock");
        if failure.take().is_some() {
            eprintln!("store recovered");
        }
    }
}

enum Request {
    Write(Vec<ReadState>),
    Load(Key),
    /// Answered once every write sent before it is committed.
    Flush(oneshot::Sender<()>),
    /// Closes the database; the thread ends.
    Close(oneshot::Sender<()>),
}

/// The service's end of the store queue. Sends never block.
#[derive(Clone)]
pub struct StoreHandle {
    tx: Sender<Request>,
}

pub struct StoreInbox {
    rx: Receiver<Request>,
}

pub fn channel() -> (StoreHandle, StoreInbox) {
    let (tx, rx) = mpsc::channel();
    (StoreHandle { tx }, StoreInbox { rx })
}

impl StoreHandle {
    pub fn write(&self, states: Vec<ReadState>) {
        if !states.is_empty() {
            self.send(Request::Write(states));
        }
    }

    pub fn load(&self, key: Key) {
        self.send(Request::Load(key));
    }

    pub fn flush(&self) -> oneshot::Receiver<()> {
        let (tx, rx) = oneshot::channel();
        self.send(Request::Flush(tx));
        rx
    }

    pub fn close(&self) -> oneshot::Receiver<()> {
        let (tx, rx) = oneshot::channel();
        self.send(Request::Close(tx));
        rx
    }

    fn send(&self, request: Request) {
        // The store thread only ends on Close, which is sent last.
        self.tx.send(request).expect("the store thread is running");
    }
}

/// Starts the store thread on an open connection.
pub fn spawn(conn: Connection, inbox: StoreInbox, sink: Arc<dyn LoadSink>, status: Arc<StoreStatus>) -> JoinHandle<()> {
    let worker = Worker {
        conn,
        rx: inbox.rx,
        sink,
        status,
        pending: BTreeMap::new(),
        retry_at: None,
        backoff: FIRST_BACKOFF,
        flush_waiters: Vec::new(),
    };
    std::thread::Builder::new().name("store".into()).spawn(move || worker.run()).expect("spawn the store thread")
}

struct Worker {
    conn: Connection,
    rx: Receiver<Request>,
    sink: Arc<dyn LoadSink>,
    status: Arc<StoreStatus>,
    /// Writes not yet committed: the newest state per key, and how many states it stands for.
    /// Never dropped: a failed commit leaves them here for the next try.
    pending: BTreeMap<Key, (ReadState, u64)>,
    /// When the last commit failed: not before this instant is it tried again.
    retry_at: Option<Instant>,
    backoff: Duration,
    flush_waiters: Vec<oneshot::Sender<()>>,
}

impl Worker {
    fn run(mut self) {
        loop {
            let mut request = self.next_request();
            let mut loads = Vec::new();
            let mut close = None;
            let mut taken = 0;
            // Take what is queued now as one round: writes commit in one transaction.
            while let Some(req) = request {
                match req {
                    Request::Write(states) => self.queue(states),
                    Request::Load(key) => loads.push(key),
                    Request::Flush(tx) => self.flush_waiters.push(tx),
                    Request::Close(tx) => close = Some(tx),
                }
                taken += 1;
                request = if taken < MAX_ROUND && close.is_none() { self.rx.try_recv().ok() } else { None };
            }
            // Loads go first, so a miss does not wait behind a commit (and its WAL checkpoint).
            // A load in this round may be of a key written back earlier in it (evicted, then
            // missed again): it finds that write in `pending`, committed or not.
            if !loads.is_empty() {
                self.answer(&loads);
            }
            if !self.pending.is_empty() && self.retry_at.is_none_or(|at| Instant::now() >= at) {
                self.commit();
            }
            if self.pending.is_empty() {
                for waiter in self.flush_waiters.drain(..) {
                    let _ = waiter.send(());
                }
            }
            if let Some(tx) = close {
                drop(self.conn);
                let _ = tx.send(());
                return;
            }
        }
    }

    /// Waits for the next request; with writes pending, only until their next try is due
    /// (None: that time has come and nothing else is queued).
    fn next_request(&self) -> Option<Request> {
        if self.pending.is_empty() {
            // The service holds a sender for the life of the process.
            return Some(self.rx.recv().expect("the service outlives the store thread"));
        }
        let wait = self.retry_at.map_or(Duration::ZERO, |at| at.saturating_duration_since(Instant::now()));
        match self.rx.recv_timeout(wait) {
            Ok(request) => Some(request),
            Err(RecvTimeoutError::Timeout) => None,
            Err(RecvTimeoutError::Disconnected) => panic!("the service outlives the store thread"),
        }
    }

    fn queue(&mut self, states: Vec<ReadState>) {
        for state in states {
            self.pending
                .entry(state.key())
                .and_modify(|(newest, count)| (*newest, *count) = (state, *count + 1))
                .or_insert((state, 1));
        }
    }

    fn commit(&mut self) {
        let pending = &self.pending;
        let result = (|| -> rusqlite::Result<()> {
            let tx = self.conn.transaction()?;
            {
                let mut upsert = tx.prepare_cached(UPSERT)?;
                for (&(user, channel), (state, _)) in pending {
                    // Message ids stay below 2^53, so they fit SQLite's signed 64-bit integer.
                    upsert.execute(params![
                        user,
                        channel,
                        state.last_read_message_id as i64,
                        state.mention_count as i64,
                        state.updated_at
                    ])?;
                }
            }
            tx.commit()
        })();
        match result {
            Ok(()) => {
                let states: u64 = self.pending.values().map(|(_, count)| count).sum();
                self.status.persisted.fetch_add(states, Ordering::Relaxed);
                self.pending.clear();
                self.retry_at = None;
                self.backoff = FIRST_BACKOFF;
                self.status.recovered();
            }
            Err(e) => {
                self.status.failed(format!("write of {} read states failed: {e}", self.pending.len()));
                self.retry_at = Some(Instant::now() + self.backoff);
                self.backoff = (self.backoff * 2).min(MAX_BACKOFF);
            }
        }
    }

    /// Answers loads, newest pending write first, else the database, and hands each result to
    /// the service; the states its inserts evict join the pending writes at once.
    fn answer(&mut self, keys: &[Key]) {
        // While a write-back waits to be retried the store is failing, and a read of a key the
        // cache does not hold is refused (503), as in the other services (docs/http-contract.md):
        // whether SQLite could still serve it depends on which lock the other side holds.
        if self.retry_at.is_some() {
            let cause = self.status.failure().unwrap_or_else(|| "a write-back is waiting to be retried".into());
            for &key in keys {
                let evicted = self.sink.loaded(key, Err(cause.clone()));
                self.queue(evicted);
            }
            return;
        }
        let mut results: Vec<Result<Option<ReadState>, String>> = Vec::with_capacity(keys.len());
        let pending = &self.pending;
        let read = (|| -> rusqlite::Result<()> {
            let tx = self.conn.transaction()?;
            {
                let mut select = tx.prepare_cached(SELECT)?;
                for &key in keys {
                    if let Some((state, _)) = pending.get(&key) {
                        results.push(Ok(Some(*state)));
                        continue;
                    }
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
            let cause = format!("load failed: {e}");
            self.status.failed(cause.clone());
            // Loads answered before the error were read correctly; the rest share the error.
            results.resize(keys.len(), Err(cause));
        } else if self.pending.is_empty() {
            self.status.recovered();
        }
        for (&key, result) in keys.iter().zip(results) {
            let evicted = self.sink.loaded(key, result);
            self.queue(evicted);
        }
    }
}
