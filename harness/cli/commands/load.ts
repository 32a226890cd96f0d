import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { execa } from 'execa';
import { summarizeRow } from '../../results/aggregate.js';
import { listFlag, numberFlag, parseFlags } from '../options.js';
import { childEntry } from '../../entry-points.js';
import { describeError, UsageError } from '../../errors.js';
import { runHttpLoad, type HttpLoadOutcome } from '../../http/closed-loop-load.js';
import { waitForListening } from '../../http/serve-listening.js';
import { onInterrupt } from '../interrupt.js';
import { type Row, type GcEvent, type GcKind, type RowMeasurement } from '../../results/schema.js';
import { newRunId, runDirectory } from '../run-directory.js';
import { assembleResults, writeRunOutput } from '../run-output.js';
import { loadScenario } from '../../workload/scenario.js';
import { Workload } from '../../workload/workload.js';
import type { Scenario } from '../../results/scenario-schema.js';
import { BASE_NODE_FLAGS } from '../../tuning.js';
import { SERVE_START_TIMEOUT_MS } from '../../tuning.js';
import { applyOverrides } from '../scenario-overrides.js';
import { chooseCaches } from '../choose-contenders.js';

export const loadHelp = `readstate-lab load: every contender as an HTTP service, under autocannon

Usage: readstate-lab load [--impl a,b] [--scenario NAME] [--connections N] [--duration S]
                          [--rate N] [--capacity N] [--target URL] [--out DIR]

  --impl a,b        cache contenders to serve (default: every one available here)
  --scenario NAME   request mix, population and forced-GC schedule (default discord-2min)
  --connections N   autocannon connections (default 50)
  --duration S      seconds of load (default 20)
  --rate N          requests per second over all connections (default 2000)
  --capacity N      read states each server caches (default: the scenario's)
  --target URL      load this running service instead (any service with the API in README.md);
                    its GC events and memory appear when it answers GET /stats
  --out DIR         where results go (default reports/<run-id>/)

Each contender runs 'readstate-lab serve' in its own process, warmed, with the scenario's
forced GCs inside. Latency is timed per request in microseconds from just before it is written
to its response; each connection waits for its answer before its next request.`;

export async function loadCommand(args: readonly string[], print: (line: string) => void): Promise<number> {
  const { values } = parseFlags(args, {
    impl: { type: 'string' },
    scenario: { type: 'string', default: 'discord-2min' },
    connections: { type: 'string', default: '50' },
    duration: { type: 'string', default: '20' },
    rate: { type: 'string', default: '2000' },
    capacity: { type: 'string' },
    target: { type: 'string' },
    out: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  });
  if (values.help) {
    print(loadHelp);
    return 0;
  }
  const scenario = applyOverrides(loadScenario(values.scenario), { duration: values.duration, rate: values.rate, capacity: values.capacity });
  const connections = numberFlag('connections', values.connections, { min: 1, max: 10_000, integer: true })!;
  if (values.target !== undefined && !/^http:\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?\/?$/.test(values.target)) {
    throw new UsageError(`--target must be an http:// URL on this machine (127.0.0.1, localhost or [::1]), got "${values.target}"`);
  }
  const chosen =
    values.target !== undefined
      ? [{ name: `external ${values.target}`, kind: 'service' as const }]
      : await chooseCaches(listFlag(values.impl), print, 'serve runs cache contenders only');
  const contenderNames = chosen.map((contender) => contender.name);
  const log = new Workload(scenario, scenario.seed).generateForScenario();
  const runId = newRunId(`load-${scenario.name}`);
  const dir = runDirectory(runId, values.out);
  const interrupt = onInterrupt(() => print('\nstopping after the current contender; finished rows are kept'));

  const rows: Row[] = [];
  try {
    for (const { name: contender, modulePath } of chosen) {
      if (interrupt.signal.aborted) break;
      print(`${contender}: ${log.count.toLocaleString('en-US')} requests at ${scenario.rate}/s over ${connections} connections`);
      const started = performance.now();
      const base = { contender, repetition: 1, nodeFlags: [...BASE_NODE_FLAGS] };
      try {
        const outcome =
          values.target !== undefined
            ? await runHttpLoad({ url: values.target.replace(/\/$/, ''), log, rate: scenario.rate, connections, windowMs: 1000, timeoutSeconds: 10 })
            : await loadOneServer(modulePath ?? contender, scenario, connections, log, interrupt.signal);
        const measurement = toMeasurement(outcome);
        const row: Row = { ...base, wallMs: performance.now() - started, state: 'completed', measurement, summary: summarizeRow(measurement) };
        rows.push(row);
        const s = row.summary.latency;
        print(`    p50 ${s.p50Ms.toFixed(3)} ms, p99 ${s.p99Ms.toFixed(3)} ms, max ${s.maxMs.toFixed(1)} ms, ${Math.round(row.summary.achievedRate)}/s, ${outcome.errors + outcome.timeouts + outcome.non2xx} failed requests`);
      } catch (error) {
        rows.push({ ...base, wallMs: performance.now() - started, state: 'failed', reason: describeError(error) });
        print(`    FAILED: ${describeError(error)}`);
      }
    }
  } finally {
    interrupt.dispose();
  }

  const results = assembleResults(runId, {
    scenario,
    contenderNames,
    repeat: 1,
    closedLoop: false,
    store: 'sqlite',
    requestsFile: null,
    serviceLevel: { connections, target: values.target ?? null },
    invocation: ['load', ...args],
  }, rows);
  writeRunOutput(dir, results, print);
  return rows.every((row) => row.state === 'completed') ? 0 : 1;
}

/** Starts `serve` for one contender in its own process, loads it, then stops it with SIGTERM. */
async function loadOneServer(
  contender: string,
  scenario: Scenario,
  connections: number,
  log: Parameters<typeof runHttpLoad>[0]['log'],
  stopSignal: AbortSignal,
): Promise<HttpLoadOutcome> {
  const entry = childEntry(import.meta.url, '../main.js');
  const fileStem = join(tmpdir(), `readstate-lab-load-${process.pid}-${basename(contender).replace(/\W/g, '_')}`);
  const scenarioFile = `${fileStem}.json`;
  const db = `${fileStem}.sqlite`;
  writeFileSync(scenarioFile, JSON.stringify(scenario));
  const server = execa(
    process.execPath,
    [...BASE_NODE_FLAGS, ...entry.execArgv, entry.file, 'serve', '--impl', contender, '--port', '0', '--scenario', scenarioFile, '--warm', '--db', db],
    { reject: false, all: true, stdin: 'ignore', cancelSignal: stopSignal, forceKillAfterDelay: 5_000 },
  );
  try {
    const url = await waitForListening(server, SERVE_START_TIMEOUT_MS);
    return await runHttpLoad({ url, log, rate: scenario.rate, connections, windowMs: scenario.windowSeconds * 1000, timeoutSeconds: 10 });
  } finally {
    server.kill('SIGTERM');
    await server;
    for (const file of [scenarioFile, db, `${db}-wal`, `${db}-shm`]) rmSync(file, { force: true });
  }
}

/** The service-level figures in the same shape as an in-process row's. */
function toMeasurement(outcome: HttpLoadOutcome): RowMeasurement {
  const stats = outcome.finalStats;
  const counters = stats?.counters ?? { hits: 0, misses: 0, evictions: 0, writeBacks: 0, cacheSize: 0 };
  const failed = outcome.errors + outcome.timeouts + outcome.non2xx;
  return {
    drive: { ...outcome.drive, saturated: outcome.drive.saturated || failed > 0 },
    latency: outcome.latency,
    gcEvents: (stats?.gcEvents ?? []).map((e): GcEvent => ({ ...e, kind: e.kind as GcKind })),
    forcedGcs: (stats?.forcedGcs ?? []).map((f) => ({ ...f, mode: f.mode === 'concurrent' ? 'concurrent' : 'sync' })),
    windows: outcome.windows,
    memory: { cachedStates: counters.cacheSize, bytesPerEntry: Number.NaN, heapBytes: 0, arrayBufferBytes: 0, offHeapBytes: 0, fullGcPauseMs: Number.NaN },
    counters,
    // Concurrent connections apply requests out of log order, so the final states cannot be
    // compared with the sequential reference; what can be said is whether every request got a 2xx.
    integrity: {
      ok: failed === 0,
      statesChecked: 0,
      mismatchCount: failed,
      mismatches: [],
      note: failed === 0 ? 'every request answered 2xx; final states not compared (concurrent connections reorder requests)' : `${failed} requests failed (errors ${outcome.errors}, timeouts ${outcome.timeouts}, non-2xx ${outcome.non2xx})`,
    },
    timingsMs: { generate: 0, warm: 0, check: 0 },
  };
}
