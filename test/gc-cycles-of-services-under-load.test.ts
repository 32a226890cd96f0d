import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { CompletedRow, GcCycle, Results } from '../harness/results/schema.js';
import { loadScenario } from '../harness/workload/scenario.js';
import { referenceUnavailableReason } from '../implementations/reference-services.js';
import { runCli, tempDir } from './support/cli.js';

/**
 * A service under `load` with a large heap and one forced GC reports the collection as a whole:
 * a cycle beside its pause and the collector's CPU in the windows it spans. A Go service's forced
 * cycle marks a million cached states concurrently, so it lasts far longer than its pause; a Node
 * service's forced gc() is one atomic pause, so there the two agree, but the fields are the same.
 */
describe('load reports GC cycles and GC CPU beside the pauses', () => {
  const dir = tempDir('rsl-gc-cycles-load-');
  after(() => rmSync(dir, { recursive: true, force: true }));
  // discord-2020's population and million cached states, a forced GC every second of a 3.5 s load.
  const base = loadScenario('discord-2020');
  const scenario = join(dir, 'forced-gcs.json');
  writeFileSync(
    scenario,
    JSON.stringify({ ...base, name: 'forced-gcs', durationSeconds: 3.5, rate: 500, timeScale: 1, forcedGc: { intervalSeconds: 1, mode: 'sync' } }),
  );

  async function loadRow(contender: string, extra: readonly string[] = []): Promise<CompletedRow> {
    const out = join(dir, contender);
    const { exitCode, stdout, stderr } = await runCli(['load', '--impl', contender, '--scenario', scenario, '--quiet', '--out', out, ...extra]);
    assert.equal(exitCode, 0, `${stderr}\n${stdout}`);
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as Results;
    const row = results.rows[0]!;
    assert.equal(row.state, 'completed', JSON.stringify(row));
    return row as CompletedRow;
  }

  /** The windows (each ends at atMs) that overlap the cycle, and their GC CPU. */
  function gcCpuOver(row: CompletedRow, cycle: GcCycle): number[] {
    const windowMs = row.measurement.latency.windowMs;
    return row.measurement.windows
      .filter((w) => w.atMs > cycle.startMs && w.atMs - windowMs < cycle.startMs + cycle.durationMs)
      .map((w) => w.gcCpuPercent ?? Number.NaN);
  }

  function forcedCycle(row: CompletedRow): GcCycle {
    const cycles = (row.measurement.gcCycles ?? []).filter((cycle) => cycle.forced);
    assert.ok(cycles.length >= 1, `a forced cycle: ${JSON.stringify(row.measurement.gcCycles)}, forced calls ${JSON.stringify(row.measurement.forcedGcs)}`);
    return cycles[0]!;
  }

  for (const contender of ['go-lru', 'go-lru-go1.19']) {
    it(`${contender}: a forced cycle of a million cached states is at least 10 times its pause, with GC CPU above zero in its windows`, async (t) => {
      const why = referenceUnavailableReason(contender, '');
      if (why !== undefined) return t.skip(`${contender}: ${why}`);
      const row = await loadRow(contender);
      forcedCycle(row);
      const forced = (row.measurement.gcCycles ?? []).filter((cycle) => cycle.forced);
      for (const cycle of forced) {
        assert.equal(cycle.source, 'forced-call');
        assert.ok(typeof cycle.pauseMs === 'number' && cycle.pauseMs > 0, `its pause was found: ${JSON.stringify(cycle)}`);
        assert.ok(cycle.durationMs >= cycle.pauseMs, `cycle ${cycle.durationMs} ms holds its pause ${cycle.pauseMs} ms`);
        assert.ok((cycle.cpuMs ?? 0) > 0, `the collector's CPU over the cycle: ${JSON.stringify(cycle)}`);
        t.diagnostic(
          `cycle ${cycle.durationMs.toFixed(1)} ms, pause ${cycle.pauseMs.toFixed(3)} ms, GC CPU ${cycle.cpuMs?.toFixed(1)} ms, windows ${gcCpuOver(row, cycle)
            .map((v) => v.toFixed(1))
            .join(', ')} %`,
        );
      }
      // On a machine this busy the OS can stretch one stop-the-world pause to hundreds of ms
      // (309 ms was seen at load average 12): one cycle of the several must show what the
      // collector does, at least 10 times its pause, with its CPU in its windows.
      const clear = forced.find((cycle) => cycle.durationMs >= 10 * cycle.pauseMs && gcCpuOver(row, cycle).some((v) => v > 0));
      assert.ok(clear !== undefined, `no forced cycle 10x its pause with GC CPU in its windows: ${JSON.stringify(forced)}`);
      assert.match(row.measurement.gcCpuSource ?? '', /^go /);
      assert.ok(row.summary.longestGcCycleMs! >= clear.durationMs && row.summary.gcCpuShare! > 0, JSON.stringify(row.summary));
      // The cycles the runtime started itself, where it ran any: each ends where its pause ended.
      for (const cycle of (row.measurement.gcCycles ?? []).filter((c) => !c.forced)) {
        assert.equal(cycle.source, 'gctrace');
        const end = cycle.startMs + cycle.durationMs;
        assert.ok(
          row.measurement.gcEvents.some((pause) => Math.abs(pause.startMs + pause.durationMs - end) < 1e-6),
          `a natural cycle without its pause: ${JSON.stringify(cycle)}`,
        );
      }
    });
  }

  it("a Node service's forced gc() shows the same fields: a cycle holding its pause, and GC CPU above zero in its window", async (t) => {
    const row = await loadRow('naive-map', ['--capacity', '200000']);
    const cycle = forcedCycle(row);
    assert.equal(cycle.source, 'forced-call');
    assert.ok(Number.isFinite(cycle.pauseMs) && cycle.pauseMs > 0, `its pause was found: ${JSON.stringify(cycle)}`);
    assert.ok(cycle.durationMs >= cycle.pauseMs, `cycle ${cycle.durationMs} ms holds its pause ${cycle.pauseMs} ms`);
    const gcCpu = gcCpuOver(row, cycle);
    assert.ok(
      gcCpu.some((v) => v > 0),
      `GC CPU in the cycle's window: ${JSON.stringify(gcCpu)}`,
    );
    t.diagnostic(`cycle ${cycle.durationMs.toFixed(1)} ms, pause ${cycle.pauseMs.toFixed(1)} ms, windows ${gcCpu.map((v) => v.toFixed(1)).join(', ')} %`);
    assert.match(row.measurement.gcCpuSource ?? '', /^node: /);
  });
});
