import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { findContender } from '../../../implementations/registry.js';
import { childEntry } from '../../entry-points.js';
import { UsageError } from '../../errors.js';
import { runtimeFields, withRuntimeVersions } from '../../experiment/runtime-rows.js';
import { describeEnvironment } from '../../measure/environment.js';
import { formatCount } from '../../report/format.js';
import { microTable } from '../../report/micro-table.js';
import { checkAgainstSchema } from '../../results/check-against-schema.js';
import type { MicroResults } from '../../results/schema.js';
import { SCHEMA_VERSION } from '../../results/schema.js';
import { MicroChildOutput } from '../../results/schemas/micro-sweep.js';
import type { MicroConfig } from '../../run/micro-benchmark.js';
import { launchScript } from '../../runtimes/launch.js';
import { chooseRuntimes } from '../../runtimes/locate.js';
import { BASE_NODE_FLAGS, OPS_PER_SAMPLE } from '../../tuning.js';
import { chooseCaches } from '../choose-contenders.js';
import { CommandOutput } from '../command-output.js';
import { CommandFlags, numberOf } from '../flags.js';
import { listFlag } from '../options.js';
import { readerPath } from '../reader-path.js';
import { checkRunDirectory, newRunId, runDirectory } from '../run-directory.js';
import { writeTableOutput } from '../run-output.js';

const microFlags = new CommandFlags(['impl', 'capacity', 'time', 'out', 'quiet', 'json', 'runtime', 'help'], {
  impl: { help: 'contenders' },
  capacity: { default: '1e6', help: 'entries cached before timing' },
  time: { default: '1000' },
  out: { help: 'where micro.json and micro.md go' },
  quiet: { help: 'no progress on stderr' },
  json: { help: 'the results as JSON on stdout, and nothing else there' },
  runtime: { help: 'runtimes to time every contender on: node20 (the system Node), node22, node24, bun, deno (see readstate-lab runtimes)' },
});

export const microHelp = `readstate-lab micro: hit-path microbenchmarks (tinybench) of every contender

Usage: readstate-lab micro [--impl a,b] [--capacity N] [--time MS] [--runtime a,b] [--out DIR]

${microFlags.help()}

Each contender runs in its own child process. Every timed sample is a batch of ${OPS_PER_SAMPLE}
hits on keys drawn in advance; figures are per operation. The "harness" task is what the
open-loop driver adds to every request (a clock read and three histogram records). Before
timing, five forced full GCs are timed with the filled cache alone on the heap.`;

export async function microCommand(args: readonly string[], print: (line: string) => void): Promise<number> {
  const values = microFlags.parse(args, 'micro');
  if (values.help) {
    print(microHelp);
    return 0;
  }
  const out = checkRunDirectory(values.out);
  const capacity = numberOf('capacity', values.capacity)!;
  const timeMs = numberOf('time', values.time)!;
  const terminal = new CommandOutput(values, print);
  const chosen = await terminal.notingIfItSucceeds((note) => chooseCaches(listFlag(values.impl), note, 'a service, not a cache; micro times caches only'));
  if (chosen.length === 0)
    throw new UsageError('nothing to measure: micro times caches, and every contender chosen is a service (see readstate-lab micro --help)');
  const runtimes = chooseRuntimes(listFlag(values.runtime));
  const runId = newRunId('micro');
  const dir = runDirectory(runId, out);

  const rows: MicroResults['rows'][number][] = [];
  const progress = terminal.progress(runtimes.length * chosen.length);
  for (const runtime of runtimes)
    for (const { name, modulePath } of chosen) {
      const { label, runtime: runtimeName } = runtimeFields(name, runtime, runtimes);
      const contender = label ?? name;
      const file = `micro-${name}${runtime.system ? '' : `-${runtime.name}`}`;
      progress.startRow(contender, `filling ${formatCount(capacity)} entries, then timing each task for ${timeMs} ms`);
      const config: MicroConfig = { contender: name, modulePath, capacity, timeMs, seed: 1 };
      const configPath = join(dir, `${file}.config.json`);
      const outPath = join(dir, `${file}.out.json`);
      writeFileSync(configPath, JSON.stringify(config));
      const entry = childEntry(import.meta.url, '../../run/micro-child.js', { measured: true });
      const nodeFlags = [...BASE_NODE_FLAGS, ...(modulePath === undefined ? findContender(name).nodeFlags : [])];
      const launch = launchScript(runtime, nodeFlags, entry, [configPath, outPath]);
      const child = await execa(launch.file, launch.args, { reject: false, all: true, stdin: 'ignore' });
      try {
        const output = checkAgainstSchema(MicroChildOutput, JSON.parse(readFileSync(outPath, 'utf8')), 'its output');
        rows.push({ contender, runtime: runtimeName, ...output });
      } catch {
        rows.push({ contender, runtime: runtimeName, state: 'failed', reason: `crashed: ${child.all?.trim().split('\n').pop() ?? `exit ${child.exitCode}`}` });
      }
      const row = rows.at(-1)!;
      progress.endRow(row.state === 'failed' ? `FAILED: ${row.reason}` : `${row.tasks.length} tasks timed`);
    }
  progress.finish();

  const results: MicroResults = withRuntimeVersions(
    {
      schemaVersion: SCHEMA_VERSION,
      kind: 'micro',
      runId,
      createdAt: new Date().toISOString(),
      environment: describeEnvironment([]),
      settings: { capacity, timeMs, opsPerSample: OPS_PER_SAMPLE },
      rows,
    },
    runtimes,
  );
  const written = writeTableOutput(dir, 'micro', results, microTable(results), terminal.print);
  terminal.print(`report: ${readerPath(written.report)}`);
  const code = rows.every((row) => row.state === 'completed') ? 0 : 1;
  terminal.emitJson({ command: 'micro', runId, exitCode: code, files: { results: written.json, report: written.html }, rows });
  return code;
}
