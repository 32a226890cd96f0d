import type { MergedResults } from '../results/results-file.js';
import { contenderFacts } from './contender-facts.js';
import { forcedGcNotes } from './run-notes.js';
import { describeRunSettings, type RunSettingsText } from './run-settings.js';
import { buildSummaryTable, type SummaryTableModel } from './summary-model.js';
import { type Verdict, verdictOf } from './verdict.js';

/**
 * What every rendering of a run says, built once from its results: summary.md and the HTML page
 * render it, and the terminal prints the same verdict, table and notes.
 */
export interface RunSummary {
  /** "readstate-lab: discord-2min", with "(service-level, over HTTP)" for a `load` run. */
  readonly title: string;
  readonly verdict: Verdict;
  readonly table: SummaryTableModel;
  /** What the run cannot say about forced-GC pauses. */
  readonly forcedGcNotes: readonly string[];
  readonly settings: RunSettingsText;
}

export function buildRunSummary(results: MergedResults): RunSummary {
  // The facts of each contender are found once and handed to both the table and the verdict.
  const facts = contenderFacts(results);
  return {
    title: `readstate-lab: ${results.settings.scenario.name}${results.settings.serviceLevel === undefined ? '' : ' (service-level, over HTTP)'}`,
    table: buildSummaryTable(results, facts),
    verdict: verdictOf(results, facts),
    forcedGcNotes: forcedGcNotes(results),
    settings: describeRunSettings(results),
  };
}
