import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { compiledDriverPath } from '../harness/drive/compiled-driver-binary.js';
import type { CompletedRow, Results } from '../harness/results/schema.js';
import { expectRefused, runCli, tempDir } from './support/cli.js';

const NOT_BUILT = 'the compiled driver is not built (npm run build:references needs Go)';
const built = existsSync(compiledDriverPath());

/** `load` of one small Node service for 2 s at 500/s, with `extra` flags; its results and output. */
async function loadOne(extra: readonly string[]): Promise<{ exitCode: number; stdout: string; stderr: string; out: string; results: Results }> {
  const out = join(tempDir('rsl-load-floor-'), 'out');
  const args = ['load', '--impl', 'typed-array', '--duration', '2', '--rate', '500', '--capacity', '2000', ...extra, '--out', out];
  const { exitCode, stdout, stderr } = await runCli(args);
  const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as Results;
  return { exitCode, stdout, stderr, out, results };
}

/** The one row, completed, with its send lag, and the ruler's floor measured with `driver`. */
function assertMeasuredWith(results: Results, driver: 'open-loop' | 'open-loop-compiled', output: string): CompletedRow {
  assert.equal(results.settings.serviceLevel?.driver, driver);
  const floor = results.environment.rulerFloor;
  assert.ok(floor !== undefined, 'the floor is in results.json');
  assert.equal(floor.state, 'measured', floor.state === 'failed' ? floor.reason : '');
  if (floor.state !== 'measured') throw new Error('unreachable');
  assert.equal(floor.driver, driver);
  assert.equal(floor.rate, 500);
  // min(5 s, the run's 2 s) at 500/s: 1,000 requests, all answered by a server that costs nothing.
  assert.equal(floor.completed, 1000, output);
  assert.ok(floor.latency.p50Ms > 0 && floor.latency.p50Ms <= floor.latency.p99Ms && floor.latency.p99Ms <= floor.latency.maxMs, JSON.stringify(floor));
  assert.ok(floor.sendLag !== undefined && floor.sendLag.p99Ms <= floor.sendLag.maxMs, JSON.stringify(floor));
  const [row] = results.rows;
  assert.ok(row?.state === 'completed', row?.state === 'failed' ? row.reason : output);
  assert.equal(row.summary.latency.count, 1000);
  assert.equal(row.measurement.integrity.ok, true, row.measurement.integrity.note);
  const lag = row.measurement.drive.sendLag;
  assert.ok(lag !== undefined && lag.p50Ms <= lag.p99Ms && lag.p99Ms <= lag.maxMs, JSON.stringify(row.measurement.drive));
  return row;
}

describe("load measures with the driver it names, and the driver's own floor", () => {
  it('the compiled driver: results hold the floor and the send lag; the report and summary show them', async (t) => {
    if (!built) return t.skip(NOT_BUILT);
    const { exitCode, stdout, stderr, out, results } = await loadOne(['--driver', 'compiled']);
    assert.equal(exitCode, 0, stderr + stdout);
    const row = assertMeasuredWith(results, 'open-loop-compiled', stderr);
    // Requests per window come from the binary's records, after the load, not from a live count.
    const perWindow = row.measurement.windows.map((w) => w.completed);
    const total = perWindow.reduce((sum, n) => sum + n, 0);
    assert.ok(total > 0 && total <= 1000, `requests per window: ${perWindow.join(' ')}`);
    assert.match(stderr, /driver floor: the compiled open-loop driver .* against the compiled driver null server/);
    assert.match(stderr, /typed-array: p50 .*sent late by p50 /);
    const summary = readFileSync(join(out, 'summary.md'), 'utf8');
    assert.match(summary, /Driver: the compiled open-loop driver .*; its floor: .*p99\.9 /);
    const html = readFileSync(join(out, 'index.html'), 'utf8');
    assert.match(html, /driver floor/);
    assert.match(html, /sent late by/);
  });

  it('--driver node still loads, and measures its floor with the Node driver', async () => {
    const { exitCode, stdout, stderr, results } = await loadOne(['--driver', 'node']);
    assert.equal(exitCode, 0, stderr + stdout);
    assertMeasuredWith(results, 'open-loop', stderr);
    const floor = results.environment.rulerFloor;
    assert.match(floor?.state === 'measured' ? floor.server : '', built ? /compiled driver null server/ : /a Node null server/);
  });

  for (const driver of ['compiled', 'node'] as const) {
    it(`--target with nothing listening, ${driver} driver: a failed row that says "connection refused", no latency`, async (t) => {
      if (!built && driver === 'compiled') return t.skip(NOT_BUILT);
      const out = join(tempDir('rsl-load-refused-'), 'out');
      const args = ['load', '--driver', driver, '--target', 'http://127.0.0.1:1', '--duration', '1', '--rate', '200', '--out', out];
      const { exitCode, stdout, stderr } = await runCli(args);
      assert.equal(exitCode, 1, stderr + stdout);
      assert.match(stderr + stdout, /connection refused: http:\/\/127\.0\.0\.1:1/);
      assert.doesNotMatch(stderr + stdout, /p50 0 µs|nothing lost/);
      const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as Results;
      assert.deepEqual(
        results.rows.map((row) => ({ state: row.state, reason: row.state === 'failed' ? row.reason : undefined })),
        [{ state: 'failed', reason: 'connection refused: http://127.0.0.1:1' }],
      );
      assert.ok(!('measurement' in results.rows[0]!), 'no latency figures');
      assert.equal(results.environment.rulerFloor?.state, 'measured', 'the floor is measured with --target too');
    });
  }

  it('refuses a driver it does not know, a driver with --closed-loop, and the compiled driver where it is not built', async () => {
    await expectRefused(['load', '--driver', 'rust', '--duration', '1'], /--driver must be compiled or node, not "rust"/);
    await expectRefused(
      ['load', '--driver', 'node', '--closed-loop', '--duration', '1'],
      /--driver chooses the open-loop driver; --closed-loop drives autocannon/,
    );
    if (!built) await expectRefused(['load', '--driver', 'compiled', '--duration', '1'], /--driver compiled: the compiled driver is not built/);
  });
});
