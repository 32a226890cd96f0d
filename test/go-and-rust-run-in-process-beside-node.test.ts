import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { decodeHistogram, prepareFastHistograms } from '../harness/results/histogram.js';
import type { CompletedRow, Results } from '../harness/results/schema.js';
import { referenceUnavailableReason } from '../implementations/reference-services.js';
import { expectRefused, runCli, smallScenarioFile, tempDir } from './support/cli.js';
import { smallScenario } from './support/small-scenario.js';

/** Why the test cannot run here (a reference program not built), or undefined. */
function unbuilt(...binaries: string[]): string | undefined {
  const missing = binaries.filter((binary) => referenceUnavailableReason(binary, '') !== undefined);
  return missing.length === 0 ? undefined : `${missing.join(', ')} not built (npm run build:references)`;
}

function completedRows(results: Results): Map<string, CompletedRow> {
  return new Map(results.rows.filter((row): row is CompletedRow => row.state === 'completed').map((row) => [row.contender, row]));
}

describe('run measures the Go and Rust references in process, beside a Node contender', () => {
  const dir = tempDir('rsl-go-rust-run-');
  after(() => rmSync(dir, { recursive: true, force: true }));
  const scenario = smallScenarioFile(dir);
  const requests = Math.round(smallScenario().rate * smallScenario().durationSeconds);

  it('gives one completed row each, on the same log, with nothing lost; Go forces its GCs, Rust has none', async (t) => {
    const why = unbuilt('go-lru', 'rust-btree');
    if (why !== undefined) return t.skip(why);
    prepareFastHistograms();
    const out = join(dir, 'three');
    const { exitCode, stdout, stderr } = await runCli(['run', '--impl', 'go-lru,rust-btree,typed-array', '--scenario', scenario, '--out', out]);
    assert.equal(exitCode, 0, `${stderr}\n${stdout}`);
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as Results;
    const rows = completedRows(results);
    assert.deepEqual(
      [...rows.keys()].sort(),
      ['go-lru', 'rust-btree', 'typed-array'],
      `every row completed: ${JSON.stringify(results.rows.map((r) => [r.contender, r.state]))}`,
    );
    for (const [name, row] of rows) {
      assert.equal(row.measurement.integrity.ok, true, `${name} lost nothing: ${JSON.stringify(row.measurement.integrity.mismatches.slice(0, 3))}`);
      assert.ok(row.measurement.integrity.statesChecked > 0, `${name}: the check compared states`);
      assert.equal(row.measurement.drive.sent, requests, `${name} sent the whole log`);
      assert.equal(decodeHistogram(row.measurement.latency.overall).totalCount, requests, `${name} timed every request`);
      assert.ok(row.measurement.latency.byOutcome !== undefined, `${name} recorded hits and misses apart`);
      assert.ok(row.measurement.counters.misses > 0 && row.measurement.counters.hits > 0, `${name} both hit and missed`);
    }
    const go = rows.get('go-lru')!;
    const rust = rows.get('rust-btree')!;
    assert.deepEqual(go.nodeFlags, [], 'a program of its own runs under no node flags');
    assert.equal(go.runtime, undefined, 'nor on a JS runtime');
    // One every 0.5 s of wall time (120 scenario s at 240x) over a 1 s load.
    assert.ok(go.measurement.forcedGcs.length >= 1, 'Go forced its GCs on the schedule');
    assert.ok(
      go.measurement.gcEvents.some((event) => event.forced && event.thread === 'go'),
      'the forced cycle is among its GC pauses',
    );
    assert.ok(Number.isFinite(go.measurement.memory.fullGcPauseMs), 'Go times a full GC after the load');
    assert.ok(go.measurement.memory.bytesPerEntry > 0, 'Go measured its bytes per state');
    assert.deepEqual([rust.measurement.forcedGcs.length, rust.measurement.gcEvents.length], [0, 0], 'Rust has no GC');
    assert.equal(rust.measurement.collectsGarbage, false);
  });

  it("fails the row, exit 1, when the bench drops an eviction's write-back", async (t) => {
    const why = unbuilt('go-lru', 'rust-btree');
    if (why !== undefined) return t.skip(why);
    const out = join(dir, 'planted');
    // Used only here: each bench then drops every evicted dirty state instead of writing it back.
    const { exitCode, stdout, stderr } = await runCli(['run', '--impl', 'go-lru,rust-btree', '--scenario', scenario, '--out', out], {
      READSTATE_LAB_PLANT_LOST_WRITEBACK: '1',
    });
    assert.equal(exitCode, 1, `${stderr}\n${stdout}`);
    const rows = completedRows(JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as Results);
    for (const name of ['go-lru', 'rust-btree']) {
      const integrity = rows.get(name)?.measurement.integrity;
      assert.equal(integrity?.ok, false, `${name}: the check caught the lost write-backs`);
      assert.ok((integrity?.lostCount ?? 0) > 0, `${name}: states missing from the store are counted lost`);
    }
  });

  it('refuses what a bench cannot do, in one line, before running anything', async (t) => {
    const why = unbuilt('go-lru');
    if (why !== undefined) return t.skip(why);
    await expectRefused(['run', '--impl', 'go-lru,typed-array', '--scenario', scenario, '--closed-loop'], /--closed-loop cannot apply to go-lru/);
  });
});
