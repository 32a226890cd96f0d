import { CommandFlags } from './flags.js';

/** autocannon's connections with --closed-loop, unless --connections says otherwise. */
export const CLOSED_LOOP_CONNECTIONS = '50';

/** load's flags, with the words a service-level run needs. */
export const loadFlags = new CommandFlags(
  [
    'impl',
    'scenario',
    'duration',
    'rate',
    'capacity',
    'driver',
    'max-connections',
    'closed-loop',
    'connections',
    'store',
    'store-latency',
    'target',
    'out',
    'runtime',
    'quiet',
    'json',
    'wide',
    'help',
  ],
  {
    impl: {
      help: "contenders: cache contenders run behind 'readstate-lab serve'; go-lru, go-lru-go1.19 and rust-btree are the Go and Rust services of references/ (npm run build:references)",
    },
    scenario: { default: 'discord-2min', help: "request mix, population and forced-GC schedule (discord-2020 is the story's picture at service level)" },
    duration: { help: 'seconds of load' },
    rate: { help: 'requests per second' },
    capacity: { help: 'read states each service caches' },
    driver: {
      help: "the open-loop driver: compiled (references/load-driver, Go, built by npm run build:references; it sleeps on Go's fine-grained timers, so sends leave close to their due time) or node (the lab's Node driver, on millisecond timers: a send may leave up to ~1 ms late, in every latency)",
      defaultHelp: 'compiled when built, else node',
    },
    'max-connections': { default: '512' },
    'closed-loop': {
      help: 'autocannon instead, the contrast: each connection waits for its answer before its next request, which hides stalls (coordinated omission)',
    },
    connections: { defaultHelp: CLOSED_LOOP_CONNECTIONS },
    store: {
      help: "sqlite (a file per service) or cassandra[:HOST,...]: every service, Node, Go and Rust, writes a fresh table of the cluster (the lab's running one unless hosts are named), which the nothing-lost check reads back",
      defaultHelp: 'sqlite',
    },
    'store-latency': {
      default: 'none',
      help: "hold each Node service's store answers back as a remote database would: none, fixed:MS, or a profile of scenarios/store-latency/ (cassandra-2020, scylla-2023); not for the Go and Rust services",
    },
    target: { help: "load this running service instead (any service with the lab's API); its GC events and memory appear when it answers GET /stats" },
    runtime: { defaultHelp: 'the system Node; a Go or Rust service runs once, on no JavaScript runtime' },
  },
);

export const loadHelp = `readstate-lab load: every contender as an HTTP service in its own process, driven open-loop

Usage: readstate-lab load [options]

${loadFlags.help()}

Open loop: request i is due at start + i/rate and timed from that moment, sent on a pool of
keep-alive connections that grows so that a due request never waits for a free connection
unless the cap is reached (then it waits, still timed from its due time, and the results say
how often). How late each request left (its send lag) is in every latency; the results keep
it per row. Before the first row, the run's driver loads a null server (one that answers at
once) at the run's rate for up to 5 s: the ruler's floor, what the driver itself adds to
every latency. The report shows it beside the machine's floor, and the verdict warns of a
p99 or p99.9 within 3x of it. Every service is warmed with the same states, gets the
scenario's forced GCs, and writes back to its own SQLite file; after the load it is stopped
with SIGTERM and its file is checked against what the acknowledged requests imply. A target
that refuses connections fails its row ("connection refused: URL"). Exit 1 when a row
failed, lost read states or measured nothing.`;
