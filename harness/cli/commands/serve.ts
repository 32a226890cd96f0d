import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { contenders, resolveContender } from '../../../implementations/registry.js';
import { UsageError } from '../../errors.js';
import { ensureGc } from '../../measure/forced-gc.js';
import { ReadStateServer } from '../../serve/server.js';
import { describeStoreLatency, parseStoreLatency } from '../../store/latency-profile.js';
import { STORE_KINDS, type StoreKind } from '../../store/protocol.js';
import { SHUTDOWN_DEADLINE_MS } from '../../tuning.js';
import { loadScenario } from '../../workload/scenario.js';
import { readWarmFile } from '../../workload/warm-file.js';
import { Workload } from '../../workload/workload.js';
import { chooseCaches } from '../choose-contenders.js';
import { numberFlag, parseFlags } from '../options.js';
import { checkOutputFile } from '../output-paths.js';
import { applyOverrides } from '../scenario-overrides.js';

/** How long past the shutdown deadline the process may take to exit before it is made to. */
const HARD_EXIT_MARGIN_MS = 3_000;

export const serveHelp = `readstate-lab serve: the read-state service over HTTP/1.1 JSON

Usage: readstate-lab serve --impl NAME [--host 127.0.0.1] [--port 8080] [--capacity N]
                           [--store sqlite|memory] [--db FILE] [--scenario NAME] [--warm | --warm-file FILE]
                           [--gc-mode sync|concurrent|none] [--store-latency PROFILE]

  --impl NAME      the cache contender to serve (naive-map, lru-cache, typed-array, native, or a module path)
  --host HOST      address to bind (default 127.0.0.1)
  --port N         port (default 8080; 0 picks a free one)
  --capacity N     read states cached (default: the scenario's)
  --store KIND     sqlite (default) or memory
  --db FILE        the SQLite file (default: readstate-lab-serve-PORT.sqlite in the temp folder,
                   kept across restarts; with --port 0, a file removed when the server stops)
  --scenario NAME  its forced-GC schedule, time scale and population (default discord-2min)
  --warm           fill the cache with the scenario's most active users' states first
  --warm-file FILE fill the cache from a warm file (five little-endian float64s per state:
                   user, channel, last read, mentions, updated at), as load gives every service
  --gc-mode MODE   override the scenario's forced GC
  --store-latency P  hold the store's answers back as a remote database would: none (default),
                   fixed:MS, or a profile of scenarios/store-latency/ (cassandra-2020, scylla-2023)

Endpoints (JSON):
  POST /messages                 {"authorId","channelId","messageId","mentions":[userId]}
  POST /acks                     {"userId","channelId","messageId"}
  GET  /read-states/USER/CHANNEL
  POST /users/USER/reconnect     {"channelIds":[channelId]}
  GET  /health
  GET  /stats                    GC events, latency histograms, memory, counters

Opens the store and checks it takes a write before anything else; prints "listening on URL" when
ready. While the store fails (a full disk, a lock), writes answer 503, /health answers 503, and
write-backs are retried, never dropped. SIGTERM or SIGINT: stops accepting, gives requests in
flight up to 5 s, then closes every connection (a stalled upload too), writes every dirty read
state to the store by 10 s and exits 0, or says how many it could not write and exits 1; a
second signal does not cut that short. A --db that cannot be a file this process writes (empty,
a folder, a file in a missing folder, a read-only place): one line, exit 2. A store that cannot
be opened, a port in use or an address that cannot be bound: one line, exit 1.`;

export async function serveCommand(args: readonly string[], print: (line: string) => void): Promise<number> {
  const { values } = parseFlags(args, {
    impl: { type: 'string' },
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '8080' },
    capacity: { type: 'string' },
    store: { type: 'string', default: 'sqlite' },
    db: { type: 'string' },
    scenario: { type: 'string', default: 'discord-2min' },
    warm: { type: 'boolean', default: false },
    'warm-file': { type: 'string' },
    'gc-mode': { type: 'string' },
    'store-latency': { type: 'string', default: 'none' },
    help: { type: 'boolean', short: 'h', default: false },
  });
  if (values.help) {
    print(serveHelp);
    return 0;
  }
  if (values.impl === undefined) throw new UsageError('serve needs --impl NAME');
  const [chosen] = await chooseCaches([values.impl], print, 'a service of its own; serve runs cache contenders');
  if (chosen === undefined) throw new UsageError(`serve runs cache contenders (${contenders.map((c) => c.name).join(', ')}), not ${values.impl}`);
  const cache = await resolveContender(chosen.modulePath ?? chosen.name);
  if (cache.kind !== 'cache') throw new UsageError(`${chosen.name} is not a cache contender`);
  const port = numberFlag('port', values.port, { min: 0, max: 65_535, integer: true })!;
  const host = values.host.trim();
  if (host === '') throw new UsageError('--host must name an address (127.0.0.1 to serve this machine only); an empty host would bind every interface');
  if (!isLoopback(host)) print(`warning: --host ${host} is not a loopback address: the API will be reachable from other machines`);
  const store = values.store as StoreKind;
  if (!STORE_KINDS.includes(store)) throw new UsageError(`--store must be one of ${STORE_KINDS.join(', ')}, got "${values.store}"`);
  // The database must be a file this process can write before anything starts: an empty path
  // would give SQLite a private temporary database, lost at exit with everything acknowledged.
  const db = checkOutputFile('--db', values.db);
  const scenario = applyOverrides(loadScenario(values.scenario), { capacity: values.capacity, 'gc-mode': values['gc-mode'] });
  const storeLatency = parseStoreLatency(values['store-latency']);
  if (scenario.forcedGc !== null) ensureGc();
  const warmStates =
    values['warm-file'] !== undefined
      ? readWarmFile(readInput(values['warm-file'], 'warm file'))
      : values.warm
        ? new Workload(scenario, scenario.seed).warmStates(scenario.capacity)
        : [];

  // A fixed port names its database, so a restart without --db serves what the last run kept;
  // a free port (0) has no stable name, so its database lasts one process and is removed.
  const ephemeral = db === undefined && port === 0;
  const dbPath = db ?? join(tmpdir(), ephemeral ? `readstate-lab-serve-pid${process.pid}.sqlite` : `readstate-lab-serve-${port}.sqlite`);
  const log = (line: string): void => void process.stderr.write(`readstate-lab serve: ${line}\n`);
  let server: ReadStateServer;
  try {
    server = await ReadStateServer.start({
      cache,
      capacity: scenario.capacity,
      store,
      storeLatency,
      dbPath,
      host,
      port,
      timeScale: scenario.timeScale,
      writeBackDelayMs: scenario.writeBackDelaySeconds * 1000,
      forcedGc:
        scenario.forcedGc === null
          ? undefined
          : {
              intervalMs: (scenario.forcedGc.intervalSeconds * 1000) / scenario.timeScale,
              mode: scenario.forcedGc.mode,
              offsetMs: (scenario.forcedGc.intervalSeconds * 1000) / scenario.timeScale,
            },
      warmStates,
      log,
    });
  } catch (error) {
    if (ephemeral) removeDatabase(dbPath);
    throw error;
  }
  if (storeLatency !== undefined) log(`store latency ${describeStoreLatency(storeLatency)}`);
  print(`listening on ${server.url}`);
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    let first: NodeJS.Signals | undefined;
    // The handlers stay for the life of the process: without them a second Ctrl-C or SIGTERM
    // would kill it mid-write-back and lose what was acknowledged. The deadline below bounds the
    // wait instead, and SIGKILL is still there for whoever wants nothing written.
    const onSignal = (name: NodeJS.Signals): void => {
      if (first === undefined) resolve((first = name));
      else log(`${name}: already shutting down; exiting within ${SHUTDOWN_DEADLINE_MS / 1000 + HARD_EXIT_MARGIN_MS / 1000} s of the ${first}`);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
  print('shutting down: finishing requests in flight and writing back dirty read states');
  // shutdown() bounds every step by the deadline, but a step that never settles and holds no
  // handle (a promise nobody resolves) would let Node exit early with code 0 and nothing written,
  // and a handle that is never released would keep the process alive for ever. This timer covers
  // both, so it stays ref'd while the shutdown runs: it keeps the process alive to fire, and says so.
  const hardExit = setTimeout(() => {
    log(`shutdown not done ${(SHUTDOWN_DEADLINE_MS + HARD_EXIT_MARGIN_MS) / 1000} s after ${signal}: exiting, read states not yet written are lost`);
    process.exit(1);
  }, SHUTDOWN_DEADLINE_MS + HARD_EXIT_MARGIN_MS);
  const outcome = await server.shutdown();
  clearTimeout(hardExit);
  if (ephemeral) removeDatabase(dbPath);
  const code = outcome.unwritten > 0 ? 1 : 0;
  // Everything the store could take is written now, so exiting loses nothing: this timer is
  // unref'd, letting Node exit at once when nothing is left open, and forcing the exit (with the
  // same code) if something still is, such as a store worker that did not stop in time.
  setTimeout(() => process.exit(code), HARD_EXIT_MARGIN_MS).unref();
  if (outcome.unwritten > 0) {
    log(`could not write ${outcome.unwritten} read states to the store: ${outcome.cause}`);
    return 1;
  }
  print('stopped');
  return 0;
}

/** A file's bytes; a file that cannot be read is one line naming it. */
function readInput(path: string, what: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new UsageError(`${what} ${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

function removeDatabase(path: string): void {
  for (const file of [path, `${path}-wal`, `${path}-shm`]) rmSync(file, { force: true });
}
