//! rust-btree: readstate-lab's Rust reference read-state service, after Discord's 2020 rewrite
//! of its Read States service from Go to Rust: an LRU cache of read states in BTreeMaps behind
//! a mutex, no garbage collector, on tokio and hyper; behind it SQLite, or Cassandra as theirs was.

mod api;
mod bench;
mod bench_files;
mod clock;
mod config;
mod http;
mod latency;
mod lru;
mod server;
mod service;
#[cfg(test)]
mod service_tests;
mod state;
mod stats;
mod store;
#[cfg(feature = "cassandra")]
mod store_cassandra;
mod store_flags;
mod store_sqlite;
#[cfg(test)]
mod store_tests;
mod warm;

use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::net::TcpListener;

use crate::clock::Clock;
use crate::config::Config;
use crate::http::App;
use crate::latency::Latency;
use crate::service::Service;
use crate::store::{Backend, LoadSink, StoreStatus};
use crate::store_flags::StoreChoice;

/// How long requests in flight may take to finish after SIGTERM/SIGINT.
const GRACE: Duration = Duration::from_secs(10);
/// How long the store may take to commit the last dirty states.
const FLUSH_DEADLINE: Duration = Duration::from_secs(10);

fn main() -> ExitCode {
    // A bug that panics while holding the cache lock would leave every later request failing on
    // a poisoned mutex; dying at once, loudly, is the better outcome for a benchmark reference.
    // (A hook rather than the profile's panic = "abort", which would make the tests compile
    // every dependency a second time; see Cargo.toml.)
    let report = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        report(info);
        std::process::abort();
    }));
    // bench.rs: the lab's request log replayed in process, without HTTP.
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("bench") {
        return ExitCode::from(bench::main(&args[1..]));
    }
    let config = match Config::parse(std::env::args().skip(1)) {
        Ok(config) => config,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    let clock = Clock::new(Instant::now(), config.time_scale);
    let backend = match open_backend(&config.store) {
        Ok(backend) => backend,
        Err(cause) => {
            eprintln!("error: {cause}");
            return ExitCode::from(1);
        }
    };
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("start the tokio runtime");
    let code = runtime.block_on(run(config, clock, backend));
    // Connections still open past the grace period are closed by leaving now, without waiting
    // for their tasks.
    std::process::exit(code);
}

/// Opens the store the flags name: the SQLite file, or Cassandra (when built with it).
fn open_backend(choice: &StoreChoice) -> Result<Box<dyn Backend>, String> {
    match choice {
        StoreChoice::Sqlite(path) => Ok(Box::new(store_sqlite::open(path)?)),
        #[cfg(feature = "cassandra")]
        StoreChoice::Cassandra(target) => Ok(Box::new(store_cassandra::open(target)?)),
        #[cfg(not(feature = "cassandra"))]
        StoreChoice::Cassandra(target) => Err(format!(
            "{}: this rust-btree was built without Cassandra (references/rust-btree/build.sh builds it with)",
            target.describe()
        )),
    }
}

async fn run(config: Config, clock: Clock, backend: Box<dyn Backend>) -> i32 {
    let _ = config.gc_interval_ms; // accepted for the contract; there is no GC to force
    let status = Arc::new(StoreStatus::default());
    let (store, inbox) = store::channel();
    let service = Arc::new(Service::new(config.capacity, store.clone(), Arc::clone(&status), clock, config.write_back_delay_ms));

    if let Some(path) = &config.warm_file {
        if let Err(cause) = warm::read(path, |state| service.warm(state)) {
            eprintln!("error: {cause}");
            return 1;
        }
    }
    let sink: Arc<dyn LoadSink> = service.clone();
    store::spawn(backend, inbox, sink, Arc::clone(&status));

    let stop = match server::stop_signal() {
        Ok(stop) => stop,
        Err(cause) => {
            eprintln!("error: cannot watch for signals: {cause}");
            return 1;
        }
    };
    let listener = match TcpListener::bind((config.host.as_str(), config.port)).await {
        Ok(listener) => listener,
        Err(cause) => {
            eprintln!("error: cannot listen on {}:{}: {cause}", config.host, config.port);
            return 1;
        }
    };
    let address = listener.local_addr().expect("a bound listener has an address");
    println!("listening on http://{address}");
    let _ = std::io::stdout().flush();

    tokio::spawn(Arc::clone(&service).run_write_back());
    let app = Arc::new(App { service: Arc::clone(&service), latency: Latency::new(), clock });
    let mut stop = std::pin::pin!(stop);
    let connections = server::serve(listener, app, stop.as_mut()).await;

    println!("shutting down: finishing requests in flight and writing back dirty read states");
    if tokio::time::timeout(GRACE, connections.shutdown()).await.is_err() {
        eprintln!("requests still in flight after {} s: closing their connections", GRACE.as_secs());
    }
    let deadline = tokio::time::Instant::now() + FLUSH_DEADLINE;
    // From here on nothing changes the cache, so these are the last dirty states.
    service.close_and_drain();
    if !matches!(tokio::time::timeout_at(deadline, store.flush()).await, Ok(Ok(()))) {
        let counters = service.counters();
        eprintln!("could not write {} read states", counters.write_backs - counters.persisted);
        return 1;
    }
    let _ = tokio::time::timeout_at(deadline, store.close()).await;
    println!("stopped");
    0
}
