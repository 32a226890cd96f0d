//! `rust-btree bench`: the lab's request log replayed in process, open loop, on the service's own
//! cache (lru.rs, the BTreeMap LRU) behind one mutex, with a memory store on a thread of its own
//! answering misses through channels. No garbage collector, so no forced GC. The lab
//! (harness/run/bench-row.ts) turns what it writes into a row of `readstate-lab run`, beside the
//! Node contenders, on the same log and schedule. The files are bench_files.rs's.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::bench_files::{self, RequestLog, OUTCOME_HIT, OUTCOME_MISS, RECORD_BYTES};
use crate::clock::Clock;
use crate::lru::{BTreeLru, Op};
use crate::service::{WRITE_BACK_BATCH, WRITE_BACK_EVERY};
use crate::state::{Key, ReadState};
use crate::stats::rss_bytes;
use crate::warm;

const USAGE: &str = "usage: rust-btree bench --requests FILE --scenario FILE --warm FILE --out DIR [--plant-lost-writeback]";
/// How much of the wait for a request's due time is spun rather than slept, so a send is not
/// late by a timer's granularity.
const SPIN_LAST: Duration = Duration::from_millis(1);
/// The pause between the warm fill and request 0, as the lab's SETTLE_MS.
const SETTLE: Duration = Duration::from_millis(200);
/// How long the last answers may take after the last send.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(30);

struct Options {
    requests: PathBuf,
    scenario: PathBuf,
    warm: PathBuf,
    out: PathBuf,
    /// Drops every evicted dirty state instead of writing it back: a bug the lab's nothing-lost
    /// check must catch (its tests use it, nothing else).
    plant_lost_write_back: bool,
}

fn parse(args: &[String]) -> Result<Options, String> {
    let (mut requests, mut scenario, mut warm, mut out, mut plant) = (None, None, None, None, false);
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let mut value = || it.next().map(PathBuf::from).ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--requests" => requests = Some(value()?),
            "--scenario" => scenario = Some(value()?),
            "--warm" => warm = Some(value()?),
            "--out" => out = Some(value()?),
            "--plant-lost-writeback" => plant = true,
            other => return Err(format!("unknown flag {other}")),
        }
    }
    match (requests, scenario, warm, out) {
        (Some(requests), Some(scenario), Some(warm), Some(out)) => {
            Ok(Options { requests, scenario, warm, out, plant_lost_write_back: plant })
        }
        _ => Err("--requests, --scenario, --warm and --out are all required".to_string()),
    }
}

/// What the bench reads of the lab's scenario file (harness/results/scenario-schema.ts).
struct Scenario {
    rate: f64,
    capacity: usize,
    time_scale: f64,
    write_back_delay_ms: f64,
    window: Duration,
}

fn read_scenario(path: &Path) -> Result<Scenario, String> {
    let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    let value: Value = serde_json::from_str(&text).map_err(|e| e.to_string())?;
    let number = |key: &str| value.get(key).and_then(Value::as_f64).filter(|v| v.is_finite());
    let wrong = || "needs rate, capacity, timeScale, windowSeconds above 0 and writeBackDelaySeconds of 0 or more".to_string();
    let rate = number("rate").filter(|v| *v > 0.0).ok_or_else(wrong)?;
    let capacity = number("capacity").filter(|v| *v >= 1.0).ok_or_else(wrong)? as usize;
    let time_scale = number("timeScale").filter(|v| *v > 0.0).ok_or_else(wrong)?;
    let delay = number("writeBackDelaySeconds").filter(|v| *v >= 0.0).ok_or_else(wrong)?;
    let window = number("windowSeconds").filter(|v| *v > 0.0).ok_or_else(wrong)?;
    Ok(Scenario { rate, capacity, time_scale, write_back_delay_ms: delay * 1000.0, window: Duration::from_secs_f64(window) })
}

/// `rust-btree bench ARGS`: 0 when done, 2 for bad flags, 1 for anything else (one line on stderr).
pub fn main(args: &[String]) -> u8 {
    let options = match parse(args) {
        Ok(options) => options,
        Err(message) => {
            eprintln!("rust-btree bench: {message}\n{USAGE}");
            return 2;
        }
    };
    match bench(&options) {
        Ok(()) => 0,
        Err(message) => {
            eprintln!("error: {message}");
            1
        }
    }
}

/// The open loop's time: request i is due at start + i / rate.
#[derive(Clone, Copy)]
pub struct Schedule {
    pub start: Instant,
    /// Seconds between due times.
    pub interval: f64,
}

impl Schedule {
    pub fn due(&self, i: usize) -> Instant {
        self.start + Duration::from_secs_f64(i as f64 * self.interval)
    }

    /// Writes request i's record: done at `at`, timed from its due time.
    pub fn record(&self, records: &mut [u8], i: usize, at: Instant, outcome: u8) {
        let latency = at.saturating_duration_since(self.due(i)).as_nanos() as i64;
        let completed_us = at.saturating_duration_since(self.start).as_micros().min(u32::MAX as u128) as u32;
        bench_files::put_record(&mut records[i * RECORD_BYTES..(i + 1) * RECORD_BYTES], latency, completed_us, outcome);
    }
}

/// Sleeps until SPIN_LAST before `due`, then spins to it; returns the instant it woke.
pub fn wait_until(due: Instant) -> Instant {
    let mut now = Instant::now();
    if due > now + SPIN_LAST {
        thread::sleep(due - now - SPIN_LAST);
        now = Instant::now();
    }
    while now < due {
        now = Instant::now();
    }
    now
}

/// One cache operation of request `req`, waiting for the load of its key.
struct Waiting {
    req: u32,
    op: Op,
}

enum Job {
    Write(ReadState),
    Load(Key),
    /// Hands back every state and ends the store's thread.
    Finish(Sender<HashMap<Key, ReadState>>),
}

/// The service's request path (service.rs) without HTTP: one mutex over the cache, the loads in
/// flight, the counters and the records.
struct Inner {
    cache: BTreeLru,
    loading: HashMap<Key, Vec<Waiting>>,
    /// Operations of each request still waiting for a load; `outstanding` counts requests with any.
    waiting: Vec<u16>,
    outstanding: usize,
    records: Vec<u8>,
    hits: u64,
    misses: u64,
    write_backs: u64,
    dropped: u64,
}

struct Bench {
    inner: Mutex<Inner>,
    store: Sender<Job>,
    clock: Clock,
    schedule: Schedule,
    plant_lost_write_back: bool,
}

impl Bench {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().expect("bench lock poisoned")
    }

    /// Hands an evicted state to the store (with the lock held, so it is queued before any later
    /// load of its key), unless the planted bug drops it.
    fn evicted(&self, inner: &mut Inner, evicted: Option<ReadState>) {
        let Some(state) = evicted else { return };
        if self.plant_lost_write_back {
            inner.dropped += 1;
            return;
        }
        inner.write_backs += 1;
        let _ = self.store.send(Job::Write(state));
    }

    /// Applies request i's operations; a request whose operations all hit is recorded done.
    fn handle(&self, log: &RequestLog, i: usize) {
        let mut guard = self.lock();
        let inner = &mut *guard;
        let now = self.clock.now();
        let mut waits = 0usize;
        log.for_each_operation(i, |op, key| {
            if inner.cache.apply(key, op, now).is_some() {
                inner.hits += 1;
                return;
            }
            inner.misses += 1;
            waits += 1;
            let waiting = Waiting { req: i as u32, op };
            match inner.loading.get_mut(&key) {
                Some(queue) => queue.push(waiting),
                None => {
                    inner.loading.insert(key, vec![waiting]);
                    let _ = self.store.send(Job::Load(key));
                }
            }
        });
        if waits == 0 {
            self.schedule.record(&mut inner.records, i, Instant::now(), OUTCOME_HIT);
        } else {
            inner.waiting[i] = u16::try_from(waits).expect("at most 65535 operations of one request wait");
            inner.outstanding += 1;
        }
    }

    /// Inserts a state the store answered with and applies every operation that waited for it.
    fn loaded(&self, key: Key, stored: Option<ReadState>) {
        let mut guard = self.lock();
        let inner = &mut *guard;
        let waiters = inner.loading.remove(&key).unwrap_or_default();
        let now = self.clock.now();
        let evicted = inner.cache.insert(stored.unwrap_or_else(|| ReadState::fresh(key, now)));
        self.evicted(inner, evicted);
        for Waiting { req, op } in waiters {
            inner.cache.apply(key, op, now).expect("a state just inserted is cached");
            let req = req as usize;
            inner.waiting[req] -= 1;
            if inner.waiting[req] == 0 {
                inner.outstanding -= 1;
                self.schedule.record(&mut inner.records, req, Instant::now(), OUTCOME_MISS);
            }
        }
    }

    fn write_back_due(&self, older_than: f64, max: usize) {
        let mut inner = self.lock();
        let due = inner.cache.drain_due(older_than, max);
        inner.write_backs += due.len() as u64;
        for state in due {
            let _ = self.store.send(Job::Write(state));
        }
    }
}

/// The memory store: a map on a thread of its own, taking jobs in the order they were sent (so a
/// load sees every earlier write-back of its key) and answering loads on `answers`.
fn run_store(jobs: Receiver<Job>, answers: Sender<(Key, Option<ReadState>)>) {
    let mut states: HashMap<Key, ReadState> = HashMap::new();
    for job in jobs {
        match job {
            Job::Write(state) => {
                states.insert(state.key(), state);
            }
            Job::Load(key) => {
                let _ = answers.send((key, states.get(&key).copied()));
            }
            Job::Finish(take) => {
                let _ = take.send(std::mem::take(&mut states));
                return;
            }
        }
    }
}

fn bench(options: &Options) -> Result<(), String> {
    let scenario = read_scenario(&options.scenario).map_err(|e| format!("--scenario {}: {e}", options.scenario.display()))?;
    let bytes = std::fs::read(&options.requests).map_err(|e| format!("--requests {}: {e}", options.requests.display()))?;
    let log = RequestLog::decode(&bytes).map_err(|e| format!("--requests {}: {e}", options.requests.display()))?;
    drop(bytes);
    std::fs::create_dir_all(&options.out).map_err(|e| format!("--out {}: {e}", options.out.display()))?;
    let n = log.count();

    let (store, jobs) = mpsc::channel::<Job>();
    let (answer, answers) = mpsc::channel::<(Key, Option<ReadState>)>();
    let store_thread = thread::spawn(move || run_store(jobs, answer));

    println!("warming {} read states", scenario.capacity);
    let warm_start = Instant::now();
    let rss_before = rss_bytes();
    let mut cache = BTreeLru::new(scenario.capacity);
    warm::read(&options.warm, |state| {
        // Warm states are clean: evicting one (a file larger than the cache) writes nothing.
        cache.insert(state);
    })?;
    let rss_after = rss_bytes();
    let cached = cache.len();
    let warm_ms = warm_start.elapsed().as_secs_f64() * 1000.0;
    thread::sleep(SETTLE);

    // Request 0 is due now: every time the bench reports is from here.
    let start = Instant::now();
    let bench = Arc::new(Bench {
        inner: Mutex::new(Inner {
            cache,
            loading: HashMap::new(),
            waiting: vec![0; n],
            outstanding: 0,
            records: vec![0; n * RECORD_BYTES],
            hits: 0,
            misses: 0,
            write_backs: 0,
            dropped: 0,
        }),
        store: store.clone(),
        clock: Clock::new(start, scenario.time_scale),
        schedule: Schedule { start, interval: 1.0 / scenario.rate },
        plant_lost_write_back: options.plant_lost_write_back,
    });
    println!("measuring {n} requests at {}/s", scenario.rate);
    let (stop, stopped) = mpsc::channel::<()>();
    let applier = {
        let bench = Arc::clone(&bench);
        thread::spawn(move || {
            for (key, stored) in answers {
                bench.loaded(key, stored);
            }
        })
    };
    let timer = {
        let bench = Arc::clone(&bench);
        let delay = scenario.write_back_delay_ms;
        thread::spawn(move || {
            let mut windows = Vec::new();
            let mut next_window = start + scenario.window;
            loop {
                let stopping = !matches!(stopped.recv_timeout(WRITE_BACK_EVERY), Err(mpsc::RecvTimeoutError::Timeout));
                if !stopping {
                    bench.write_back_due(bench.clock.now() - delay, WRITE_BACK_BATCH);
                }
                let now = Instant::now();
                // A window at each window's end, and a last (shorter) one when the load ends.
                if now >= next_window || stopping {
                    windows.push(json!({
                        "atMs": now.duration_since(start).as_secs_f64() * 1000.0,
                        "rssBytes": rss_bytes(),
                        "misses": bench.lock().misses,
                    }));
                    next_window += scenario.window;
                }
                if stopping {
                    return windows;
                }
            }
        })
    };

    let give_up = Duration::from_secs_f64(n as f64 / scenario.rate * 3.0 + 5.0);
    let (mut sent, mut max_lag, mut last_send) = (0usize, Duration::ZERO, start);
    for i in 0..n {
        let due = bench.schedule.due(i);
        let t = wait_until(due);
        if t.duration_since(start) > give_up {
            break;
        }
        max_lag = max_lag.max(t.duration_since(due));
        last_send = t;
        sent += 1;
        bench.handle(&log, i);
    }
    let deadline = Instant::now() + DRAIN_TIMEOUT;
    loop {
        let left = bench.lock().outstanding;
        if left == 0 {
            break;
        }
        if Instant::now() > deadline {
            return Err(format!("{left} requests were still unanswered {} s after the last send", DRAIN_TIMEOUT.as_secs()));
        }
        thread::sleep(Duration::from_millis(1));
    }
    let elapsed_ms = start.elapsed().as_secs_f64() * 1000.0;
    let _ = stop.send(());
    let windows = timer.join().map_err(|_| "the write-back thread panicked".to_string())?;
    println!("flushing and dumping the read states");

    let (counters, records) = {
        let mut inner = bench.lock();
        let dirty = inner.cache.drain_due(f64::INFINITY, usize::MAX);
        inner.write_backs += dirty.len() as u64;
        for state in dirty {
            let _ = store.send(Job::Write(state));
        }
        let counters = json!({
            "hits": inner.hits,
            "misses": inner.misses,
            "evictions": inner.cache.evictions(),
            "writeBacks": inner.write_backs,
            "persisted": inner.write_backs,
            "cacheSize": inner.cache.len(),
        });
        let cache_states: Vec<ReadState> = inner.cache.states().collect();
        bench_files::write_states(&options.out.join("final-cache.bin"), &cache_states).map_err(|e| e.to_string())?;
        (counters, std::mem::take(&mut inner.records))
    };
    let (take, taken) = mpsc::channel();
    let _ = store.send(Job::Finish(take));
    let stored = taken.recv().map_err(|_| "the store thread ended early".to_string())?;
    let stored: Vec<ReadState> = stored.into_values().collect();
    bench_files::write_states(&options.out.join("final-store.bin"), &stored).map_err(|e| e.to_string())?;
    let _ = store_thread.join();
    drop(store);
    drop(bench); // the applier's answers channel closes with the store thread's sender
    let _ = applier.join();
    std::fs::write(options.out.join("records.bin"), &records).map_err(|e| e.to_string())?;

    let grown = rss_after.saturating_sub(rss_before);
    let summary = json!({
        "runtime": "rust",
        "gcEvents": [],
        "forcedGcs": [],
        "windows": windows,
        "memory": {
            "cachedStates": cached,
            "bytesPerEntry": if cached == 0 { 0.0 } else { grown as f64 / cached as f64 },
            "heapBytes": 0,
            "offHeapBytes": grown,
            "rssBytes": rss_bytes(),
        },
        "counters": counters,
        "sent": sent,
        "lastSendMs": last_send.duration_since(start).as_secs_f64() * 1000.0,
        "maxSendLagMs": max_lag.as_secs_f64() * 1000.0,
        "elapsedMs": elapsed_ms,
        "warmMs": warm_ms,
    });
    std::fs::write(options.out.join("summary.json"), summary.to_string()).map_err(|e| e.to_string())?;
    println!("done");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_i_is_due_at_start_plus_i_over_rate_and_timed_from_then() {
        let start = Instant::now();
        let schedule = Schedule { start, interval: 1.0 / 4000.0 };
        assert_eq!(schedule.due(0), start);
        assert_eq!(schedule.due(4000).duration_since(start), Duration::from_secs(1));
        let mut records = vec![0u8; 3 * RECORD_BYTES];
        // Request 2 is due at 0.5 ms and done at 6 ms: 5.5 ms late, whenever it was sent.
        schedule.record(&mut records, 2, start + Duration::from_micros(6000), OUTCOME_MISS);
        let r = &records[2 * RECORD_BYTES..];
        assert_eq!(i64::from_le_bytes(r[0..8].try_into().unwrap()), 5_500_000);
        assert_eq!(u32::from_le_bytes(r[8..12].try_into().unwrap()), 6000);
        assert_eq!(u16::from_le_bytes(r[12..14].try_into().unwrap()), bench_files::STATUS_DONE);
        assert_eq!((r[14], r[15]), (OUTCOME_MISS, 0));
        assert!(records[..2 * RECORD_BYTES].iter().all(|b| *b == 0), "unwritten records stay 'not sent'");
    }

    #[test]
    fn waiting_never_wakes_before_the_due_time() {
        for ahead in [0, 200, 3000] {
            let due = Instant::now() + Duration::from_micros(ahead);
            assert!(wait_until(due) >= due);
        }
    }
}
