import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { contenders, resolveContender } from '../../../implementations/registry.js';
import { numberFlag, parseFlags } from '../options.js';
import { UsageError } from '../../errors.js';
import { ensureGc } from '../../measure/forced-gc.js';
import { ReadStateServer } from '../../http/server.js';
import { loadScenario } from '../../workload/scenario.js';
import { STORE_KINDS, type StoreKind } from '../../store/protocol.js';
import { Workload } from '../../workload/workload.js';
import { applyOverrides } from '../scenario-overrides.js';
import { chooseCaches } from '../choose-contenders.js';

export const serveHelp = `readstate-lab serve: the read-state service over HTTP/1.1 JSON

Usage: readstate-lab serve --impl NAME [--host 127.0.0.1] [--port 8080] [--capacity N]
                           [--store sqlite|memory] [--db FILE] [--scenario NAME] [--warm]
                           [--gc-mode sync|concurrent|none]

  --impl NAME      the cache contender to serve (naive-map, lru-cache, typed-array, native, or a module path)
  --host HOST      address to bind (default 127.0.0.1)
  --port N         port (default 8080; 0 picks a free one)
  --capacity N     read states cached (default: the scenario's)
  --store KIND     sqlite (default) or memory
  --db FILE        the SQLite file (default: a file in the temp folder named after the port)
  --scenario NAME  its forced-GC schedule, time scale and population (default discord-2min)
  --warm           fill the cache with the scenario's most active users' states first
  --gc-mode MODE   override the scenario's forced GC

Endpoints (JSON):
  POST /messages                 {"authorId","channelId","messageId","mentions":[userId]}
  POST /acks                     {"userId","channelId","messageId"}
  GET  /read-states/USER/CHANNEL
  POST /users/USER/reconnect     {"channelIds":[channelId]}
  GET  /health
  GET  /stats                    GC events, latency histograms, memory, counters

Prints "listening on URL" when ready. SIGTERM or SIGINT: stops accepting, finishes what is in
flight, writes every dirty read state to the store, exits 0.`;

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
    'gc-mode': { type: 'string' },
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
  const store = values.store as StoreKind;
  if (!STORE_KINDS.includes(store)) throw new UsageError(`--store must be one of ${STORE_KINDS.join(', ')}, got "${values.store}"`);
  const scenario = applyOverrides(loadScenario(values.scenario), { capacity: values.capacity, 'gc-mode': values['gc-mode'] });
  if (scenario.forcedGc !== null) ensureGc();
  const warmStates = values.warm ? new Workload(scenario, scenario.seed).warmStates(scenario.capacity) : [];

  const server = await ReadStateServer.start({
    cache,
    capacity: scenario.capacity,
    store,
    dbPath: values.db ?? join(tmpdir(), `readstate-lab-serve-${process.pid}.sqlite`),
    host: values.host,
    port,
    timeScale: scenario.timeScale,
    writeBackDelayMs: scenario.writeBackDelaySeconds * 1000,
    forcedGc:
      scenario.forcedGc === null
        ? undefined
        : { intervalMs: (scenario.forcedGc.intervalSeconds * 1000) / scenario.timeScale, mode: scenario.forcedGc.mode, offsetMs: (scenario.forcedGc.intervalSeconds * 1000) / scenario.timeScale },
    warmStates,
  });
  print(`listening on ${server.url}`);
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  print('shutting down: finishing requests in flight and writing back dirty read states');
  await server.shutdown();
  print('stopped');
  return 0;
}
