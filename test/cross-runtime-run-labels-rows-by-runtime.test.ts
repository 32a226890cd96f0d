import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { buildRunReport } from '../harness/report/model.js';
import type { CompletedRow, Results } from '../harness/results/schema.js';
import { findRuntime } from '../harness/runtimes/locate.js';
import { runCli, smallScenarioFile, tempDir } from './support/cli.js';

const system = `node${process.versions.node.split('.')[0]}`;
/** The extra runtime .ci/run installs before the tests (readstate-lab runtimes install node22). */
const extra = system === 'node22' ? 'node24' : 'node22';
const installed = findRuntime(extra) !== undefined;
/** Skipped here without the runtime; in CI, which installs it, its absence fails the run below instead. */
const skip = installed || process.env.CI === 'true' ? false : `${extra} is not installed: run readstate-lab runtimes install ${extra} (.ci/run does)`;

describe('a run on two runtimes', { skip }, () => {
  it('makes a row per runtime and contender, labelled and recorded, grouped by runtime, with thread stalls seen', async () => {
    const dir = tempDir('rsl-cross-runtime-');
    const scenario = smallScenarioFile(dir, { durationSeconds: 2 });
    const out = join(dir, 'out');
    const args = ['run', '--scenario', scenario, '--impl', 'naive-map,typed-array', '--runtime', `${system},${extra}`];
    // A 200 ms block of naive-map's thread once a second: what the stall recorder must see on both.
    args.push('--inject-stall', 'naive-map=200', '--store', 'sqlite', '--out', out);
    const { exitCode, stdout, stderr } = await runCli(args);
    assert.equal(exitCode, 0, `${stderr}\n${stdout}`);

    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as Results;
    assert.deepEqual(
      results.rows.map((row) => [row.contender, row.runtime, row.state]),
      [
        [`naive-map · ${system}`, system, 'completed'],
        [`typed-array · ${system}`, system, 'completed'],
        [`naive-map · ${extra}`, extra, 'completed'],
        [`typed-array · ${extra}`, extra, 'completed'],
      ],
    );
    assert.deepEqual(
      results.environment.runtimes?.map((r) => r.name),
      [system, extra],
    );
    assert.equal(results.environment.runtimes?.[0]?.version, process.version);
    assert.match(results.environment.runtimes?.[1]?.version ?? '', new RegExp(`^v${extra.slice(4)}\\.`), 'the extra runtime reports its own version');
    // Each row ran on its runtime: the measuring child names itself.
    assert.deepEqual(
      results.rows.map((row) => (row.state === 'completed' ? row.measurement.runtimeVersion : row.reason)),
      [process.version, process.version, results.environment.runtimes?.[1]?.version, results.environment.runtimes?.[1]?.version],
    );
    assert.ok(
      results.rows.every((row) => row.state === 'completed' && row.summary.integrityOk),
      'nothing lost on either runtime',
    );

    const report = buildRunReport(results);
    assert.deepEqual(
      report.summary.rows.map((row) => row.contender),
      [`naive-map · ${system}`, `typed-array · ${system}`, `naive-map · ${extra}`, `typed-array · ${extra}`],
      'the summary runtime by runtime',
    );
    assert.deepEqual(
      report.overTime.map((series) => series.contender),
      [`naive-map · ${system}`, `naive-map · ${extra}`, `typed-array · ${system}`, `typed-array · ${extra}`],
      'over time, one contender across runtimes side by side',
    );
    for (const runtime of [system, extra]) {
      const row = results.rows.find((r): r is CompletedRow => r.contender === `naive-map · ${runtime}` && r.state === 'completed')!;
      const planted = row.measurement.stalls?.stalls.filter((s) => s.durationMs >= 190) ?? [];
      assert.ok(planted.length >= 1, `${runtime}: the stall recorder saw the 200 ms blocks: ${JSON.stringify(row.measurement.stalls?.stalls)}`);
      const named = report.stalls.filter((s) => s.contender === row.contender && s.stall.threadStallMs >= 190);
      assert.ok(named.length >= 1, `${runtime}: attribution lists a window with the block`);
    }
  });
});
