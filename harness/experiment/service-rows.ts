import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { runHttpLoad } from '../drive/closed-loop-load.js';
import { runCompiledLoad } from '../drive/compiled-driver.js';
import type { HttpLoadOutcome } from '../drive/load-meter.js';
import { externalIntegrity, loadOneService, toMeasurement } from '../drive/load-one-service.js';
import { runOpenLoopLoad } from '../drive/open-loop-load.js';
import { writeRequestFile } from '../drive/request-file.js';
import { measureRulerFloor } from '../drive/ruler-floor.js';
import { describeError } from '../errors.js';
import { summarizeRow } from '../results/aggregate.js';
import type { Row, RulerFloor } from '../results/schema.js';
import { BASE_NODE_FLAGS, RULER_FLOOR_MAX_MS } from '../tuning.js';
import type { RequestLog } from '../workload/request-log.js';
import { writeWarmFile } from '../workload/warm-file.js';
import { Workload } from '../workload/workload.js';
import type { ExperimentListener } from './events.js';
import type { ServiceRows } from './plan.js';

/**
 * Runs service rows: every service warmed with the same states and loaded with the same log by
 * the plan's driver, after the driver's own floor (a null server at the run's rate, for up to
 * RULER_FLOOR_MAX_MS). A service that fails is a failed row; the rest still run. The warm file,
 * request file and services' folders go when the rows are done, however they ended.
 */
export async function runServiceRows(
  plan: ServiceRows,
  dir: string,
  watch: { readonly listener: ExperimentListener; readonly stopSignal: AbortSignal },
): Promise<{ rows: Row[]; rulerFloor: RulerFloor | undefined }> {
  const { scenario, target } = plan;
  const { listener, stopSignal } = watch;
  const log = new Workload(scenario, scenario.seed).generateForScenario();
  const work = join(dir, 'services');
  const loading = `${log.count.toLocaleString('en-US')} requests at ${scenario.rate.toLocaleString('en-US')}/s, ${driverDescription(plan)}`;
  // The compiled driver reads the log as a request file: written once, for every row.
  const requestFile = plan.driver === 'open-loop-compiled' ? join(dir, 'requests.bin') : undefined;
  const driveWith = (url: string, requests: RequestLog, file?: string): Promise<HttpLoadOutcome> => {
    const windowMs = scenario.windowSeconds * 1000;
    const { rate } = scenario;
    if (plan.driver === 'closed-loop') return runHttpLoad({ url, log: requests, rate, connections: plan.connections, windowMs, timeoutSeconds: 10 });
    if (plan.driver === 'open-loop') return runOpenLoopLoad({ url, log: requests, rate, windowMs, maxConnections: plan.maxConnections });
    return runCompiledLoad({ url, log: requests, rate, windowMs, maxConnections: plan.maxConnections, ...(file === undefined ? {} : { requestFile: file }) });
  };
  const loadThenReport = (url: string): Promise<HttpLoadOutcome> => {
    listener({ type: 'row-progress', message: loading, expectedMs: (log.count / scenario.rate) * 1000 });
    return driveWith(url, log, requestFile);
  };

  const rows: Row[] = [];
  let warmFile: string | undefined;
  let rulerFloor: RulerFloor | undefined;
  try {
    if (target === undefined) {
      // One warm file for every service: each starts with the same states in its cache.
      rmSync(work, { recursive: true, force: true });
      warmFile = join(dir, 'warm-states.bin');
      listener({ type: 'warming', states: scenario.capacity });
      writeWarmFile(warmFile, new Workload(scenario, scenario.seed).warmStates(scenario.capacity));
    }
    if (requestFile !== undefined) writeRequestFile(requestFile, log);
    // The ruler's floor, with the rows' own driver and settings, before any service runs.
    listener({ type: 'ruler-floor-start', rate: scenario.rate, seconds: Math.min(RULER_FLOOR_MAX_MS / 1000, scenario.durationSeconds) });
    rulerFloor = await measureRulerFloor({
      driver: plan.driver,
      log,
      rate: scenario.rate,
      durationSeconds: scenario.durationSeconds,
      load: (url, requests) => driveWith(url, requests),
    });
    listener({ type: 'ruler-floor', floor: rulerFloor });
    for (const job of plan.jobs) {
      if (stopSignal.aborted) break;
      listener({ type: 'row-start', row: { kind: 'service', job }, phase: target === undefined ? 'starting the service' : loading });
      const started = performance.now();
      const nodeFlags = job.service?.binary !== undefined ? [] : [...BASE_NODE_FLAGS];
      const base = { contender: job.label, ...(job.runtime === undefined ? {} : { runtime: job.runtime.name }), repetition: 1, nodeFlags };
      let row: Row;
      try {
        const measurement =
          job.service === undefined || target !== undefined
            ? toMeasurement(await loadThenReport(target!), undefined, externalIntegrity())
            : await loadOneService(
                job.service,
                scenario,
                log,
                join(work, job.label.replace(/\W/g, '_')),
                warmFile!,
                loadThenReport,
                stopSignal,
                plan.storeLatency,
                job.runtime,
              );
        row = { ...base, wallMs: performance.now() - started, state: 'completed', measurement, summary: summarizeRow(measurement) };
      } catch (error) {
        row = { ...base, wallMs: performance.now() - started, state: 'failed', reason: describeError(error) };
      }
      rows.push(row);
      listener({ type: 'row-end', row });
    }
  } finally {
    if (warmFile !== undefined) rmSync(warmFile, { force: true });
    if (requestFile !== undefined) rmSync(requestFile, { force: true });
    rmSync(work, { recursive: true, force: true });
  }
  return { rows, rulerFloor };
}

/** The driver in the words of the rows' progress line. */
function driverDescription(plan: ServiceRows): string {
  return plan.driver === 'closed-loop'
    ? `autocannon, ${plan.connections} connections (closed loop)`
    : `open loop${plan.driver === 'open-loop-compiled' ? ' (compiled driver)' : ''}, up to ${plan.maxConnections} connections`;
}
