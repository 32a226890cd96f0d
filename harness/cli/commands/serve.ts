import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { contenders, resolveContender } from '../../../implementations/registry.js';
import { describeError, errorCode, UsageError } from '../../errors.js';
import { ensureGc } from '../../measure/forced-gc.js';
import { ReadStateServer } from '../../serve/server.js';
import { ensureTable } from '../../store/cassandra-tables.js';
import { withTable } from '../../store/cassandra-target.js';
import { describeStoreLatency, parseStoreLatency } from '../../store/latency-profile.js';
import { loadScenario } from '../../workload/scenario.js';
import { readWarmFile } from '../../workload/warm-file.js';
import { Workload } from '../../workload/workload.js';
import { chooseCaches } from '../choose-contenders.js';
import { CommandFlags, numberOf } from '../flags.js';
import { checkOutputFile } from '../output-paths.js';
import { applyOverrides } from '../scenario-overrides.js';
import { removeDatabase, serveUntilSignalled } from '../serve-shutdown.js';
import { parseStoreFlag, type StoreChoice } from '../store-flag.js';

const serveFlags = new CommandFlags(['impl', 'host', 'port', 'capacity', 'store', 'db', 'scenario', 'warm', 'warm-file', 'gc-mode', 'store-latency', 'help'], {
  impl: { value: 'NAME', help: 'the cache contender to serve (naive-map, lru-cache, typed-array, native, or a module path)', defaultHelp: '' },
  capacity: { help: 'read states cached' },
  host: { default: '127.0.0.1' },
  port: { default: '8080' },
  store: { default: 'sqlite' },
  scenario: { default: 'discord-2min', help: 'its forced-GC schedule, time scale and population' },
  'gc-mode': { help: "override the scenario's forced GC", defaultHelp: '' },
  'store-latency': {
    default: 'none',
    help: "hold the store's answers back as a remote database would: none, fixed:MS, or a profile of scenarios/store-latency/ (cassandra-2020, scylla-2023)",
  },
});

export const serveHelp = `readstate-lab serve: the read-state service over HTTP/1.1 JSON

Usage: readstate-lab serve --impl NAME [--host 127.0.0.1] [--port 8080] [--capacity N]
                           [--store sqlite|memory|cassandra[:HOST,...]] [--db FILE|TABLE] [--scenario NAME] [--warm | --warm-file FILE]
                           [--gc-mode sync|concurrent|none] [--store-latency PROFILE]

${serveFlags.help()}

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
be opened, a port in use or an address that cannot be bound: one line, exit 1. With --store
cassandra (the lab's running cluster, or the nodes named), --db names the table of keyspace
readstate_lab (read_states unless given; created if missing), and while Cassandra cannot take
writes (a node frozen or down) writes answer 503 and are retried as with a failing SQLite file.`;

/** --store and, for Cassandra, --db as the table's name. */
function serveStore(given: string, db: string | undefined): StoreChoice {
  const choice = parseStoreFlag(given);
  if (choice.cassandra === undefined || db === undefined) return choice;
  if (!/^[a-z][a-z0-9_]{0,47}$/.test(db)) throw new UsageError(`--db with --store cassandra names a table: lower-case letters, digits and _, got "${db}"`);
  return { ...choice, cassandra: withTable(choice.cassandra, db) };
}

export async function serveCommand(args: readonly string[], print: (line: string) => void): Promise<number> {
  const values = serveFlags.parse(args);
  if (values.help) {
    print(serveHelp);
    return 0;
  }
  if (values.impl === undefined) throw new UsageError('serve needs --impl NAME');
  const [chosen] = await chooseCaches([values.impl], print, 'a service of its own; serve runs cache contenders');
  if (chosen === undefined) throw new UsageError(`serve runs cache contenders (${contenders.map((c) => c.name).join(', ')}), not ${values.impl}`);
  const cache = await resolveContender(chosen.modulePath ?? chosen.name);
  if (cache.kind !== 'cache') throw new UsageError(`${chosen.name} is not a cache contender`);
  const port = numberOf('port', values.port)!;
  const host = values.host.trim();
  if (host === '') throw new UsageError('--host must name an address (127.0.0.1 to serve this machine only); an empty host would bind every interface');
  if (!isLoopback(host)) print(`warning: --host ${host} is not a loopback address: the API will be reachable from other machines`);
  const { store, cassandra } = serveStore(values.store, values.db);
  // The database must be a file this process can write before anything starts: an empty path
  // would give SQLite a private temporary database, lost at exit with everything acknowledged.
  const db = store === 'cassandra' ? undefined : checkOutputFile('--db', values.db);
  const scenario = applyOverrides(loadScenario(values.scenario), { capacity: values.capacity, 'gc-mode': values['gc-mode'] });
  const storeLatency = parseStoreLatency(values['store-latency']);
  if (store === 'cassandra' && storeLatency !== undefined)
    throw new UsageError(`--store-latency ${storeLatency.name} imitates a database; with --store cassandra the database is real: leave one out`);
  if (scenario.forcedGc !== null) ensureGc();
  const warmStates =
    values['warm-file'] !== undefined
      ? readWarmFile(readInput(values['warm-file'], 'warm file'))
      : values.warm
        ? new Workload(scenario, scenario.seed).warmStates(scenario.capacity)
        : [];

  // A fixed port names its database, so a restart without --db serves what the last run kept;
  // a free port (0) has no stable name, so its database lasts one process and is removed.
  const ephemeral = db === undefined && port === 0 && store !== 'cassandra';
  const dbPath = db ?? join(tmpdir(), ephemeral ? `readstate-lab-serve-pid${process.pid}.sqlite` : `readstate-lab-serve-${port}.sqlite`);
  const log = (line: string): void => void process.stderr.write(`readstate-lab serve: ${line}\n`);
  let server: ReadStateServer;
  try {
    if (cassandra !== undefined) await ensureTable(cassandra);
    server = await ReadStateServer.start({
      cache,
      capacity: scenario.capacity,
      store,
      cassandra,
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
  return serveUntilSignalled(server, print, log, () => {
    if (ephemeral) removeDatabase(dbPath);
  });
}

/** A file's bytes; a file that cannot be read is one line naming it. */
function readInput(path: string, what: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new UsageError(`${what} ${path}: ${errorCode(error) === 'ENOENT' ? 'no such file' : describeError(error)}`);
  }
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
