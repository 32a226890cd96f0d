import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Results } from '../harness/results/schema.js';
import { MESSAGE, RECONNECT, readRequestLog } from '../harness/workload/request-log.js';
import { runCli, smallScenarioFile, tempDir } from './support/cli.js';
import { callCli } from './support/cli-in-process.js';

/** The (user, channel) pairs a log touches: what a warm-up from the log's own keys would load. */
async function distinctKeys(path: string): Promise<number> {
  const log = await readRequestLog(path);
  const keys = new Set<string>();
  for (let i = 0; i < log.count; i++) {
    const list = log.list.subarray(log.listStart[i]!, log.listStart[i + 1]!);
    if (log.type[i] === RECONNECT) for (const channel of list) keys.add(`${log.userId[i]}:${channel}`);
    else {
      keys.add(`${log.userId[i]}:${log.channelId[i]}`);
      if (log.type[i] === MESSAGE) for (const user of list) keys.add(`${user}:${log.channelId[i]}`);
    }
  }
  return keys.size;
}

describe('run --requests FILE', () => {
  const dir = tempDir('rsl-replay-');
  // A cache larger than the log's keys, smaller than the population's states (12,000).
  const scenario = smallScenarioFile(dir, { capacity: 4000 });
  const log = join(dir, 'log.ndjson');

  it('runs a 0.4 s log at its own rate for its own duration, and warms the cache as a generated run does', async () => {
    const written = await runCli(['workload', '--scenario', scenario, '--rate', '5000', '--duration', '0.4', '--out', log]);
    assert.equal(written.exitCode, 0, written.stderr);
    assert.ok((await distinctKeys(log)) < 4000, "the premise: a warm-up from the log's keys would leave no miss");

    const out = join(dir, 'replay');
    // No --scenario: the log's header names the scenario it came from.
    const { exitCode, stdout, stderr } = await runCli(['run', '--requests', log, '--impl', 'naive-map', '--out', out]);
    assert.equal(exitCode, 0, stderr);
    assert.match(stderr, /^small: naive-map \| 4,000 states, 5,000\/s for 0\.4 s \(the log /m);
    assert.doesNotMatch(stdout + stderr, /for 30 s|for 120 s/);
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as Results;
    assert.equal(results.settings.scenario.rate, 5000);
    assert.equal(results.settings.scenario.durationSeconds, 0.4);
    const row = results.rows[0]!;
    assert.equal(row.state, 'completed');
    if (row.state !== 'completed') return;
    assert.equal(row.summary.latency.count, 2000);
    assert.ok(row.measurement.counters.misses > 0, "the warm-up did not pre-load exactly the log's keys");
  });

  it('refuses --duration with a log: its length sets the duration', async () => {
    const { exitCode, stderr } = await callCli(['run', '--requests', log, '--duration', '5', '--impl', 'naive-map']);
    assert.equal(exitCode, 2);
    assert.match(stderr, /--duration does not apply to --requests/);
  });

  it('reads a log without a header at the scenario given, for as long as the log lasts at its rate', async () => {
    const bare = join(dir, 'bare.ndjson');
    writeFileSync(bare, readFileSync(log, 'utf8').split('\n').slice(1).join('\n'));
    const out = join(dir, 'bare');
    const { exitCode, stderr } = await runCli(['run', '--requests', bare, '--scenario', scenario, '--rate', '1000', '--impl', 'naive-map', '--out', out]);
    assert.equal(exitCode, 0, stderr);
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as Results;
    assert.equal(results.settings.scenario.durationSeconds, 2, '2,000 requests at 1,000/s');
  });
});
