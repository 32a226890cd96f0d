//! The service and its store thread together: the order in which one key's write-backs reach
//! the database when the write-back timer and an eviction race.

use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use crate::clock::Clock;
use crate::lru::Op;
use crate::service::Service;
use crate::state::{Key, ReadState};
use crate::store::{self, Backend, LoadSink, StoreStatus};
use crate::store_tests::LastWriteWins;

/// The store tests' table (it keeps, per row, the write with the highest stamp, as Cassandra
/// does), with its reads held at a gate so that a test can act while the store thread is busy
/// reading.
#[derive(Clone, Default)]
struct GatedTable {
    table: LastWriteWins,
    gate: Arc<(Mutex<Gate>, Condvar)>,
}

#[derive(Default)]
struct Gate {
    /// Reads wait while this is set.
    closed: bool,
    /// A read is waiting at the closed gate.
    read_waiting: bool,
}

impl GatedTable {
    fn close_gate(&self) {
        self.gate.0.lock().unwrap().closed = true;
    }

    fn open_gate(&self) {
        self.gate.0.lock().unwrap().closed = false;
        self.gate.1.notify_all();
    }

    fn wait_for_a_read_at_the_gate(&self) {
        let gate = self.gate.0.lock().unwrap();
        let (_gate, waited) = self.gate.1.wait_timeout_while(gate, Duration::from_secs(10), |g| !g.read_waiting).unwrap();
        assert!(!waited.timed_out(), "the store thread never came to read");
    }
}

impl Backend for GatedTable {
    fn write_all(&mut self, writes: &[(ReadState, i64)]) -> Result<(), String> {
        self.table.write_all(writes)
    }

    fn read_all(&mut self, keys: &[Key]) -> Vec<Result<Option<ReadState>, String>> {
        let (lock, changed) = &*self.gate;
        let mut gate = lock.lock().unwrap();
        gate.read_waiting = true;
        changed.notify_all();
        gate = changed.wait_while(gate, |g| g.closed).unwrap();
        gate.read_waiting = false;
        drop(gate);
        self.table.read_all(keys)
    }
}

fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap().block_on(future)
}

#[test]
fn an_eviction_behind_a_due_write_back_of_its_key_lands_last() {
    const A: Key = (1, 1);
    const Z: Key = (2, 1);
    let table = GatedTable::default();
    let (handle, inbox) = store::channel();
    let status = Arc::new(StoreStatus::default());
    // One entry, and every dirty state is due at once.
    let service = Arc::new(Service::new(1, handle.clone(), Arc::clone(&status), Clock::new(Instant::now(), 1.0), 0.0));
    store::spawn(Box::new(table.clone()), inbox, Arc::clone(&service) as Arc<dyn LoadSink>, status);

    let acked = |service: &Service, id: u64| block_on(service.apply(&[(Op::Ack(id), A)])).unwrap()[0].last_read_message_id;
    assert_eq!(acked(&service, 100), 100, "A loaded (fresh) and read up to 100");

    // The store thread is kept busy reading Z, the miss that will evict A.
    table.close_gate();
    let reader = {
        let service = Arc::clone(&service);
        std::thread::spawn(move || block_on(service.apply(&[(Op::Read, Z)])).unwrap())
    };
    table.wait_for_a_read_at_the_gate();
    // Meanwhile the timer hands the store A at 100, and A is read further while that write waits.
    service.write_back_due();
    assert_eq!(acked(&service, 200), 200, "A read up to 200 (a hit)");
    // Z's load lands and evicts A, dirty at 200: that write-back must land after the one at 100.
    table.open_gate();
    reader.join().unwrap();
    block_on(async { tokio::time::timeout(Duration::from_secs(10), handle.flush()).await }).unwrap().unwrap();

    assert_eq!(table.table.row(A).map(|state| state.last_read_message_id), Some(200), "the newest state of A is the one kept");
}
