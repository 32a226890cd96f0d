import { join } from 'node:path';
import { HostLoadMonitor } from '../measure/host-load.js';
import { floorProbeMs } from '../measure/machine-floor.js';
import type { HostLoad, Results, Row } from '../results/schema.js';
import { assembleResults } from './assemble.js';
import type { ExperimentListener } from './events.js';
import { runInProcessRows } from './in-process-rows.js';
import { onInterrupt } from './interrupt.js';
import { type WrittenFiles, writeRunFiles } from './output.js';
import type { ExperimentPlan, PlanPart } from './plan.js';
import { withRuntimeVersions } from './runtime-rows.js';
import { runServiceRows } from './service-rows.js';

/** A part's outcome: its rows, as results, and the files they were written to. */
export interface PartOutcome {
  readonly part: PlanPart;
  readonly rows: readonly Row[];
  readonly results: Results;
  readonly written: WrittenFiles;
}

export interface ExperimentOutcome {
  /** Every part that ran, in order; an interrupted experiment keeps the ones it finished. */
  readonly parts: readonly PartOutcome[];
  /** Ctrl-C stopped it: the rows that finished are kept, and written. */
  readonly interrupted: boolean;
  /** The machine's load over the whole experiment. */
  readonly hostLoad: HostLoad;
}

/**
 * Runs a plan: probes the machine's floor before the first row, watches its load while rows
 * measure, stops starting rows at the first Ctrl-C (a second one exits at once), and writes
 * each part's results.json, summary.md and index.html, interrupted or not.
 */
export async function executeExperiment(plan: ExperimentPlan, listener: ExperimentListener): Promise<ExperimentOutcome> {
  const probeMs = floorProbeMs();
  const interrupt = onInterrupt(() => listener({ type: 'stopping' }));
  const hostLoad = new HostLoadMonitor();
  hostLoad.probeFloor(probeMs);
  const parts: PartOutcome[] = [];
  let seen: HostLoad;
  try {
    for (const part of plan.parts) {
      parts.push(await runPart(part, plan, { listener, hostLoad, stopSignal: interrupt.signal }));
      if (interrupt.signal.aborted) break;
    }
  } finally {
    seen = hostLoad.stop();
    interrupt.dispose();
  }
  return { parts, interrupted: interrupt.signal.aborted, hostLoad: seen };
}

async function runPart(
  part: PlanPart,
  plan: ExperimentPlan,
  watch: { readonly listener: ExperimentListener; readonly hostLoad: HostLoadMonitor; readonly stopSignal: AbortSignal },
): Promise<PartOutcome> {
  const { rows, rulerFloor } =
    part.rows.kind === 'in-process'
      ? { rows: await runInProcessRows(part.rows, join(part.dir, 'rows'), part.extraNodeFlags, watch), rulerFloor: undefined }
      : await runServiceRows(part.rows, part.dir, watch);
  const assembled = assembleResults(part.runId, part.settings, rows, part.extraNodeFlags, watch.hostLoad.snapshot());
  const withFloor = rulerFloor === undefined ? assembled : { ...assembled, environment: { ...assembled.environment, rulerFloor } };
  const results = plan.runtimes === undefined ? withFloor : withRuntimeVersions(withFloor, plan.runtimes);
  return { part, rows, results, written: writeRunFiles(part.dir, results, part.latest) };
}
