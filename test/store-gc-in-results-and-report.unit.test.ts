import assert from 'node:assert/strict';
import { appendFileSync, copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { startStoreGcWatch } from '../harness/measure/store-gc-watch.js';
import { renderHtml } from '../harness/report/write-report.js';
import { loadResults } from '../harness/results/results-file.js';
import type { CompletedRow, Results, StoreGc } from '../harness/results/schema.js';

/**
 * The database's collector in a row: a Cassandra node's GC log read from the mark taken when
 * measuring started, into the row's measurement (checked by the results schema), and drawn by
 * the report in a lane of its own, with a line in the GC table and the store's shape in the
 * settings. A row without it renders as before.
 */

const dir = mkdtempSync(join(tmpdir(), 'rsl-store-gc-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A unified-logging line as the lab's nodes write it (time, uptime, level, tags). */
function logLine(at: Date, uptimeS: number, tags: string, message: string): string {
  const time = at.toISOString().replace('Z', '+0000');
  return `[${time}][${uptimeS.toFixed(3)}s][info][${tags.padEnd(12)}] ${message}\n`;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("a Cassandra node's GC during a row", () => {
  it('reads the pauses and cycles written after the mark, on the clock of the row, and none from before', async () => {
    const log = join(dir, 'gc.log');
    // A node's real log so far: its pauses are before the mark and are not the row's.
    copyFileSync(new URL('./fixtures/cassandra-g1-java17.gc.log', import.meta.url), log);
    // The watch reads the wall clock somewhere between these two readings (far apart on a busy machine).
    const before = Date.now();
    const watch = startStoreGcWatch([{ address: '127.0.0.1', collector: 'G1', gcLogPath: log }]);
    const marked = Date.now();
    await sleep(60);
    // A young pause of 4.5 ms that ended just now, and a concurrent undo cycle that ended with it.
    const now = new Date();
    appendFileSync(log, logLine(now, 90.5, 'gc', 'GC(40) Pause Young (Normal) (G1 Evacuation Pause) 300M->200M(1024M) 4.500ms'));
    appendFileSync(log, logLine(now, 90.5, 'gc', 'GC(41) Concurrent Undo Cycle 20.000ms'));
    // A line the JVM is still writing: not read.
    appendFileSync(log, '[2026-12-07T17:53:21.303+0000][9.689s][info][gc          ] GC(42) Pause Yo');
    watch.end();
    const storeGc = watch.read();
    assert.equal(storeGc.nodes.length, 1);
    const [node] = storeGc.nodes;
    assert.equal(node!.address, '127.0.0.1');
    assert.equal(node!.collector, 'G1');
    assert.deepEqual(
      node!.pauses.map((pause) => [pause.kind, pause.durationMs, pause.name]),
      [['young', 4.5, 'Pause Young (Normal) (G1 Evacuation Pause)']],
    );
    assert.deepEqual(
      node!.cycles.map((cycle) => [cycle.name, cycle.durationMs]),
      [['Concurrent Undo Cycle', 20]],
    );
    // Its start on the row's clock: its end line's wall time less its length, less the mark's wall time.
    const started = now.getTime() - 4.5;
    const { startMs } = node!.pauses[0]!;
    assert.ok(startMs >= started - marked && startMs <= started - before, `pause at ${startMs} ms, expected ${started - marked} to ${started - before} ms`);
  });

  it('leaves out pauses that began after the end of measuring', async () => {
    const log = join(dir, 'late.log');
    writeFileSync(log, '');
    const watch = startStoreGcWatch([{ address: '127.0.0.2', collector: 'ZGC', gcLogPath: log }]);
    watch.end();
    await sleep(30);
    appendFileSync(log, logLine(new Date(), 12, 'gc,phases', 'GC(3) Pause Mark Start 0.020ms'));
    assert.deepEqual(watch.read().nodes[0]!.pauses, []);
  });
});

describe('storeGc in a results file and its report', () => {
  const baseline = loadResults(new URL('../reports/baselines/default.json', import.meta.url).pathname) as Results;
  const [first, second] = baseline.rows.filter((row): row is CompletedRow => row.state === 'completed');
  const storeGc: StoreGc = {
    nodes: [
      {
        address: '127.0.0.1',
        collector: 'G1',
        pauses: [
          { startMs: 1500, durationMs: 12.5, kind: 'young', name: 'Pause Young (Normal) (G1 Evacuation Pause)' },
          { startMs: 6200, durationMs: 30, kind: 'remark', name: 'Pause Remark' },
        ],
        cycles: [{ startMs: 6000, durationMs: 400, name: 'Concurrent Mark Cycle' }],
      },
    ],
  };
  const withStore: Results = {
    ...baseline,
    settings: {
      ...baseline.settings,
      store: 'cassandra',
      cassandra: { contactPoints: ['127.0.0.1'], nodes: 1, consistency: 'one', collector: 'G1', heap: '1g' },
    },
    rows: [{ ...first!, measurement: { ...first!.measurement, storeGc } }, second!],
    contenders: baseline.contenders.filter((c) => c.contender === first!.contender || c.contender === second!.contender),
  };

  function pageModel(html: string): { overTime: Array<Record<string, unknown>>; gc: { storeRows: Array<{ cells: string[] }> } } {
    const json = /<script id="report-data" type="application\/json">(.*?)<\/script>/s.exec(html)![1]!;
    return JSON.parse(json);
  }

  it('passes the results schema, and a pause kind the JVM never names does not', () => {
    const file = join(dir, 'with-store-gc.json');
    writeFileSync(file, JSON.stringify(withStore));
    const loaded = loadResults(file) as Results;
    assert.deepEqual((loaded.rows[0] as CompletedRow).measurement.storeGc, storeGc);
    assert.deepEqual(loaded.settings.cassandra, withStore.settings.cassandra);
    const wrong = JSON.parse(readFileSync(file, 'utf8'));
    wrong.rows[0].measurement.storeGc.nodes[0].pauses[0].kind = 'scavenge';
    writeFileSync(file, JSON.stringify(wrong));
    assert.throws(
      () => loadResults(file),
      (error: Error) => /storeGc/.test(error.message) && error.message.split('\n').length === 1,
    );
  });

  it("draws the node's lane under its row only, with a legend entry, a GC table line and the store's shape in the settings", () => {
    const html = renderHtml(withStore);
    const model = pageModel(html);
    const lanes = model.overTime.map((series) => series['storeGc']);
    assert.deepEqual(lanes[0], [
      {
        label: 'Cassandra (G1) 127.0.0.1',
        pauses: [
          { t: 1.5, ms: 12.5, kind: 'young' },
          { t: 6.2, ms: 30, kind: 'remark' },
        ],
        cycles: [{ t: 6, ms: 400 }],
      },
    ]);
    assert.equal(lanes[1], undefined, 'a row without storeGc has no lane');
    assert.deepEqual(
      model.gc.storeRows.map((row) => row.cells),
      [[`${first!.contender}: Cassandra (G1) 127.0.0.1`, '2', '-', '42.5 ms', '30.0 ms', '-', '-']],
    );
    assert.match(html, /class="store-gc-legend".*Cassandra \(G1\) 127\.0\.0\.1/);
    assert.match(html, /<tr class="store-gc"><td>[^<]*: Cassandra \(G1\) 127\.0\.0\.1<\/td>/);
    assert.match(html, /<dt>store<\/dt><dd>cassandra at 127\.0\.0\.1 \(1 node, consistency ONE, G1 heap 1g\)<\/dd>/);
  });

  it('renders a run without storeGc exactly as before: no lane, no legend entry, no table line', () => {
    const plain = { ...withStore, settings: baseline.settings, rows: [first!, second!] };
    const html = renderHtml(plain);
    const model = pageModel(html);
    assert.ok(model.overTime.every((series) => !('storeGc' in series)));
    assert.deepEqual(model.gc.storeRows, []);
    assert.doesNotMatch(html, /<span class="store-gc-legend">|<tr class="store-gc">/);
  });
});
