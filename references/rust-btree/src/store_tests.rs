//! The store's write rules, on a backend that keeps what Cassandra keeps: per row, the write with
//! the highest stamp, whatever order writes arrive in.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use crate::state::{Key, ReadState};
use crate::store::{self, next_stamp, Backend, LoadSink, StoreStatus};

#[derive(Default)]
struct Table {
    rows: BTreeMap<Key, (ReadState, i64)>,
    /// write_all calls still to fail (after landing half their writes, as concurrent writes can).
    fails: usize,
    /// read_all calls still to fail.
    read_fails: usize,
    tries: Vec<Vec<(ReadState, i64)>>,
}

/// The table as Cassandra keeps it; service_tests.rs holds its reads at a gate.
#[derive(Clone, Default)]
pub(crate) struct LastWriteWins(Arc<Mutex<Table>>);

impl LastWriteWins {
    /// The state the table keeps for `key`.
    pub(crate) fn row(&self, key: Key) -> Option<ReadState> {
        self.0.lock().unwrap().rows.get(&key).map(|(state, _)| *state)
    }

    fn land(table: &mut Table, writes: &[(ReadState, i64)]) {
        for &(state, stamp) in writes {
            let row = table.rows.entry(state.key()).or_insert((state, stamp));
            if stamp >= row.1 {
                *row = (state, stamp);
            }
        }
    }
}

impl Backend for LastWriteWins {
    fn write_all(&mut self, writes: &[(ReadState, i64)]) -> Result<(), String> {
        let mut table = self.0.lock().unwrap();
        table.tries.push(writes.to_vec());
        if table.fails > 0 {
            table.fails -= 1;
            Self::land(&mut table, &writes[..writes.len() / 2]);
            return Err("write timed out".into());
        }
        // Newest first: the order of landing must not matter.
        let reversed: Vec<_> = writes.iter().rev().copied().collect();
        Self::land(&mut table, &reversed);
        Ok(())
    }

    fn read_all(&mut self, keys: &[Key]) -> Vec<Result<Option<ReadState>, String>> {
        let mut table = self.0.lock().unwrap();
        if table.read_fails > 0 {
            table.read_fails -= 1;
            return keys.iter().map(|_| Err("read timed out".into())).collect();
        }
        keys.iter().map(|key| Ok(table.rows.get(key).map(|(state, _)| *state))).collect()
    }
}

struct NoLoads;

impl LoadSink for NoLoads {
    fn loaded(&self, _: Key, _: Result<Option<ReadState>, String>) {}
}

fn state(user: u32, last_read: u64, mentions: u64) -> ReadState {
    ReadState { user_id: user, channel_id: 1, last_read_message_id: last_read, mention_count: mentions, updated_at: 0.0 }
}

/// Starts a store on `table` and returns its handle and status.
fn start(table: &LastWriteWins) -> (store::StoreHandle, Arc<StoreStatus>) {
    let (handle, inbox) = store::channel();
    let status = Arc::new(StoreStatus::default());
    store::spawn(Box::new(table.clone()), inbox, Arc::new(NoLoads), Arc::clone(&status));
    (handle, status)
}

fn flushed(handle: &store::StoreHandle) {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
    runtime.block_on(async { tokio::time::timeout(Duration::from_secs(10), handle.flush()).await }).unwrap().unwrap();
}

#[test]
fn stamps_only_grow() {
    let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    let first = next_stamp(0, now);
    assert_eq!(first, 1_700_000_000_000_000);
    let second = next_stamp(first, now);
    let third = next_stamp(second, now - Duration::from_secs(1));
    assert!(first < second && second < third, "{first} {second} {third}");
}

#[test]
fn the_newest_write_of_a_row_wins_whatever_order_it_lands_in() {
    let table = LastWriteWins::default();
    let (handle, _) = start(&table);
    // Committed one at a time, so each reaches the table as a write of its own.
    handle.write(vec![state(7, 100, 3)]);
    flushed(&handle);
    handle.write(vec![state(7, 120, 0)]);
    flushed(&handle);
    let rows = &table.0.lock().unwrap().rows;
    assert_eq!(rows[&(7, 1)].0, state(7, 120, 0));
}

#[test]
fn failed_writes_are_retried_with_their_stamps_never_dropped() {
    let table = LastWriteWins::default();
    table.0.lock().unwrap().fails = 2;
    let (handle, status) = start(&table);
    handle.write((1..=10).map(|user| state(user, user as u64, 0)).collect());
    flushed(&handle);
    let table = table.0.lock().unwrap();
    assert_eq!(table.tries.len(), 3, "two failures, then the batch");
    assert_eq!(table.tries[0], table.tries[2], "the retry carries the same states and stamps");
    for user in 1..=10 {
        assert_eq!(table.rows[&(user, 1)].0, state(user, user as u64, 0));
    }
    assert_eq!(status.persisted(), 10);
    assert!(status.failure().is_none(), "recovered once the retry landed");
}

/// Counts the loads answered with an error.
#[derive(Default)]
struct FailedLoads(Mutex<usize>);

impl LoadSink for FailedLoads {
    fn loaded(&self, _: Key, result: Result<Option<ReadState>, String>) {
        if result.is_err() {
            *self.0.lock().unwrap() += 1;
        }
    }
}

#[test]
fn a_failed_read_fails_its_load_and_leaves_the_store_healthy() {
    // The service refuses writes while the store is failing, so a status set by a read, with no
    // write-back pending to land and clear it, would refuse writes for ever.
    let table = LastWriteWins::default();
    table.0.lock().unwrap().read_fails = 1;
    let (handle, inbox) = store::channel();
    let status = Arc::new(StoreStatus::default());
    let loads = Arc::new(FailedLoads::default());
    store::spawn(Box::new(table.clone()), inbox, Arc::clone(&loads) as Arc<dyn LoadSink>, Arc::clone(&status));
    handle.load((7, 1));
    flushed(&handle);
    assert_eq!(*loads.0.lock().unwrap(), 1, "the load was answered with the read's error");
    assert!(status.failure().is_none(), "a failed read does not make the store failing");
}
