/**
 * Every tuning constant of the harness in one place, each with the reason for its value, in the
 * order data flows. Formats (widths of store messages, request codes) stay with their format;
 * these are the knobs.
 */

// ---- run: child processes and the open-loop driver ----

/**
 * Flags every measuring child runs with: `--expose-gc` for forced GCs and clean memory
 * readings, and a heap limit far above the default so that 8 million object entries fit.
 */
export const BASE_NODE_FLAGS: readonly string[] = ['--expose-gc', '--max-old-space-size=16384'];

/** Wall ms between the end of the warm-up and the first request, to let the GC settle. */
export const SETTLE_MS = 200;

/** The longest one event-loop turn sends for before letting timers and store replies in. */
export const MAX_TURN_MS = 2;

/** Achieved rate below this share of the target: the contender (or the machine) fell behind. */
export const SATURATION_THRESHOLD = 0.95;

/** How often an injected stall (RowConfig.injectStallMs) blocks the thread. */
export const INJECTED_STALL_EVERY_MS = 1000;

/** Wall ms a server may take to warm its cache and start listening. */
export const SERVE_START_TIMEOUT_MS = 180_000;

/** Wall ms a service gets after SIGTERM before it is killed: its own 10 s deadline, and room. */
export const SERVICE_STOP_TIMEOUT_MS = 30_000;

// ---- service: write-back and partitions ----

/**
 * How often (wall ms) a service's write-back timer runs. Each run holds the request thread
 * while it hands states to the store, so runs are short and frequent: at discord-scale (about
 * 32,000 write-backs a second) runs every 100 ms of up to 5,000 states held it 0.3-0.6 ms each,
 * and were the p99 of a run with no misses (609 µs); every 5 ms, 52-67 µs (measured with the
 * row child on a discord-scale config at 12M capacity).
 */
export const WRITE_BACK_EVERY_MS = 5;

/**
 * The most states one write-back run hands to the store: bounds the pause one run can cause.
 * With WRITE_BACK_EVERY_MS, at most 100,000 write-backs a second.
 */
export const WRITE_BACK_BATCH = 500;

/** States per warm-up message to a partition. */
export const WARM_CHUNK = 65_536;

// ---- store ----

/**
 * How long SQLite waits on a lock held by another connection before a write fails (and is
 * retried): short, so a locked database shows as a failing store within a second.
 */
export const STORE_BUSY_TIMEOUT_MS = 1_000;

/** A failed write-back is retried after this many ms, doubling each time up to the next. */
export const STORE_RETRY_FIRST_MS = 50;
export const STORE_RETRY_MAX_MS = 2_000;

/**
 * A Cassandra request not answered in this long fails, and the write is retried: short enough
 * that a frozen node shows as a failing store (503) within seconds, long enough that a young
 * collection of the node's own JVM does not.
 */
export const CASSANDRA_REQUEST_TIMEOUT_MS = 2_000;
/** How long connecting to a Cassandra node may take before the store says it cannot be used. */
export const CASSANDRA_CONNECT_TIMEOUT_MS = 5_000;
/** Reads (misses) a Cassandra store has in flight at once. */
export const CASSANDRA_CONCURRENT_READS = 128;
/**
 * Write-backs a Cassandra store has in flight at once: fewer than its reads, so a burst of them
 * leaves the node room to answer misses (docs/cassandra.md has the runs that chose it).
 */
export const CASSANDRA_CONCURRENT_WRITES = 32;
/**
 * How long creating, truncating or dropping a table, or reading a whole one for the check, may
 * take: schema changes wait for every node to agree, and a busy node flushes before it truncates.
 */
export const CASSANDRA_SLOW_REQUEST_TIMEOUT_MS = 60_000;

// ---- http: the service over HTTP ----

/** Shutdown's deadline: requests in flight, then the final write-back, must be done by then. */
export const SHUTDOWN_DEADLINE_MS = 10_000;

/** The longest one request may take to arrive whole (Node's default is 5 minutes). */
export const SERVER_REQUEST_TIMEOUT_MS = 30_000;

// ---- http: the open-loop load driver ----

/**
 * Default cap on the connection pool. A stall of S ms at R req/s needs about R * S / 1000
 * connections to keep every due request going out on time (a 200 ms pause at 2,000/s: 400);
 * 512 also stays below a default `ulimit -n` of 1024 and a server's listen backlog of 511.
 */
export const OPEN_LOOP_MAX_CONNECTIONS = 512;

/** Default ms the driver waits for the answer to one request it has written. */
export const OPEN_LOOP_TIMEOUT_MS = 10_000;

/** Default ms the driver waits, after the last request fell due, for the ones still out. */
export const OPEN_LOOP_DRAIN_TIMEOUT_MS = 30_000;

/** A run whose last send went out this far behind its due time could not keep up. */
export const OPEN_LOOP_FELL_BEHIND_MS = 1_000;

/**
 * How often requests in flight are checked against the timeout: a timeout is noticed up to this
 * late (and never later than a quarter of timeoutMs). One sweep over the pool instead of one
 * timer per request.
 */
export const OPEN_LOOP_TIMEOUT_SWEEP_MS = 100;

/**
 * Before the run, this many requests of the log go through the same client code to a throwaway
 * server inside the driver, at OPEN_LOOP_WARM_UP_RATE, so that V8 has compiled Node's HTTP client
 * before the first measured request: cold, the client needs ~0.5 s of a whole core to get going,
 * and on a busy 2-core machine the first second of a run at 1,000/s showed 100-300 ms latencies
 * that were the driver's own. Nothing reaches the service under test.
 */
export const OPEN_LOOP_WARM_UP_REQUESTS = 2_000;
export const OPEN_LOOP_WARM_UP_RATE = 10_000;

/**
 * How far ahead of now request 0 falls due when the compiled driver (references/load-driver)
 * loads a service: the binary must start, read its request file and be ready first, or its first
 * requests go out late (timed from their due time all the same, so the lag shows rather than
 * hides). Starting takes a few ms; reading the file about 100 ms per million requests, hence a
 * base and a share per million requests of the log.
 */
export const COMPILED_DRIVER_LEAD_MS = 300;
export const COMPILED_DRIVER_LEAD_MS_PER_MILLION = 300;

/**
 * The ruler's floor (harness/drive/ruler-floor.ts): before the first row, `load` drives a null
 * server with the run's driver at the run's rate for this long, or for the run's duration when
 * shorter. Five seconds at a few thousand requests a second is over 10,000 requests, enough for
 * a p99.9 of ten or more samples, at a cost small beside the rows.
 */
export const RULER_FLOOR_MAX_MS = 5_000;

/**
 * A contender's p99 or p99.9 below this multiple of the same percentile of the ruler's floor
 * may be the driver's rather than the contender's: the verdict says so.
 */
export const RULER_FLOOR_MARGIN = 3;

// ---- measure: forced GC in `concurrent` mode ----

/** One allocation of `concurrent` mode's burst: a 4 MiB array, a large object. */
export const PRESSURE_ARRAY_LENGTH = 1 << 19;

/** Wall ms between allocations: small steps, so requests keep being served during a burst. */
export const PRESSURE_STEP_MS = 5;

/** Give up on V8 starting a major GC after this many wall milliseconds. */
export const PRESSURE_TIMEOUT_MS = 10_000;

// ---- micro ----

/**
 * Operations per timed sample: one operation takes tens of nanoseconds, less than the clock's
 * own cost, so each sample times a batch and the figures are per operation.
 */
export const OPS_PER_SAMPLE = 1024;

/** Forced full GCs timed back to back after micro's fill; the median is reported. */
export const FULL_GC_SAMPLES = 5;

/**
 * Forced full GCs timed back to back after a row has measured; the median is the row's
 * full-GC pause. Fewer than micro's: a naive-map row at 2M entries takes about a second each.
 */
export const ROW_FULL_GC_SAMPLES = 3;

// ---- check ----

/** Mismatches kept in a result: enough to debug with, few enough to read. */
export const MISMATCHES_KEPT = 20;

// ---- results: stall attribution ----

/** A window counts as a spike when its slowest request took this many times the run's p99... */
export const SPIKE_FACTOR = 5;

/**
 * ...and at least this many ms: on a shared 2-core machine an idle loop already sees gaps of a
 * few milliseconds, so smaller maxima are noise, not stalls.
 */
export const SPIKE_FLOOR_MS = 10;

/** A GC "explains" a spike when its pause covers at least this share of the spike. */
export const EXPLAINED_SHARE = 0.5;

// ---- profile ----

/** Seconds clinic may take beyond the load to analyse and write its HTML (bubbleprof can hang). */
export const CLINIC_ANALYSIS_SECONDS = 60;

// ---- measure: allocation-free request path (appended) ----

/**
 * Bracketing performance.now() pairs taken to line the allocation-free clock
 * (harness/measure/clock.ts) up with performance.now(); the tightest pair wins. 64 pairs take
 * about 20 µs and leave an offset within a few tens of nanoseconds.
 */
export const CLOCK_CALIBRATION_SAMPLES = 64;

/**
 * While no request waits for the store, the open-loop driver busy-waits for the next due
 * request inside one event-loop turn for up to this many wall ms before letting the event
 * loop run (timers, GC observer callbacks). Every turn of the event loop costs about 350 bytes
 * of JS heap (the Immediate, async-context bookkeeping; measured with the sampling heap
 * profiler), so turning it once per request, as the driver used to, cost more than anything
 * else on the hit path; once a millisecond it costs about 3.5 bytes a request at 100,000/s.
 * Timers run at most this late, which a 1 ms timer resolution hides anyway.
 */
export const SPIN_TURN_MS = 1;

/**
 * While a request waits for the store, the driver lets the event loop run (to receive the
 * store's answer) at least this often, in wall ms: a miss is answered at most this much later
 * than the store answered it. The store's round trip through its worker thread takes
 * 50-200 µs here, so 0.05 ms adds little to a miss while keeping event-loop turns (and their
 * allocation) to at most 20,000 a second.
 */
export const MISS_POLL_MS = 0.05;

// ---- measure: the machine's floor (harness/measure/machine-floor.ts) ----

/**
 * How long a run spins to measure the machine's floor before its first row, in wall ms. This
 * VM takes the CPU from a spinning thread 130-1,300 times a second, so a second sees enough gaps
 * for a p99.9 (0.1% of it is 1 ms of waiting).
 */
export const MACHINE_FLOOR_PROBE_MS = 1_000;

/**
 * A pause between two clock reads of the spinning probe counts as the CPU taken away from it
 * from this many ms: a read takes well under a microsecond, so 10 µs is never the loop's own.
 */
export const MACHINE_FLOOR_GAP_MS = 0.01;

// ---- measure: the stall recorder (harness/measure/stall-recorder.ts) ----

/**
 * The stall recorder's timer expects to fire every this many wall ms on the measured thread;
 * how late it fires is how long the thread could not run JavaScript. 1 ms is the finest
 * setInterval every runtime keeps; the driver yields at least that often (SPIN_TURN_MS).
 */
export const STALL_TICK_MS = 1;

/** A tick this late (ms) is a stall, listed with its time; below it, lateness only counts in the histogram. */
export const STALL_THRESHOLD_MS = 10;

/** Stalls kept in a row's results: enough for any run's worst, few enough to read. */
export const STALLS_KEPT = 2_000;

/**
 * Stall attribution also lists a row's worst windows, this many, whatever the spike rule
 * says: in a saturated run every window is slow and no window stands out from the rest, yet
 * the worst are what a reader asks about.
 */
export const WORST_WINDOWS_LISTED = 5;
