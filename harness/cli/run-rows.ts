import type { HostLoadMonitor } from '../measure/host-load.js';
import type { Row } from '../results/schema.js';
import type { RowConfig } from '../run/run-one.js';
import { type RunPlan, runPlan } from '../run/runner.js';
import { withScratchTmpdir } from './output-paths.js';
import type { CommandProgress } from './progress.js';

/** What a measuring command (run, sweep, tune) says about its rows as they run. */
export interface RowWords {
  /** The row's title in the progress line, as it starts. */
  readonly title: (config: RowConfig) => string;
  /** The row's result line, as it ends. */
  readonly result: (row: Row) => string;
}

/**
 * Runs `plan` (each row in its own child process, harness/run/runner.ts) with progress on
 * stderr, recording the machine's load while rows measure (the verdict warns of contention),
 * and no new row after `stopSignal`. The children's temporary files (their stores) go in a
 * scratch folder removed afterwards, even when a child crashed before removing its own.
 */
export function runRowsWithProgress(
  plan: RunPlan,
  scratchPrefix: string,
  watch: { readonly progress: CommandProgress; readonly hostLoad: HostLoadMonitor; readonly stopSignal: AbortSignal },
  words: RowWords,
): Promise<Row[]> {
  const { progress, hostLoad, stopSignal } = watch;
  return withScratchTmpdir(scratchPrefix, () =>
    runPlan(plan, {
      stopSignal,
      onRowStart: (config) => progress.startRow(words.title(config)),
      onProgress: (_config, message, figures) => {
        progress.update(message, figures);
        if (figures !== undefined) hostLoad.measuring(figures.phase === 'measure');
      },
      onRowEnd: (row) => {
        hostLoad.measuring(false);
        progress.endRow(words.result(row));
      },
    }),
  );
}
