import type { HostLoadMonitor } from '../measure/host-load.js';
import type { Row } from '../results/schema.js';
import { runPlan } from '../run/runner.js';
import type { ExperimentListener } from './events.js';
import type { InProcessRows } from './plan.js';
import { withScratchTmpdir } from './scratch-folder.js';

/**
 * Runs in-process rows (each in its own child process, harness/run/runner.ts), telling the
 * host-load monitor when a row measures (the verdict warns of contention) and starting no new
 * row after `stopSignal`. The children's temporary files (their stores) go in a scratch folder
 * removed afterwards, even when a child crashed before removing its own. A crashed child is a
 * failed row (runner.ts), never a lost run.
 */
export function runInProcessRows(
  rows: InProcessRows,
  workDir: string,
  extraNodeFlags: readonly string[],
  watch: { readonly listener: ExperimentListener; readonly hostLoad: HostLoadMonitor; readonly stopSignal: AbortSignal },
): Promise<Row[]> {
  const { listener, hostLoad, stopSignal } = watch;
  return withScratchTmpdir(rows.scratchPrefix, () =>
    runPlan(
      { rows: rows.configs, workDir, extraNodeFlags },
      {
        stopSignal,
        onRowStart: (config) => listener({ type: 'row-start', row: { kind: 'in-process', config } }),
        onProgress: (_config, message, figures) => {
          listener({ type: 'row-progress', message, ...(figures === undefined ? {} : { figures }) });
          if (figures !== undefined) hostLoad.measuring(figures.phase === 'measure');
        },
        onRowEnd: (row) => {
          hostLoad.measuring(false);
          listener({ type: 'row-end', row });
        },
      },
    ),
  );
}
