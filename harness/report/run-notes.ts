import { type MergedResults, runOfRow } from '../results/results-file.js';
import type { Scenario } from '../results/scenario-schema.js';
import type { CompletedRow } from '../results/schema.js';

/** Seconds as a reader writes them: 5, 0.5, 2.25. */
function seconds(value: number): string {
  return String(Number(value.toPrecision(3)));
}

/**
 * Notes on what a run cannot say: a scenario that asks for forced GCs, measured over a span in
 * which none fell (`--duration 5` with a forced GC every 10 s of wall time), says nothing about
 * forced-GC pauses, however good its figures look. Read from the rows' recorded forced GCs and
 * the scenario each run was measured under.
 */
export function forcedGcNotes(results: MergedResults): string[] {
  const merged = results.merged;
  const groups: Array<{ prefix: string; scenario: Scenario; requestsFile: string | null; rows: CompletedRow[] }> = [];
  // A row measured without a garbage collector has no forced GC to miss: it says "no GC" instead.
  const completed = results.rows.filter((row): row is CompletedRow => row.state === 'completed' && row.measurement.collectsGarbage !== false);
  // Runs merged as one comparison share their settings: one note for all. Runs side by side
  // (their settings differ) each get their own.
  if (merged === undefined || !merged.separate) {
    groups.push({ prefix: '', scenario: results.settings.scenario, requestsFile: results.settings.requestsFile, rows: completed });
  } else {
    for (const run of merged.runs) {
      const rows = completed.filter((row) => runOfRow(results, row) === run);
      groups.push({ prefix: `${run.label}: `, scenario: run.settings.scenario, requestsFile: run.settings.requestsFile, rows });
    }
  }
  const notes: string[] = [];
  for (const { prefix, scenario, requestsFile, rows } of groups) {
    if (scenario.forcedGc === null || rows.length === 0) continue;
    const everyWall = scenario.forcedGc.intervalSeconds / scenario.timeScale;
    const missed = rows.filter((row) => row.measurement.forcedGcs.length === 0);
    if (missed.length === 0) continue;
    if (missed.length < rows.length) {
      const which = missed.map((row) => `${row.contender} (repetition ${row.repetition})`).join(', ');
      notes.push(
        `note: ${prefix}no forced GC fell in the measured span of ${which} (one every ${seconds(everyWall)} s): those rows say nothing about forced-GC pauses`,
      );
      continue;
    }
    // With a request log the span is the log's; otherwise the scenario's duration, as asked for.
    const spanSeconds = requestsFile === null ? scenario.durationSeconds : Math.max(...rows.map((row) => row.measurement.drive.elapsedMs)) / 1000;
    // A forced GC is due every `everyWall` s from the start: a span of one interval and a second
    // more holds one for sure, and so does a time scale at which two would fit.
    const duration = Math.ceil(everyWall) + 1;
    const timeScale = Math.ceil((2 * scenario.forcedGc.intervalSeconds) / spanSeconds);
    if (spanSeconds <= everyWall) {
      notes.push(
        `note: ${prefix}no forced GC fell in the ${seconds(spanSeconds)} s measured (one every ${seconds(everyWall)} s): ` +
          `this run says nothing about forced-GC pauses; use ${requestsFile === null ? `--duration ${duration} or more, or ` : ''}--time-scale ${timeScale} or more`,
      );
    } else {
      notes.push(
        `note: ${prefix}no forced GC was recorded in the ${seconds(spanSeconds)} s measured, although one was due every ${seconds(everyWall)} s: ` +
          'this run says nothing about forced-GC pauses',
      );
    }
  }
  return notes;
}
