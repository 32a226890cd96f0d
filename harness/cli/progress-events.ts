import type { ExperimentListener } from '../experiment/events.js';
import { type ExperimentOutcome, executeExperiment } from '../experiment/execute.js';
import type { ExperimentPlan, PlannedRow } from '../experiment/plan.js';
import { rulerFloorText } from '../report/driver-text.js';
import type { Row } from '../results/schema.js';
import type { CommandOutput } from './command-output.js';
import type { CommandProgress } from './progress.js';

/** What a measuring command says about its rows as they run. */
export interface RowWords {
  /** The row's title in the progress line, as it starts. */
  readonly title: (row: PlannedRow) => string;
  /** The row's result line, as it ends. */
  readonly result: (row: Row) => string;
  /** The line the first Ctrl-C prints. */
  readonly stopping: string;
}

/** An experiment's events as progress lines on stderr (harness/cli/progress.ts). */
export function progressListener(progress: CommandProgress, words: RowWords): ExperimentListener {
  return (event) => {
    switch (event.type) {
      case 'row-start':
        return progress.startRow(words.title(event.row), event.phase);
      case 'row-progress':
        return progress.update(event.message, event.figures, event.expectedMs);
      case 'row-end':
        return progress.endRow(words.result(event.row));
      case 'stopping':
        return progress.note(words.stopping);
      case 'warming':
        return progress.note(`writing ${event.states.toLocaleString('en-US')} warm read states for every service`);
      case 'ruler-floor-start':
        return progress.note(`measuring the driver's own floor: a null server at ${event.rate.toLocaleString('en-US')}/s for ${event.seconds} s`);
      case 'ruler-floor':
        return progress.note(`driver floor: ${rulerFloorText(event.floor)}`);
    }
  };
}

/** Runs `plan` (harness/experiment/execute.ts) with its progress on stderr. */
export async function executeWithProgress(plan: ExperimentPlan, output: CommandOutput, words: RowWords): Promise<ExperimentOutcome> {
  const total = plan.parts.reduce((sum, part) => sum + (part.rows.kind === 'in-process' ? part.rows.configs.length : part.rows.jobs.length), 0);
  const progress = output.progress(total);
  try {
    return await executeExperiment(plan, progressListener(progress, words));
  } finally {
    progress.finish();
  }
}
