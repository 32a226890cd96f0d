//! The read-state service: the BTreeMap LRU behind one mutex, misses loaded by the store thread.
//!
//! A miss registers the operation under the key in `loading` and, if it is the first, sends one
//! load to the store; the request then waits on a oneshot. When the load comes back, the store
//! thread (through `LoadSink`) inserts the state and applies every waiting operation in arrival
//! order, all under one lock, so concurrent misses of a key load it once and no update is
//! applied twice or lost. The store thread, not the waiting request, finishes the load, so a
//! client that hangs up mid-miss cannot strand the operations queued behind it.
//!
//! Every write-back (due, evicted, or drained at shutdown) is sent to the store's one queue while
//! the cache lock is held, so the queue holds one key's writes in the order the cache made them,
//! and a load of the key can only be sent later (the key must be missed first): the store sees
//! the write first.

use std::collections::hash_map::Entry;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio::sync::oneshot;

use crate::clock::Clock;
use crate::lru::{BTreeLru, Op};
use crate::state::{Key, ReadState};
use crate::store::{LoadSink, StoreHandle, StoreStatus};

/// How often (wall time) the write-back timer runs.
pub const WRITE_BACK_EVERY: Duration = Duration::from_millis(100);
/// The most states one timer run hands to the store: bounds the pause one run can cause.
pub const WRITE_BACK_BATCH: usize = 5_000;

#[derive(Clone, Debug)]
pub enum ServiceError {
    /// The store could not load a state this request needed.
    Load(String),
    /// The service is shutting down and takes no more changes.
    Closed,
}

pub struct Counters {
    pub hits: u64,
    pub misses: u64,
    pub evictions: u64,
    pub write_backs: u64,
    pub persisted: u64,
    pub cache_size: usize,
}

pub struct Service {
    inner: Mutex<Inner>,
    store: StoreHandle,
    status: Arc<StoreStatus>,
    clock: Clock,
    write_back_delay_ms: f64,
    hits: AtomicU64,
    misses: AtomicU64,
    /// States handed to the store (evicted dirty, or due).
    write_backs: AtomicU64,
}

struct Inner {
    cache: BTreeLru,
    /// Keys being loaded, each with the operations waiting for it, oldest first.
    loading: HashMap<Key, Vec<Waiter>>,
    /// Set once at shutdown, when the last dirty states are taken: nothing changes after it.
    closed: bool,
}

struct Waiter {
    op: Op,
    reply: oneshot::Sender<Result<ReadState, ServiceError>>,
}

enum Outcome {
    Done(ReadState),
    Waiting(oneshot::Receiver<Result<ReadState, ServiceError>>),
}

impl Service {
    pub fn new(capacity: usize, store: StoreHandle, status: Arc<StoreStatus>, clock: Clock, write_back_delay_ms: f64) -> Service {
        Service {
            inner: Mutex::new(Inner { cache: BTreeLru::new(capacity), loading: HashMap::new(), closed: false }),
            store,
            status,
            clock,
            write_back_delay_ms,
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
            write_backs: AtomicU64::new(0),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // Release builds abort on panic, so a poisoned lock cannot be met there.
        self.inner.lock().expect("cache lock poisoned")
    }

    /// Adds a clean state before the service starts (it is not written to the store).
    pub fn warm(&self, state: ReadState) {
        let mut inner = self.lock();
        // Warm states are clean, so evicting one (a file larger than the cache) writes nothing.
        let evicted = inner.cache.insert(state);
        self.hand_to_store(evicted.into_iter().collect());
    }

    /// Applies the operations in order and returns the state after each; misses wait for their
    /// load. All cache hits happen under one lock, so a request sees one consistent cache.
    pub async fn apply(&self, ops: &[(Op, Key)]) -> Result<Vec<ReadState>, ServiceError> {
        let outcomes = {
            let mut inner = self.lock();
            if inner.closed {
                return Err(ServiceError::Closed);
            }
            // Taken under the lock, so updates reach the cache in clock order.
            let now = self.clock.now();
            let mut outcomes = Vec::with_capacity(ops.len());
            for &(op, key) in ops {
                if let Some(state) = inner.cache.apply(key, op, now) {
                    self.hits.fetch_add(1, Ordering::Relaxed);
                    outcomes.push(Outcome::Done(state));
                    continue;
                }
                self.misses.fetch_add(1, Ordering::Relaxed);
                let (reply, rx) = oneshot::channel();
                match inner.loading.entry(key) {
                    Entry::Occupied(mut waiting) => waiting.get_mut().push(Waiter { op, reply }),
                    Entry::Vacant(slot) => {
                        slot.insert(vec![Waiter { op, reply }]);
                        self.store.load(key);
                    }
                }
                outcomes.push(Outcome::Waiting(rx));
            }
            outcomes
        };
        let mut states = Vec::with_capacity(outcomes.len());
        for outcome in outcomes {
            states.push(match outcome {
                Outcome::Done(state) => state,
                // A dropped sender only happens when the process is going down.
                Outcome::Waiting(rx) => rx.await.unwrap_or(Err(ServiceError::Closed))?,
            });
        }
        Ok(states)
    }

    /// One run of the write-back timer: hands the store the dirty states last updated at least
    /// the write-back delay ago, oldest first, at most WRITE_BACK_BATCH.
    pub fn write_back_due(&self) {
        let mut inner = self.lock();
        let due = inner.cache.drain_due(self.clock.now() - self.write_back_delay_ms, WRITE_BACK_BATCH);
        self.hand_to_store(due);
    }

    /// Runs the write-back timer forever.
    pub async fn run_write_back(self: Arc<Self>) {
        let mut every = tokio::time::interval(WRITE_BACK_EVERY);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            every.tick().await;
            self.write_back_due();
        }
    }

    /// At shutdown: refuses every later change and hands the store every dirty state.
    /// Returns how many.
    pub fn close_and_drain(&self) -> usize {
        let mut inner = self.lock();
        inner.closed = true;
        let dirty = inner.cache.drain_due(f64::INFINITY, usize::MAX);
        let count = dirty.len();
        self.hand_to_store(dirty);
        count
    }

    /// Must be called with the cache lock held (see the module comment).
    fn hand_to_store(&self, states: Vec<ReadState>) {
        self.write_backs.fetch_add(states.len() as u64, Ordering::Relaxed);
        self.store.write(states);
    }

    /// The cause while the store is failing.
    pub fn store_failure(&self) -> Option<String> {
        self.status.failure()
    }

    pub fn cached(&self) -> usize {
        self.lock().cache.len()
    }

    pub fn counters(&self) -> Counters {
        let (evictions, cache_size) = {
            let inner = self.lock();
            (inner.cache.evictions(), inner.cache.len())
        };
        Counters {
            hits: self.hits.load(Ordering::Relaxed),
            misses: self.misses.load(Ordering::Relaxed),
            evictions,
            write_backs: self.write_backs.load(Ordering::Relaxed),
            persisted: self.status.persisted(),
            cache_size,
        }
    }
}

impl LoadSink for Service {
    fn loaded(&self, key: Key, result: Result<Option<ReadState>, String>) {
        let mut inner = self.lock();
        let waiters = inner.loading.remove(&key).unwrap_or_default();
        if inner.closed {
            for waiter in waiters {
                let _ = waiter.reply.send(Err(ServiceError::Closed));
            }
            return;
        }
        let stored = match result {
            Ok(stored) => stored,
            Err(cause) => {
                for waiter in waiters {
                    let _ = waiter.reply.send(Err(ServiceError::Load(cause.clone())));
                }
                return;
            }
        };
        let now = self.clock.now();
        // A key the store does not have starts fresh, inserted clean like a stored one.
        let evicted: Vec<ReadState> =
            inner.cache.insert(stored.unwrap_or_else(|| ReadState::fresh(key, now))).into_iter().collect();
        for waiter in waiters {
            // The entry is the most recently used and applying never evicts, so it is there.
            let state = inner.cache.apply(key, waiter.op, now).expect("a state just inserted is cached");
            // The request may have gone (client hung up); the update stands all the same.
            let _ = waiter.reply.send(Ok(state));
        }
        // Through the queue like every other write-back, behind any due write-back of the same
        // key the timer queued before this eviction.
        self.hand_to_store(evicted);
    }
}
