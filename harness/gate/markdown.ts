import { renderMarkdownTable } from '../report/summary-table.js';
import type { GateReport, GateRow } from './gate.js';

const VERDICT_TEXT: Record<GateRow['verdict'], string> = {
  pass: '✅ pass',
  improvement: '✅ improved',
  holds: '✅ holds',
  regression: '❌ REGRESSION',
  broken: '❌ BROKEN',
};

function geometricMean(values: readonly number[]): number {
  return Math.exp(values.reduce((sum, v) => sum + Math.log(v), 0) / values.length);
}

function figure(value: number): string {
  return Math.abs(value) >= 100 ? value.toFixed(0) : value.toPrecision(3);
}

function percent(fraction: number): string {
  return `${fraction >= 0 ? '+' : ''}${(fraction * 100).toFixed(1)}%`;
}

/**
 * The gate's verdicts as a Markdown table, fit for a pull-request comment. With `caughtFrom` (a
 * baseline's calibration) each check's limit has beside it the smallest worsening it fails 9
 * times in 10 on the calibrated machine.
 */
export function renderGateMarkdown(report: GateReport, notes: readonly string[] = [], caughtFrom?: ReadonlyMap<string, string>): string {
  const header = ['gate', 'compares', 'baseline', 'current', 'change [interval]', 'limit', 'p', 'verdict'];
  if (caughtFrom !== undefined) header.splice(6, 0, 'caught 9 in 10 from (calibrated)');
  const cells = report.rows.map((row) => [
    row.name,
    row.what,
    row.baseline.length === 0 ? '-' : `${figure(geometricMean(row.baseline))} (n=${row.baseline.length})`,
    row.kind === 'claim' ? `worst ${figure(row.interval[1])} (n=${row.current.length})` : `${figure(geometricMean(row.current))} (n=${row.current.length})`,
    row.kind === 'claim' ? '-' : `${percent(row.change)} [${percent(row.interval[0])}, ${percent(row.interval[1])}]`,
    row.limit,
    ...(caughtFrom === undefined ? [] : [row.kind === 'claim' ? '-' : (caughtFrom.get(row.name) ?? 'not calibrated')]),
    Number.isNaN(row.pValue) ? '-' : row.pValue < 0.001 ? '<0.001' : row.pValue.toFixed(3),
    VERDICT_TEXT[row.verdict],
  ]);
  const failed = report.rows.filter((row) => row.verdict === 'regression' || row.verdict === 'broken').length;
  return [
    `### readstate-lab gate: ${failed === 0 ? 'passed' : `${failed} failed`}`,
    '',
    renderMarkdownTable(header, cells),
    '',
    ...notes.flatMap((note) => [`> ${note}`, '']),
    "Values are geometric means over repetitions, or over measured windows where a check says by window; a check compares each repetition (or window) with the reference contender of the same repetition, and fails only when Welch's t-test on the log values (Yuen's trimmed test where the check trims) says, at the stated confidence, that the figure worsened by more than its limit.",
    '',
    ...(caughtFrom === undefined
      ? []
      : [
          "Caught 9 in 10 from: the smallest worsening the check fails 9 times in 10 at its limit and confidence, from the noise between unchanged runs on the machine the baseline was calibrated on ('baseline --calibrate').",
          '',
        ]),
  ].join('\n');
}
