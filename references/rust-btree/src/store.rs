//! The store, on a thread of its own (rusqlite is synchronous; the Cassandra backend blocks on
//! its own runtime), fed through one channel, in front of a backend: SQLite (store_sqlite.rs)
//! or Cassandra (store_cassandra.rs).
//!
//! One thread taking one FIFO queue is what keeps the ORDERING INVARIANT: every write-back is
//! sent under the cache lock, so one key's writes arrive in the order the cache made them (and
//! are stamped in that order), and before any later load of the key can be sent, so this thread
//! sees the write first. Writes not yet committed stay in `pending`, keyed by read state, and
//! a load looks there before it reads the database: a load therefore sees every write issued
//! before it even while the database refuses writes.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use tokio::sync::oneshot;

use crate::state::{Key, ReadState};

/// The database behind the store thread. Only that thread calls it, one call at a time.
pub trait Backend: Send {
    /// Commits every (state, stamp), or fails and none counts as committed: the same writes,
    /// with the same stamps, are offered again, so one that landed before the error lands again
    /// harmlessly (Cassandra keeps the highest stamp of a row).
    fn write_all(&mut self, writes: &[(ReadState, i64)]) -> Result<(), String>;
    /// Reads each key, in order: the stored state, None, or why the read failed.
    fn read_all(&mut self, keys: &[Key]) -> Vec<Result<Option<ReadState>, String>>;
}

/// The stamp after `last`: the wall clock in microseconds, or last + 1 when the clock has not
/// moved past it. Stamps start above any an earlier process gave, and only grow.
pub fn next_stamp(last: i64, now: std::time::SystemTime) -> i64 {
    let micros = now.duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_micros() as i64);
    micros.max(last + 1)
}

const FIRST_BACKOFF: Duration = Duration::from_millis(50);
const MAX_BACKOFF: Duration = Duration::from_secs(2);
/// The most queued requests taken into one round, so one round cannot grow without bound.
const MAX_ROUND: usize = 8192;

/// What the service needs from the store thread's side: where finished loads go.
pub trait LoadSink: Send + Sync + 'static {
    /// Inserts a finished load into the cache and applies the operations waiting for it, or
    /// wakes them with the error. A dirty state the insert evicts is sent to the store's queue,
    /// under the cache lock, as every write-back is: were the store thread to queue it itself
    /// it would overtake a due write-back of the same key still in the queue, and the older
    /// state would land last.
    fn loaded(&self, key: Key, result: Result<Option<ReadState>, String>);
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

/// Starts the store thread on an open backend.
pub fn spawn(backend: Box<dyn Backend>, inbox: StoreInbox, sink: Arc<dyn LoadSink>, status: Arc<StoreStatus>) -> JoinHandle<()> {
    let worker = Worker {
        backend,
        last_stamp: 0,
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
    backend: Box<dyn Backend>,
    /// The stamp of the last write queued: writes are stamped in the order they arrive, which
    /// is the order the service wrote them.
    last_stamp: i64,
    rx: Receiver<Request>,
    sink: Arc<dyn LoadSink>,
    status: Arc<StoreStatus>,
    /// Writes not yet committed: the newest state per key, how many states it stands for, and
    /// its stamp. Never dropped: a failed commit leaves them here for the next try.
    pending: BTreeMap<Key, (ReadState, u64, i64)>,
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
                drop(self.backend);
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
            self.last_stamp = next_stamp(self.last_stamp, std::time::SystemTime::now());
            let stamp = self.last_stamp;
            self.pending
                .entry(state.key())
                .and_modify(|(newest, count, newest_stamp)| (*newest, *count, *newest_stamp) = (state, *count + 1, stamp))
                .or_insert((state, 1, stamp));
        }
    }

    fn commit(&mut self) {
        let writes: Vec<(ReadState, i64)> = self.pending.values().map(|&(state, _, stamp)| (state, stamp)).collect();
        let result = self.backend.write_all(&writes);
        match result {
            Ok(()) => {
                let states: u64 = self.pending.values().map(|(_, count, _)| count).sum();
                self.status.persisted.fetch_add(states, Ordering::Relaxed);
                self.pending.clear();
                self.retry_at = None;
                self.backoff = FIRST_BACKOFF;
                self.status.recovered();
            }
            Err(e) => {
                self.status.failed(e);
                self.retry_at = Some(Instant::now() + self.backoff);
                self.backoff = (self.backoff * 2).min(MAX_BACKOFF);
            }
        }
    }

    /// Answers loads, newest pending write first, else the database, and hands each result to
    /// the service (which sends the states its inserts evict back through the queue).
    fn answer(&mut self, keys: &[Key]) {
        // While a write-back waits to be retried the store is failing, and a read of a key the
        // cache does not hold is refused (503), as in the other services (docs/http-contract.md):
        // whether SQLite could still serve it depends on which lock the other side holds.
        if self.retry_at.is_some() {
            let cause = self.status.failure().unwrap_or_else(|| "a write-back is waiting to be retried".into());
            for &key in keys {
                self.sink.loaded(key, Err(cause.clone()));
            }
            return;
        }
        // A key written back and not yet committed is answered from `pending`; the rest are read.
        // A failed read fails its own request (503) and leaves the store's status alone, as in
        // Go and Node: only a write-back waiting to be retried makes the store failing, and its
        // landing ends that. (A failed read that set the status could never clear it when no
        // write was pending, for writes are then refused before they reach the store.)
        let unwritten: Vec<Key> = keys.iter().copied().filter(|key| !self.pending.contains_key(key)).collect();
        let mut read = self.backend.read_all(&unwritten).into_iter();
        let results: Vec<Result<Option<ReadState>, String>> = keys
            .iter()
            .map(|key| match self.pending.get(key) {
                Some((state, _, _)) => Ok(Some(*state)),
                None => read
                    .next()
                    .unwrap_or_else(|| Err("the store answered fewer loads than asked".into()))
                    .map_err(|cause| format!("load failed: {cause}")),
            })
            .collect();
        for (&key, result) in keys.iter().zip(results) {
            self.sink.loaded(key, result);
        }
    }
}
