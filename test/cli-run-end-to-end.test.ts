import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { SUMMARY_COLUMNS } from '../harness/report/summary-table.js';
import type { Results } from '../harness/results/schema.js';
import { runCli, smallScenarioFile, tempDir } from './support/cli.js';
import { smallScenario } from './support/small-scenario.js';

describe('readstate-lab run', () => {
  it('measures every contender and writes results.json and summary.md', async () => {
    const dir = tempDir();
    const out = join(dir, 'out');
    const args = ['run', '--scenario', smallScenarioFile(dir), '--impl', 'naive-map,lru-cache', '--repeat', '2', '--time-scale', '200', '--out', out];
    // Off a terminal the width comes from $COLUMNS: the table and the verdict fit 80 columns.
    // The floor's probe at its full length, as a user runs it (the suite shortens it elsewhere).
    const { exitCode, stdout, stderr } = await runCli(args, { COLUMNS: '80', READSTATE_LAB_FLOOR_PROBE_MS: '1000' });
    assert.equal(exitCode, 0, stderr);
    for (const line of stdout.split('\n')) assert.ok(line.length <= 80, `a line of ${line.length} characters:\n${stdout}`);
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as Results;
    assert.equal(results.schemaVersion, 2);
    assert.deepEqual(results.settings.invocation, args, 'the command line is kept as received');
    const reproduce = args.slice(0, -2).join(' ');
    assert.ok(readFileSync(join(out, 'index.html'), 'utf8').includes(`readstate-lab ${reproduce}`), 'the report reproduces exactly what ran, less --out');
    assert.equal(results.environment.node, process.version);
    // The floor's probe spins 1 s: by construction it ends just past it, so a span far beyond
    // means the probe ran on, and a share outside 0-1 or a p99.9 under the p99 a wrong formula.
    const floor = results.environment.hostLoad?.floor;
    assert.ok(floor !== undefined, "the machine's floor is measured before the rows");
    assert.ok(floor.probeMs >= 1000 && floor.probeMs < 1500, `probe span ${floor.probeMs} ms`);
    assert.ok(floor.takenFraction >= 0 && floor.takenFraction < 1, `taken ${floor.takenFraction}`);
    assert.ok(floor.zeroCostP999Ms >= floor.zeroCostP99Ms, JSON.stringify(floor));
    assert.equal(results.rows.length, 4);
    assert.deepEqual(
      results.rows.map((row) => `${row.contender}/${row.repetition}`),
      ['naive-map/1', 'lru-cache/1', 'naive-map/2', 'lru-cache/2'],
    );
    for (const row of results.rows) {
      assert.equal(row.state, 'completed', row.state === 'failed' ? row.reason : '');
      if (row.state !== 'completed') continue;
      assert.equal(row.summary.integrityOk, true);
      assert.equal(row.summary.latency.count, 2000);
      assert.ok(row.summary.latency.p50Ms > 0 && row.summary.latency.p50Ms <= row.summary.latency.maxMs);
      assert.ok(row.measurement.latency.windows.length >= 1);
      assert.ok(
        row.measurement.gcEvents.some((event) => event.forced),
        'forced GCs are observed and marked',
      );
      assert.ok(Number.isFinite(row.summary.bytesPerEntry));
    }
    const summary = readFileSync(join(out, 'summary.md'), 'utf8');
    assert.match(summary, /\| naive-map \|/);
    assert.match(summary, /Machine floor: a request costing nothing would have waited .* at p99/);
    assert.match(stdout, /contender\s+p50\s+p99\s+p99\.9/);
    // Every column is there, in blocks below the first where they do not fit beside it.
    for (const title of SUMMARY_COLUMNS) for (const word of title.split(' ')) assert.ok(stdout.includes(word), `no ${word} in\n${stdout}`);
  });

  it('replays a request log: plain, partitioned and in-heap partitioned services end with the same read states', async () => {
    const dir = tempDir();
    const scenario = smallScenarioFile(dir);
    const log = join(dir, 'log.ndjson');
    assert.equal((await runCli(['workload', '--scenario', scenario, '--out', log])).exitCode, 0);
    const dumps = [];
    for (const impl of ['naive-map', 'typed-array', 'partitioned', 'partitioned-inheap']) {
      const dump = join(dir, `${impl}.ndjson`);
      const run = await runCli(['run', '--scenario', scenario, '--impl', impl, '--requests', log, '--dump-state', dump, '--out', join(dir, impl)]);
      assert.equal(run.exitCode, 0, run.stderr);
      dumps.push(readFileSync(dump, 'utf8'));
    }
    assert.ok(dumps[0]!.split('\n').length > 100);
    for (const dump of dumps.slice(1)) assert.equal(dump, dumps[0]);
  });

  it('keeps going when a contender crashes: a failed row, results still written', async () => {
    const dir = tempDir();
    const out = join(dir, 'out');
    // A 32 MB heap cannot hold a million cached objects: the child dies out of memory.
    const population = { ...smallScenario().population, users: 200_000 };
    const { exitCode, stdout } = await runCli([
      'run',
      '--scenario',
      smallScenarioFile(dir, { capacity: 1_000_000, population }),
      '--impl',
      'naive-map,lru-cache',
      '--node-flags=--max-old-space-size=32',
      '--out',
      out,
    ]);
    assert.equal(exitCode, 1);
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as Results;
    assert.equal(results.rows.length, 2);
    for (const row of results.rows) {
      assert.equal(row.state, 'failed');
      if (row.state === 'failed') assert.match(row.reason, /out of memory|crashed/);
    }
    assert.match(stdout, /FAILED/);
  });

  it('in concurrent GC mode, gets V8 to run major GCs of its own, with incremental marking', async () => {
    const dir = tempDir();
    const out = join(dir, 'out');
    const run = await runCli([
      'run',
      '--scenario',
      // 4 s: a burst lasts until V8 starts a major GC, and on a loaded machine that can take
      // most of a second, so 2 s sometimes held a single burst.
      smallScenarioFile(dir, { durationSeconds: 4 }),
      '--impl',
      'naive-map',
      '--gc-mode',
      'concurrent',
      '--out',
      out,
    ]);
    assert.equal(run.exitCode, 0, run.stderr);
    const [row] = (JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as Results).rows;
    assert.equal(row?.state, 'completed');
    if (row?.state !== 'completed') return;
    const bursts = row.measurement.forcedGcs;
    assert.ok(bursts.length >= 2, `${bursts.length} bursts`);
    assert.ok(bursts.every((burst) => burst.mode === 'concurrent'));
    assert.ok(
      bursts.some((burst) => burst.timedOut !== true),
      'V8 started a major GC during some burst',
    );
    assert.ok(
      row.measurement.gcEvents.some((event) => event.kind === 'incremental'),
      'incremental marking was observed',
    );
  });

  // Bad input and --help: cli-refuses-bad-input-before-work.unit.test.ts and the e2e file beside it.
});
