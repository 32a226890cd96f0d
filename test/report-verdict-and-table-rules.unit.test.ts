import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { causeText } from '../harness/report/gc-tables.js';
import { forcedGcNotes } from '../harness/report/run-notes.js';
import { renderSummaryMarkdown } from '../harness/report/summary-markdown.js';
import { buildSummaryTable, SUMMARY_TABLE_COLUMNS } from '../harness/report/summary-model.js';
import { renderSummaryText, SUMMARY_COLUMNS, summaryCells } from '../harness/report/summary-table.js';
import { verdictOf } from '../harness/report/verdict.js';
import type { Stall } from '../harness/results/stall-attribution.js';
import { syntheticResults } from './support/synthetic-results.js';

const results = syntheticResults;

describe('the verdict', () => {
  it('never takes a saturated row as the yardstick: it names it as saturated and compares the rows that kept the rate', () => {
    const run = results([
      ['backlogged', { p999: 5490, saturated: true, rate: 700 }],
      ['fast', { p999: 24.7 }],
      ['slower', { p999: 40 }],
    ]);
    const { findings, warnings } = verdictOf(run);
    const tail = findings.find((line) => line.startsWith('tail latency'))!;
    assert.equal(
      tail,
      'tail latency under forced GC (p99.9): fast 24.7 ms, 1.6x lower than the runner-up, slower (40.0 ms); not compared: backlogged (SATURATED)',
    );
    for (const line of findings.filter((l) => !l.startsWith('throughput'))) {
      assert.ok(!/backlogged \(\d/.test(line) && !line.includes('than the runner-up, backlogged'), `a saturated yardstick: ${line}`);
    }
    assert.equal(findings.at(-1), 'throughput held: fast, slower kept 1,000/s; SATURATED: backlogged (700/s)');
    assert.ok(warnings.some((line) => line.includes('backlogged SATURATED')));
  });

  it('states no forced-GC comparison for a run with no forced GC in its span', () => {
    const { findings, warnings } = verdictOf(
      results([
        ['a', { p999: 10, forcedGcs: 0 }],
        ['b', { p999: 20, forcedGcs: 0 }],
      ]),
    );
    assert.ok(warnings.some((line) => line.includes('says nothing about forced-GC pauses')));
    for (const line of findings) assert.ok(!/under forced GC|forced full GC|full-GC/.test(line), `a forced-GC comparison: ${line}`);
    assert.equal(findings[0], 'tail latency (p99.9; no forced GC in the measured span): a 10.0 ms, 2.0x lower than the runner-up, b (20.0 ms)');
  });

  it('compares under forced GC only the rows a forced GC fell on', () => {
    const { findings } = verdictOf(
      results([
        ['missed', { p999: 1, forcedGcs: 0 }],
        ['hit-1', { p999: 10 }],
        ['hit-2', { p999: 30 }],
      ]),
    );
    assert.equal(findings[0], 'tail latency under forced GC (p99.9): hit-1 10.0 ms, 3.0x lower than the runner-up, hit-2 (30.0 ms)');
  });

  it('says nothing of "under forced GC" when no forced GC fell on a row that collects, whatever the rows without a collector', () => {
    const { findings, warnings } = verdictOf(
      results([
        ['go-like', { p999: 660, forcedGcs: 0 }],
        ['rust-like', { p999: 262, forcedGcs: 0, noCollector: true }],
        ['node-like', { p999: 2990, forcedGcs: 0 }],
      ]),
    );
    assert.equal(findings[0], 'tail latency (p99.9; no forced GC in the measured span): rust-like 262 ms, 2.5x lower than the runner-up, go-like (660 ms)');
    assert.ok(warnings.some((line) => line.includes('no forced GC fell in the measured span')));
  });

  it('compares GC cycles with cycles and pauses with pauses, and names the rows without a collector', () => {
    const { findings } = verdictOf(
      results([
        ['go-like', { p999: 10, summary: { longestGcCycleMs: { median: 400, min: 400, max: 400 } } }],
        ['node-like', { p999: 12, summary: { longestGcCycleMs: { median: 8, min: 8, max: 8 } } }],
        ['rust-like', { p999: 3, noCollector: true }],
      ]),
    );
    assert.equal(
      findings.find((line) => line.startsWith('GC cycle')),
      'GC cycle (longest in the run, marking to sweep): node-like 8.00 ms, 50x shorter than the runner-up, go-like (400 ms); no GC: rust-like',
    );
    assert.match(
      findings.find((line) => line.startsWith('GC pause'))!,
      /^GC pause \(a forced full GC after the load, cache in place\): go-like 3\.33 ms.*node-like \(4\.00 ms\); no GC: rust-like$/,
    );
  });

  it('says "no GC" for a row measured without a collector, never that it missed a forced GC', () => {
    const run = results([
      ['collected', { p999: 10 }],
      ['also-collected', { p999: 12 }],
      ['no-collector', { p999: 3, forcedGcs: 0, noCollector: true }],
    ]);
    const { findings, warnings } = verdictOf(run);
    assert.deepEqual(
      warnings.filter((line) => /forced GC/.test(line)),
      [],
    );
    assert.deepEqual(forcedGcNotes(run), []);
    assert.equal(findings[0], 'tail latency under forced GC (p99.9): no-collector 3.00 ms, 3.3x lower than the runner-up, collected (10.0 ms)');
    assert.match(findings[1]!, /^GC pause \(a forced full GC after the load, cache in place\): collected .*; no GC: no-collector$/);
    // The terminal aligns "no GC" with the figures of its column, as the model says, not by its first character.
    const [header, , , , noCollectorLine] = renderSummaryText(buildSummaryTable(run)).split('\n');
    const end = header!.indexOf('GCs') + 'GCs'.length;
    assert.equal(noCollectorLine!.slice(end - 'no GC'.length, end), 'no GC', renderSummaryText(buildSummaryTable(run)));
    const table = buildSummaryTable(run);
    const row = table.rows.find((r) => r.contender === 'no-collector')!;
    for (const title of ['GCs', 'longest pause', 'longest GC cycle', 'GC CPU share', 'scavenges/100k']) {
      const cell = row.cells[SUMMARY_TABLE_COLUMNS.findIndex((c) => c.title === title) - 1]!;
      assert.deepEqual([cell.text, cell.state], ['no GC', 'no-gc'], title);
    }
  });
});

describe('the summary table model', () => {
  const run = results(
    [
      ['a', { p999: 10, rate: 1000, heap: [2e8, 1.5e8, 2.5e8] }],
      ['b', { p999: 30, rate: 500, saturated: true }],
      ['c', { p999: 20, rate: 990 }],
    ],
    3,
  );
  const table = buildSummaryTable(run);
  const column = (title: string): number => SUMMARY_TABLE_COLUMNS.findIndex((c) => c.title === title) - 1;
  const cellOf = (name: string, title: string) => table.rows.find((r) => r.contender === name)!.cells[column(title)]!;

  it('takes multiples against the best row that kept the rate: ×1 is the best whichever way a column is better', () => {
    assert.equal(cellOf('a', 'p99.9').multiple, 1);
    assert.equal(cellOf('c', 'p99.9').multiple, 2);
    assert.equal(cellOf('b', 'p99.9').multiple, 3, 'a saturated row is measured against the yardstick, never is it');
    const rate = SUMMARY_TABLE_COLUMNS[column('rate/s') + 1]!;
    assert.equal(rate.better, 'higher');
    assert.equal(cellOf('a', 'rate/s').multiple, 1);
    assert.equal(cellOf('c', 'rate/s').multiple, 0.99);
    assert.equal(cellOf('b', 'rate/s').state, 'saturated');
    assert.equal(table.rows.find((r) => r.contender === 'b')!.state, 'saturated');
  });

  it('gives the range over repetitions where a figure moved', () => {
    assert.deepEqual(cellOf('a', 'heap').range, ['143.1 MiB', '238.4 MiB']);
    assert.equal(cellOf('c', 'heap').range, undefined);
  });

  it('is drawn with the same columns by the terminal and Markdown, the states in words, the multiples in Markdown', () => {
    assert.equal(SUMMARY_COLUMNS.length, SUMMARY_TABLE_COLUMNS.length);
    assert.ok(
      SUMMARY_COLUMNS.includes('longest pause') &&
        SUMMARY_COLUMNS.includes('longest GC cycle') &&
        SUMMARY_COLUMNS.includes('GC CPU share') &&
        SUMMARY_COLUMNS.includes('heap') &&
        SUMMARY_COLUMNS.includes('rate/s\u00a0↑'),
    );
    const text = summaryCells(run);
    for (const row of text) assert.equal(row.length, SUMMARY_COLUMNS.length);
    assert.equal(text[1]![column('rate/s') + 1], '500 SATURATED');
    assert.equal(text[0]![column('heap') + 1], '190.7 MiB [143.1–238.4]');
    const markdown = renderSummaryMarkdown(run);
    assert.ok(markdown.includes('| 190.7 MiB ×2.00 [143.1–238.4] |'), markdown);
    assert.ok(markdown.includes('| 990 ×0.99 |'), markdown);
  });
});

describe("the stall table's cause", () => {
  const stall = (cause: Stall['cause'], gcPauseMs: number, threadStallMs: number, overlapping: string): Stall =>
    ({ windowStartMs: 1000, maxMs: 5490, cause, gcPauseMs, threadStallMs, overlapping, listed: 'spike' }) as Stall;

  it('never says nothing was observed, or that there was no GC, beside a GC in the overlap column', () => {
    assert.equal(causeText(stall('nothing observed', 193, 0, 'major 193 ms (forced)')), 'GC in part (193 ms of 5.49 s); the rest: queueing or the machine');
    assert.equal(causeText(stall('thread stall, no GC', 25.8, 5000, 'major 25.8 ms (forced)')), 'thread stall; GC in part (25.8 ms of 5.49 s)');
    assert.equal(causeText(stall('thread stall, no GC', 0, 5000, '')), 'thread stall, no GC');
  });

  it('names a thread stall that explains part of the spike, and a row without a collector as such', () => {
    assert.equal(causeText(stall('nothing observed', 0, 29.6, '')), 'thread stall in part (29.6 ms of 5.49 s); the rest: queueing or the machine');
    assert.equal(causeText(stall('nothing observed', 0, 0, '')), 'no GC or thread stall seen: queueing or the machine');
    assert.equal(causeText(stall('stall (runtime reports no GC events)', 0, 300, ''), false), 'thread stall (no garbage collector)');
    assert.equal(causeText(stall('stall (runtime reports no GC events)', 0, 300, '')), 'stall (runtime reports no GC events)');
  });
});
