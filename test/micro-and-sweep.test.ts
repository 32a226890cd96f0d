import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { MicroResults, SweepResults } from '../harness/results/schema.js';
import { runCli, smallScenarioFile, tempDir } from './support/cli.js';

describe('readstate-lab micro and sweep', () => {
  it('micro times every cache hit path, skips services, and writes a table and a report', async () => {
    const out = join(tempDir('rsl-micro-'), 'out');
    const { exitCode, stdout, stderr } = await runCli([
      'micro',
      '--impl',
      'naive-map,typed-array,partitioned',
      '--capacity',
      '2000',
      '--time',
      '20',
      '--out',
      out,
    ]);
    assert.equal(exitCode, 0, stderr);
    assert.match(stderr, /skipping partitioned: a service, not a cache/, 'notes go to stderr with the progress');
    const results = JSON.parse(readFileSync(join(out, 'micro.json'), 'utf8')) as MicroResults;
    assert.deepEqual(
      results.rows.map((row) => row.contender),
      ['naive-map', 'typed-array'],
    );
    for (const row of results.rows) {
      assert.equal(row.state, 'completed');
      if (row.state !== 'completed') continue;
      assert.deepEqual(
        row.tasks.map((t) => t.task),
        ['read', 'ack', 'mention', 'harness: time and record one request'],
      );
      for (const task of row.tasks) assert.ok(task.opsPerSecond > 0 && task.meanNsPerOp > 0 && task.samples > 0, task.task);
      assert.ok(row.fullGcMs > 0);
    }
    assert.match(stdout, /typed-array\s+read\s+[\d,]+/);
    assert.ok(existsSync(join(out, 'index.html')));
  });

  it('sweep measures each contender at each capacity', async () => {
    const dir = tempDir('rsl-sweep-');
    const out = join(dir, 'out');
    const { exitCode, stderr } = await runCli([
      'sweep',
      '--scenario',
      smallScenarioFile(dir),
      '--capacity',
      '500,1000',
      '--impl',
      'typed-array',
      '--duration',
      '1',
      '--out',
      out,
    ]);
    assert.equal(exitCode, 0, stderr);
    const results = JSON.parse(readFileSync(join(out, 'sweep.json'), 'utf8')) as SweepResults;
    assert.deepEqual(
      results.points.map((p) => [p.contender, p.capacity, p.state]),
      [
        ['typed-array', 500, 'completed'],
        ['typed-array', 1000, 'completed'],
      ],
    );
    assert.deepEqual(
      results.points.map((p) => p.cachedStates),
      [500, 1000],
    );
    assert.ok(existsSync(join(out, '1000', 'results.json')) && existsSync(join(out, 'index.html')));
    assert.ok(results.environment.hostLoad?.floor !== undefined, "the sweep records the machine's floor");
  });
});
