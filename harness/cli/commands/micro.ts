import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { findContender } from '../../../implementations/registry.js';
import { childEntry } from '../../entry-points.js';
import { UsageError } from '../../errors.js';
import { describeEnvironment } from '../../measure/environment.js';
import { formatCount } from '../../report/format.js';
import { microTable } from '../../report/micro-table.js';
import type { MicroResults } from '../../results/schema.js';
import { type MicroTaskResult, SCHEMA_VERSION } from '../../results/schema.js';
import type { MicroConfig } from '../../run/micro-benchmark.js';
import { BASE_NODE_FLAGS, OPS_PER_SAMPLE } from '../../tuning.js';
import { chooseCaches } from '../choose-contenders.js';
import { listFlag, numberFlag, parseFlags } from '../options.js';
import { checkRunDirectory, newRunId, runDirectory } from '../run-directory.js';
import { writeTableOutput } from '../run-output.js';

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

export async function microCommand(args: readonly string[], print: (line: string) => void): Promise<number> {
  const { values } = parseFlags(
    args,
    {
      impl: { type: 'string' },
      capacity: { type: 'string' },
      time: { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    false,
    'micro',
  );
  if (values.help) {
    print(microHelp);
    return 0;
  }
  const out = checkRunDirectory(values.out);
  const capacity = numberFlag('capacity', values.capacity, { min: 1, max: 2 ** 31 - 1, integer: true }) ?? 1_000_000;
  const timeMs = numberFlag('time', values.time, { min: 10, max: 600_000 }) ?? 1000;
  const chosen = await chooseCaches(listFlag(values.impl), print, 'a service, not a cache; micro times caches only');
  if (chosen.length === 0)
    throw new UsageError('nothing to measure: micro times caches, and every contender chosen is a service (see readstate-lab micro --help)');
  const runId = newRunId('micro');
  const dir = runDirectory(runId, out);

  const rows: MicroResults['rows'][number][] = [];
  for (const { name: contender, modulePath } of chosen) {
    print(`${contender}: ${formatCount(capacity)} entries, ${timeMs} ms per task`);
    const config: MicroConfig = { contender, modulePath, capacity, timeMs, seed: 1 };
    const configPath = join(dir, `micro-${contender}.config.json`);
    const outPath = join(dir, `micro-${contender}.out.json`);
    writeFileSync(configPath, JSON.stringify(config));
    const entry = childEntry(import.meta.url, '../../run/micro-child.js');
    const nodeFlags = [...BASE_NODE_FLAGS, ...(modulePath === undefined ? findContender(contender).nodeFlags : [])];
    const child = await execa(process.execPath, [...nodeFlags, ...entry.execArgv, entry.file, configPath, outPath], {
      reject: false,
      all: true,
      stdin: 'ignore',
    });
    try {
      const output = JSON.parse(readFileSync(outPath, 'utf8')) as
        | { state: 'completed'; tasks: MicroTaskResult[]; fullGcMs: number }
        | { state: 'failed'; reason: string };
      rows.push({ contender, ...output });
    } catch {
      rows.push({ contender, state: 'failed', reason: `crashed: ${child.all?.trim().split('\n').pop() ?? `exit ${child.exitCode}`}` });
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
