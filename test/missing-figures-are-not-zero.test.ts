import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { formatBytes, formatCount, formatMs } from '../harness/report/format.js';
import type { RunReportModel } from '../harness/report/model.js';
import { renderSummaryMarkdown } from '../harness/report/summary-markdown.js';
import { summarizeContenders, summarizeRow } from '../harness/results/aggregate.js';
import { encodeHistogram, plainHistogram } from '../harness/results/histogram.js';
import type { CompletedRow, Results, RowMeasurement } from '../harness/results/schema.js';
import { runCli, smallScenarioFile, tempDir } from './support/cli.js';

function pageModel(html: string): RunReportModel {
  return JSON.parse(/<script id="report-data" type="application\/json">(.*?)<\/script>/s.exec(html)![1]!) as RunReportModel;
}

/**
 * A figure a row does not have (no cache operation, no GC, no window, no bytes per entry as in a
 * service-level row, no request timed) is "-" in every table and left out of medians: never a 0
 * that drags a median down or reads as "free".
 */
describe('figures a row does not have', () => {
  const dir = tempDir('rsl-missing-');
  let results: Results;
  let measured: CompletedRow;

  before(async () => {
    const out = join(dir, 'run');
    const run = await runCli(['run', '--scenario', smallScenarioFile(dir), '--impl', 'naive-map', '--out', out]);
    assert.equal(run.exitCode, 0, run.stderr);
    results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as Results;
    measured = results.rows[0] as CompletedRow;
  });

  /** A completed row whose measurement lacks what `strip` takes away, with its summary recomputed. */
  function rowWithout(strip: (m: RowMeasurement) => RowMeasurement, repetition: number, contender = 'naive-map'): CompletedRow {
    const measurement = strip(measured.measurement);
    return { ...measured, contender, repetition, measurement, summary: summarizeRow(measurement) };
  }
  const hollow = (m: RowMeasurement): RowMeasurement => ({
    ...m,
    gcEvents: [],
    gcCycles: [],
    windows: [],
    counters: { ...m.counters, hits: 0, misses: 0 },
    // What JSON makes of the NaN a service-level row records: null.
    memory: { ...m.memory, bytesPerEntry: null as unknown as number, fullGcPauseMs: null as unknown as number },
    latency: { ...m.latency, overall: encodeHistogram(plainHistogram()) },
  });

  it('a row that lacks them has NaN, not 0', () => {
    const summary = rowWithout(hollow, 2).summary;
    for (const key of ['missRate', 'longestGcMs', 'bytesPerEntry', 'heapUsedMaxBytes', 'rssMaxBytes', 'fullGcPauseMs'] as const) {
      assert.ok(Number.isNaN(summary[key]), `${key} is ${summary[key]}`);
    }
    assert.equal(summary.gcCount, 0, 'a count of nothing is 0');
    assert.equal(summary.latency.count, 0, 'no request timed');
  });

  it('medians leave them out, and tables show "-" where no row has them', async () => {
    const rows = [measured, rowWithout(hollow, 2), rowWithout(hollow, 1, 'lru-cache')];
    const [naive, lru] = summarizeContenders(rows);
    const own = measured.summary;
    // Two repetitions, one with the figure and one without: the median is the one figure, not
    // its average with 0.
    assert.equal(naive!.bytesPerEntry.median, own.bytesPerEntry);
    assert.equal(naive!.longestGcMs.median, own.longestGcMs);
    assert.equal(naive!.heapUsedMaxBytes.median, own.heapUsedMaxBytes);
    assert.equal(naive!.missRate.median, own.missRate);
    assert.equal(naive!.p50Ms.median, own.latency.p50Ms, 'a row that timed nothing is left out of latency medians');
    assert.ok(Number.isNaN(lru!.p99Ms.median));
    assert.ok(Number.isNaN(lru!.bytesPerEntry.median));

    const file = join(dir, 'hollow.json');
    writeFileSync(file, JSON.stringify({ ...results, rows, settings: { ...results.settings, contenderNames: ['naive-map', 'lru-cache'], repeat: 2 } }));
    const rendered = await runCli(['report', file, '--out', join(dir, 'report')]);
    assert.equal(rendered.exitCode, 0, rendered.stderr);
    const model = pageModel(readFileSync(join(dir, 'report', 'index.html'), 'utf8'));
    const [naiveRow, lruRow] = model.summary.rows;
    // Cells follow the contender's name: column i of the model is cell i - 1.
    const cell = (row: (typeof model.summary.rows)[number] | undefined, name: string) =>
      row!.cells[model.summary.columns.findIndex((c) => c.title === name) - 1]!;
    assert.equal(cell(naiveRow, 'B/entry').text, formatCount(own.bytesPerEntry));
    // The best of the rows that kept the rate is ×1 (a saturated row is no yardstick; a small run's B/entry may be below 0, no yardstick either).
    assert.equal(cell(naiveRow, 'heap').multiple, naiveRow!.state === 'ok' ? 1 : undefined);
    assert.equal(cell(lruRow, 'B/entry').text, '-');
    assert.equal(cell(lruRow, 'miss').text, '-');
    assert.equal(cell(lruRow, 'p99').text, '-');
    const gcRow = model.gc.rows.find((row) => row.contender === 'lru-cache')!;
    assert.equal(gcRow.cells[4], '-', 'no GC: no longest pause');

    const markdown = renderSummaryMarkdown({ ...results, rows, contenders: summarizeContenders(rows) });
    // Cells by their column's title, so a column added to the table moves nothing here.
    const lines = markdown.split('\n');
    const titles = lines.find((line) => line.startsWith('| contender |'))!.split(' | ');
    const cellsOf = (contender: string, names: string[]) => {
      const cells = lines.find((line) => line.startsWith(`| ${contender} |`))!.split(' | ');
      return names.map((name) => cells[titles.indexOf(name)]);
    };
    const absent = ['p50', 'p99', 'longest pause', 'longest GC cycle', 'GC CPU share', 'heap', 'B/entry', 'miss'];
    assert.deepEqual(
      cellsOf('lru-cache', absent),
      absent.map(() => '-'),
      markdown,
    );
    const x1 = naiveRow!.state === 'ok' ? ' ×1.00' : '';
    const entryX1 = own.bytesPerEntry > 0 ? x1 : '';
    assert.deepEqual(
      cellsOf('naive-map', ['longest pause', 'heap', 'B/entry']),
      [`${formatMs(own.longestGcMs)}${x1}`, `${formatBytes(own.heapUsedMaxBytes)}${x1}`, `${formatCount(own.bytesPerEntry)}${entryX1}`],
      markdown,
    );
  });
});
