import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { wrapWords } from '../harness/cli/terminal.js';
import { titleLines } from '../harness/report/fitted-table.js';
import { buildSummaryTable } from '../harness/report/summary-model.js';
import { ESSENTIAL_SUMMARY_COLUMNS, renderSummaryText, SUMMARY_COLUMNS, summaryCells } from '../harness/report/summary-table.js';
import { spread, syntheticResults } from './support/synthetic-results.js';

/**
 * The default run's six contenders at their widest figures (two SATURATED, as on a loaded
 * machine), a service without a collector and a row that failed with a long reason.
 */
const run = syntheticResults([
  ['naive-map', { p999: 11_200, rate: 7266, saturated: true, summary: { longestGcCycleMs: spread(231), gcCpuShare: spread(0.183) } }],
  ['lru-cache', { p999: 187, rate: 10_000, summary: { longestGcCycleMs: spread(176), gcCpuShare: spread(0.121) } }],
  ['typed-array', { p999: 4.88, rate: 10_000, summary: { longestGcCycleMs: spread(6.2), gcCpuShare: spread(0.012) } }],
  ['native', { p999: 5.23, rate: 10_000 }],
  ['partitioned-inheap', { p999: 6840, rate: 8141, saturated: true, heap: [2.58e8, 2.58e8, 2.58e8] }],
  ['partitioned', { p999: 972, rate: 9999, heap: [3.79e8, 3.79e8, 3.79e8] }],
  ['rust-btree', { p999: 0.548, rate: 10_000, noCollector: true }],
  [
    'go-lru',
    { p999: 1, summary: { completed: 0, failed: 1, failures: ['crashed: exited with code 1 before it measured anything, see the log of the row for why'] } },
  ],
]);

/** The blocks of a rendered table: its header lines, then one line per contender. */
function blocksOf(text: string): string[][] {
  return text.split('\n\n').map((block) => block.split('\n'));
}

describe('the summary table on the terminal', () => {
  it('fits 80 columns: the essential columns first, every other one in a block below, each led by the contender', () => {
    const text = renderSummaryText(buildSummaryTable(run), { width: 80 });
    for (const line of text.split('\n')) assert.ok(line.length <= 80, `a line of ${line.length} characters:\n${text}`);
    const blocks = blocksOf(text);
    assert.ok(blocks.length >= 2, text);
    // The essentials in order, the first block's header reading down its two lines.
    const [upper, lower] = blocks[0]!;
    const titlesAt = (line: string): string[] => line.trim().split(/\s{2,}/);
    assert.deepEqual(titlesAt(upper!), ['longest']);
    assert.deepEqual(titlesAt(lower!), ['contender', 'p50', 'p99', 'p99.9', 'max', 'rate/s\u00a0↑', 'pause']);
    assert.ok(upper!.indexOf('longest') === lower!.indexOf('pause') - 'longest'.length + 'pause'.length, 'a broken title is right-aligned with its figures');
    assert.deepEqual(ESSENTIAL_SUMMARY_COLUMNS.slice(0, 7), ['contender', 'p50', 'p99', 'p99.9', 'max', 'rate/s', 'longest pause']);
    // Every contender leads a line of every block, and every figure is shown on its line.
    const cells = summaryCells(run);
    for (const block of blocks) {
      const rows = block.slice(block.findIndex((line) => line.startsWith('---')) + 1);
      assert.deepEqual(
        rows.map((line) => line.split(' ')[0]),
        cells.map((row) => row[0]),
      );
    }
    for (const row of cells.filter((r) => r[0] !== 'go-lru')) {
      const lines = blocks.map((block) => block.find((line) => line.startsWith(`${row[0]} `))!).join(' | ');
      for (const cell of row) assert.ok(lines.includes(cell), `${row[0]}: "${cell}" not shown in ${lines}`);
    }
    for (const title of SUMMARY_COLUMNS) for (const word of title.split(' ')) assert.ok(text.includes(word), `no ${word} in\n${text}`);
    assert.match(text, /7,266 SATURATED/);
    assert.match(text, /^rust-btree .*no GC/m);
    // A failure's reason is cut to the room left (the verdict's FAILED line prints it whole).
    assert.match(text, /^go-lru .*FAILED: crashed.*…$/m);
  });

  it('keeps every column on one line, in the model order, with --wide or when the terminal is wide enough', () => {
    for (const text of [renderSummaryText(buildSummaryTable(run)), renderSummaryText(buildSummaryTable(run), { width: 400 })]) {
      const lines = text.split('\n');
      assert.equal(lines.length, 2 + 8, text);
      assert.deepEqual(lines[0]!.trim().split(/\s{2,}/), SUMMARY_COLUMNS);
      assert.ok(lines[0]!.length > 80);
    }
  });

  it('breaks a title at the space that leaves its longer half shortest, and only when it is wider than its figures', () => {
    assert.deepEqual(titleLines('longest GC cycle', 6), ['longest', 'GC cycle']);
    assert.deepEqual(titleLines('GC CPU share', 5), ['GC CPU', 'share']);
    assert.deepEqual(titleLines('longest pause', 20), ['longest pause']);
    assert.deepEqual(titleLines('scavenges/100k', 4), ['scavenges/100k']);
  });
});

describe('a verdict line on the terminal', () => {
  it('wraps at spaces within the width, continued lines indented, a figure never parted from its unit', () => {
    const line = "warning: p99.9 of go-lru (660 ms) is within 3x of the driver's own floor (532 ms): the driver, not go-lru, may set it";
    const lines = wrapWords(line, 80);
    assert.deepEqual(lines, ["warning: p99.9 of go-lru (660 ms) is within 3x of the driver's own floor", '  (532 ms): the driver, not go-lru, may set it']);
    for (const width of [30, 40, 50, 60]) {
      const wrapped = wrapWords(line, width);
      for (const part of wrapped) assert.ok(part.length <= width, `${width}: ${part}`);
      assert.equal(wrapped.map((part) => part.trim()).join(' '), line);
      assert.ok(!wrapped.some((part) => /^\s*ms\b/.test(part)), wrapped.join('\n'));
    }
    assert.deepEqual(wrapWords('short', 80), ['short']);
  });
});
