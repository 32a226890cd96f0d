import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { findContender } from '../../implementations/registry.js';
import { listFlag, numberFlag, parseFlags } from '../cli-options.js';
import { childEntry } from '../entry-points.js';
import { describeEnvironment } from '../environment.js';
import { formatCount, formatMs } from '../format.js';
import { OPS_PER_SAMPLE, type MicroConfig, type MicroTaskResult } from '../micro-benchmark.js';
import { SCHEMA_VERSION, type Environment } from '../results.js';
import { newRunId, runDirectory } from '../run-directory.js';
import { BASE_NODE_FLAGS } from '../runner.js';
import { writeTableOutput } from '../run-output.js';
import { chooseCaches } from './run.js';

export const microHelp = `readstate-lab micro: hit-path microbenchmarks (tinybench) of every contender

Usage: readstate-lab micro [--impl a,b] [--capacity N] [--time MS] [--out DIR]

  --impl a,b      contenders (default: every one available here)
  --capacity N    entries cached before timing (default: 1e6)
  --time MS       tinybench time per task (default: 1000)
  --out DIR       where micro.json and micro.md go (default: reports/<run-id>/)

Each contender runs in its own child process. Every timed sample is a batch of ${OPS_PER_SAMPLE}
hits on keys drawn in advance; figures are per operation. The "harness" task is what the
open-loop driver adds to every request (a clock read and three histogram records). Before
timing, five forced full GCs are timed with the filled cache alone on the heap.`;

export interface MicroResults {
  readonly schemaVersion: typeof SCHEMA_VERSION;
  readonly kind: 'micro';
  readonly runId: string;
  readonly createdAt: string;
  readonly environment: Environment;
  readonly settings: { readonly capacity: number; readonly timeMs: number; readonly opsPerSample: number };
  readonly rows: ReadonlyArray<
    | { readonly implementation: string; readonly state: 'completed'; readonly tasks: readonly MicroTaskResult[]; readonly fullGcMs: number }
    | { readonly implementation: string; readonly state: 'failed'; readonly reason: string }
  >;
}

export async function microCommand(args: readonly string[], print: (line: string) => void): Promise<number> {
  const { values } = parseFlags(args, {
    impl: { type: 'string' },
    capacity: { type: 'string' },
    time: { type: 'string' },
    out: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  });
  if (values.help) {
    print(microHelp);
    return 0;
  }
  const implementations = chooseCaches(listFlag(values.impl), print, 'a service, not a cache; micro times caches only');
  const capacity = numberFlag('capacity', values.capacity, { min: 1, max: 2 ** 31 - 1, integer: true }) ?? 1_000_000;
  const timeMs = numberFlag('time', values.time, { min: 10, max: 600_000 }) ?? 1000;
  const runId = newRunId('micro');
  const dir = runDirectory(runId, values.out);

  const rows: MicroResults['rows'][number][] = [];
  for (const implementation of implementations) {
    print(`${implementation}: ${formatCount(capacity)} entries, ${timeMs} ms per task`);
    const config: MicroConfig = { implementation, capacity, timeMs, seed: 1 };
    const configPath = join(dir, `micro-${implementation}.config.json`);
    const outPath = join(dir, `micro-${implementation}.out.json`);
    writeFileSync(configPath, JSON.stringify(config));
    const entry = childEntry(import.meta.url, '../micro-child.js');
    const nodeFlags = [...BASE_NODE_FLAGS, ...findContender(implementation).nodeFlags];
    const child = await execa(process.execPath, [...nodeFlags, ...entry.execArgv, entry.file, configPath, outPath], {
      reject: false,
      all: true,
      stdin: 'ignore',
    });
    try {
      const output = JSON.parse(readFileSync(outPath, 'utf8')) as
        | { state: 'completed'; tasks: MicroTaskResult[]; fullGcMs: number }
        | { state: 'failed'; reason: string };
      rows.push({ implementation, ...output });
    } catch {
      rows.push({ implementation, state: 'failed', reason: `crashed: ${child.all?.trim().split('\n').pop() ?? `exit ${child.exitCode}`}` });
    }
  }

  const results: MicroResults = {
    schemaVersion: SCHEMA_VERSION,
    kind: 'micro',
    runId,
    createdAt: new Date().toISOString(),
    environment: describeEnvironment([]),
    settings: { capacity, timeMs, opsPerSample: OPS_PER_SAMPLE },
    rows,
  };
  writeTableOutput(dir, 'micro', results, microTable(results), print);
  return rows.every((row) => row.state === 'completed') ? 0 : 1;
}

/** One row per (contender, task): ops/s, mean and p99 ns per operation; then the full GC. */
export function microTable(results: MicroResults): [string[], string[][]] {
  const header = ['contender', 'task', 'ops/s', 'mean ns/op', 'p99 ns/op'];
  const cells = results.rows.flatMap((row) =>
    row.state === 'failed'
      ? [[row.implementation, '-', '-', '-', `FAILED: ${row.reason}`]]
      : [
          ...row.tasks.map((t) => [row.implementation, t.task, formatCount(t.opsPerSecond), t.meanNsPerOp.toFixed(1), t.p99NsPerOp.toFixed(1)]),
          [row.implementation, `full GC, ${formatCount(results.settings.capacity)} cached (median of 5)`, '-', formatMs(row.fullGcMs), '-'],
        ],
  );
  return [header, cells];
}
