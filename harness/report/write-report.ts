import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MergedResults } from '../results/results-file.js';
import type { AnyResults, MicroResults, SweepResults } from '../results/schema.js';
import { renderMicroReport, renderRunReport, renderSweepReport } from './html.js';
import { microTable } from './micro-table.js';
import { buildRunReport, withColors } from './model.js';
import { buildRunSummary } from './run-summary.js';
import { renderSummaryMarkdown } from './summary-markdown.js';
import { sweepTable } from './sweep-table.js';
import { tradeoffModel } from './tradeoff-chart.js';

/**
 * A run's report, built once and written twice into `dir`: summary.md and index.html. Returns
 * their paths.
 */
export function writeRunReport(dir: string, results: MergedResults): { markdown: string; html: string } {
  const summary = buildRunSummary(results);
  const markdown = join(dir, 'summary.md');
  const html = join(dir, 'index.html');
  writeFileSync(markdown, renderSummaryMarkdown(results, summary));
  writeFileSync(html, renderRunReport(buildRunReport(results, summary)));
  return { markdown, html };
}

/** Writes `index.html` for any kind of results into `dir`; returns its path. */
export function writeHtmlReport(dir: string, results: AnyResults): string {
  const path = join(dir, 'index.html');
  writeFileSync(path, renderHtml(results));
  return path;
}

export function renderHtml(results: AnyResults): string {
  switch (results.kind) {
    case 'run':
      return renderRunReport(buildRunReport(results));
    case 'micro':
      return renderMicroReport(microModel(results));
    case 'sweep':
      return renderSweepReport(sweepModel(results));
  }
}

function microModel(results: MicroResults) {
  const names = results.rows.map((row) => row.contender);
  const completed = results.rows.flatMap((row) => (row.state === 'completed' ? [row] : []));
  const tasks = [...new Set(completed.flatMap((row) => row.tasks.map((t) => t.task)))];
  const [header, cells] = microTable(results);
  return {
    kind: 'micro' as const,
    title: 'readstate-lab: micro',
    contenders: withColors(names),
    tasks,
    rows: completed.map((row) => ({
      contender: row.contender,
      opsPerSecond: tasks.map((task) => row.tasks.find((t) => t.task === task)?.opsPerSecond ?? 0),
    })),
    table: { header, cells },
    note: `${results.settings.capacity.toLocaleString('en-US')} cached entries; every sample times ${results.settings.opsPerSample} hits; log axis.`,
  };
}

function sweepModel(results: SweepResults) {
  const names = [...new Set(results.points.map((p) => p.contender))];
  const [header, cells] = sweepTable(results);
  return {
    kind: 'sweep' as const,
    title: `readstate-lab: sweep (${results.scenario.name})`,
    contenders: withColors(names),
    series: names.map((name) => ({
      contender: name,
      points: results.points
        .filter((p) => p.contender === name && p.state === 'completed')
        .map((p) => ({ capacity: p.capacity, fullGcPauseMs: p.fullGcPauseMs ?? 0, p99Ms: p.p99Ms ?? 0, maxMs: p.maxMs ?? 0 })),
    })),
    table: { header, cells },
    tradeoff: tradeoffModel(results),
  };
}
