import assert from 'node:assert/strict';
import { appendFileSync, copyFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { gcLogOffset, jvmPausesAsGcEvents, parseJvmGcLog, readJvmGcLogFrom } from '../harness/measure/jvm-gc-log.js';

// Both excerpts are the first lines a Cassandra 5.0.6 node wrote on Java 17 here (readstate-lab cassandra start).
const G1_LOG = join(import.meta.dirname, 'fixtures', 'cassandra-g1-java17.gc.log');
const ZGC_LOG = join(import.meta.dirname, 'fixtures', 'cassandra-zgc-java17.gc.log');

const scratch = mkdtempSync(join(tmpdir(), 'readstate-lab-gc-log-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

describe('a G1 log', () => {
  const log = parseJvmGcLog(readFileSync(G1_LOG, 'utf8'));

  it('gives every pause with its kind and duration', () => {
    assert.equal(log.collector, 'G1');
    assert.deepEqual(
      log.pauses.map((pause) => [pause.gcId, pause.kind, pause.durationMs]),
      [
        [0, 'young', 114.543],
        [1, 'young', 116.597],
        [2, 'remark', 5.209],
        [2, 'cleanup', 0.25],
        [3, 'young', 88.636],
      ],
    );
    assert.equal(log.pauses[0]!.name, 'Pause Young (Normal) (G1 Evacuation Pause)');
  });

  it('starts each pause where its start line says, to the millisecond the log prints', () => {
    const first = log.pauses[0]!;
    // "[2026-12-07T17:53:21.189+0000][9.574s] ... GC(0) Pause Young" is the start line.
    assert.ok(Math.abs(first.startEpochMs - Date.parse('2026-12-07T17:53:21.189Z')) <= 1.5, String(first.startEpochMs));
    assert.ok(Math.abs(first.startUptimeMs - 9574) <= 1.5, String(first.startUptimeMs));
  });

  it('gives the concurrent mark cycle apart from its pauses', () => {
    assert.deepEqual(
      log.cycles.map((cycle) => [cycle.gcId, cycle.name, cycle.durationMs]),
      [[2, 'Concurrent Mark Cycle', 175.536]],
    );
    assert.ok(Math.abs(log.cycles[0]!.startUptimeMs - 18702) <= 1.5);
  });

  it("turns pauses into the lab's GC events, in ms since measuring started", () => {
    const origin = Date.parse('2026-12-07T17:53:21.000Z');
    const events = jvmPausesAsGcEvents(log.pauses, origin, 'cassandra 127.0.0.1');
    assert.equal(events.length, 5);
    assert.ok(Math.abs(events[0]!.startMs - 189) <= 1.5);
    assert.deepEqual(
      events.map((event) => event.kind),
      ['minor', 'minor', 'incremental', 'incremental', 'minor'],
    );
    assert.ok(events.every((event) => event.thread === 'cassandra 127.0.0.1' && !event.forced));
  });
});

describe('a ZGC log', () => {
  const log = parseJvmGcLog(readFileSync(ZGC_LOG, 'utf8'));

  it("gives ZGC's three pauses of each collection", () => {
    assert.equal(log.collector, 'The Z Garbage Collector');
    assert.deepEqual(
      log.pauses.map((pause) => [pause.gcId, pause.kind, pause.durationMs]),
      [
        [0, 'mark-start', 0.037],
        [0, 'mark-end', 0.011],
        [0, 'relocate-start', 0.008],
        [1, 'mark-start', 0.016],
        [1, 'mark-end', 0.01],
        [1, 'relocate-start', 0.008],
      ],
    );
  });

  it('gives each collection as a cycle from its start line to its end line', () => {
    assert.deepEqual(
      log.cycles.map((cycle) => [cycle.gcId, cycle.name, Math.round(cycle.durationMs)]),
      [
        [0, 'Garbage Collection (Metadata GC Threshold)', 222],
        [1, 'Garbage Collection (Warmup)', 135],
      ],
    );
  });
});

describe('reading from an offset', () => {
  it('gives only what was written after it, and leaves a half-written line for the next read', () => {
    const path = join(scratch, 'gc.log');
    const lines = readFileSync(G1_LOG, 'utf8').split('\n');
    const cut = lines.findIndex((line) => line.includes('GC(3) Pause Young (Normal) (G1 Evacuation Pause)'));
    writeFileSync(path, `${lines.slice(0, cut).join('\n')}\n`);
    const before = gcLogOffset(path);
    assert.equal(before, statSync(path).size);
    appendFileSync(path, `${lines.slice(cut).join('\n')}[2026-12-07T17:53:39.763+0000][28.149s][info][gc          ] GC(4) Pause Yo`);
    const { log, nextOffset } = readJvmGcLogFrom(path, before);
    assert.deepEqual(
      log.pauses.map((pause) => [pause.gcId, pause.durationMs]),
      [[3, 88.636]],
    );
    assert.deepEqual(log.cycles, []);
    appendFileSync(path, 'ung (Normal) (G1 Evacuation Pause) 63M->32M(1024M) 192.817ms\n');
    const next = readJvmGcLogFrom(path, nextOffset);
    assert.deepEqual(
      next.log.pauses.map((pause) => [pause.gcId, pause.durationMs]),
      [[4, 192.817]],
    );
    assert.equal(next.nextOffset, statSync(path).size);
  });

  it('skips a ZGC cycle that began before the offset, and reads a restarted (shorter) log from its start', () => {
    const path = join(scratch, 'zgc.log');
    const text = readFileSync(ZGC_LOG, 'utf8');
    writeFileSync(path, text);
    const midCycle = Buffer.byteLength(text.slice(0, text.indexOf('GC(1) Pause Mark Start')).replace(/[^\n]*$/, ''));
    const partial = readJvmGcLogFrom(path, midCycle).log;
    assert.equal(partial.pauses.length, 3);
    assert.deepEqual(partial.cycles, []);
    const restarted = join(scratch, 'restarted.log');
    copyFileSync(G1_LOG, restarted);
    assert.equal(readJvmGcLogFrom(restarted, statSync(restarted).size * 10).log.pauses.length, 5);
  });

  it('reads nothing from a log that does not exist yet', () => {
    const missing = join(scratch, 'never-written.log');
    assert.equal(gcLogOffset(missing), 0);
    assert.deepEqual(readJvmGcLogFrom(missing, 0), { log: { collector: undefined, pauses: [], cycles: [] }, nextOffset: 0 });
  });
});
