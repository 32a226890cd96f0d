import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MergedResults } from '../results/results-file.js';
import type { AnyResults } from '../results/schema.js';
import { renderRunReport } from './html.js';
import { microReport } from './micro-report.js';
import { buildRunReport } from './model.js';
import { buildRunSummary } from './run-summary.js';
import { renderSummaryMarkdown } from './summary-markdown.js';
import { sweepReport } from './sweep-report.js';

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
      return microReport(results);
    case 'sweep':
      return sweepReport(results);
  }
}
