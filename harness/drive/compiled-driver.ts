import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Static, Type } from '@sinclair/typebox';
import { execa } from 'execa';
import { describeError } from '../errors.js';
import { checkAgainstSchema } from '../results/check-against-schema.js';
import type { SendLag, WindowSample } from '../results/schema.js';
import {
  COMPILED_DRIVER_LEAD_MS,
  COMPILED_DRIVER_LEAD_MS_PER_MILLION,
  OPEN_LOOP_DRAIN_TIMEOUT_MS,
  OPEN_LOOP_MAX_CONNECTIONS,
  OPEN_LOOP_TIMEOUT_MS,
} from '../tuning.js';
import { compiledDriverPath } from './compiled-driver-binary.js';
import { openLoopDriveOutcome } from './drive-figures.js';
import { readDriverRecords } from './driver-records.js';
import { meterLoad } from './load-meter.js';
import type { OpenLoopOptions, OpenLoopOutcome } from './open-loop-load.js';
import { writeRequestFile } from './request-file.js';

/** The Node driver's options that mean the same to the compiled one, and two of its own. */
export interface CompiledLoadOptions extends Pick<OpenLoopOptions, 'url' | 'log' | 'rate' | 'windowMs' | 'maxConnections' | 'timeoutMs' | 'drainTimeoutMs'> {
  /** `log` as a request file already (writeRequestFile), so that a run loading many services writes it once; undefined: written here. */
  readonly requestFile?: string;
  /** The driver's executable (default: references/build/load-driver). */
  readonly binary?: string;
}

/** The JSON line the compiled driver prints at the end. */
const N = Type.Number();
/** The compiled driver's summary line (references/load-driver): counts, waits, and its send lag in ns. */
const DriverSummary = Type.Object({
  sent: N,
  completed: N,
  elapsedMs: N,
  peakConnections: N,
  socketsOpened: N,
  waited: N,
  totalWaitMs: N,
  longestWaitMs: N,
  sendLagNs: Type.Object({ p50: N, p99: N, p999: N, max: N, mean: N }),
  lastSendMs: N,
});
type DriverSummary = Static<typeof DriverSummary>;

/** Exit codes of the compiled driver other than 0. */
const EXIT_BAD_INPUT = 2;
const EXIT_CONNECTION_REFUSED = 3;

/**
 * Replays a request log open-loop with the compiled driver (references/load-driver, Go), the
 * same contract as the Node driver (./open-loop-load.ts): request i is due at start + i / rate
 * and timed from that moment. The binary sleeps on its runtime's timers, which resolve tens of
 * microseconds where Node's resolve a millisecond, so its sends leave nearly on time and the
 * latencies are the service's rather than the driver's. It reads the log as a request file and
 * writes one record per request, which become the lab's histograms and per-request outcomes
 * here, after the load; meanwhile this process only polls GET /stats on the same clock.
 * Throws when the binary fails; "connection refused: URL" when nothing listens at the URL.
 */
export async function runCompiledLoad(options: CompiledLoadOptions): Promise<OpenLoopOutcome> {
  if (!(options.rate > 0)) throw new Error(`rate must be above 0, not ${options.rate}`);
  if (options.log.count === 0) throw new Error('the request log is empty');
  const url = new URL(options.url);
  if (url.protocol !== 'http:') throw new Error(`the compiled driver speaks plain HTTP only, not ${url.protocol}`);
  const maxConnections = options.maxConnections ?? OPEN_LOOP_MAX_CONNECTIONS;
  const folder = mkdtempSync(join(tmpdir(), 'rsl-load-driver-'));
  try {
    let requestFile = options.requestFile;
    if (requestFile === undefined) {
      requestFile = join(folder, 'requests.bin');
      writeRequestFile(requestFile, options.log);
    }
    const recordsFile = join(folder, 'records.bin');
    const target = options.url.replace(/\/+$/, '');
    // The binary starts, reads the request file and waits for request 0's due time, this far ahead.
    const leadMs = COMPILED_DRIVER_LEAD_MS + (COMPILED_DRIVER_LEAD_MS_PER_MILLION * options.log.count) / 1e6;
    const { sends, ...metered } = await meterLoad({ url: options.url, windowMs: options.windowMs, leadMs }, async ({ startUnixMs, recorder }) => {
      const args = ['drive', '--url', target, '--requests', requestFile, '--rate', String(options.rate)];
      args.push('--start-unix-ms', String(startUnixMs), '--max-connections', String(maxConnections));
      args.push(
        '--timeout-ms',
        String(options.timeoutMs ?? OPEN_LOOP_TIMEOUT_MS),
        '--drain-timeout-ms',
        String(options.drainTimeoutMs ?? OPEN_LOOP_DRAIN_TIMEOUT_MS),
      );
      args.push('--out', recordsFile);
      const child = execa(options.binary ?? compiledDriverPath(), args, { reject: false, stdin: 'ignore' });
      let result: Awaited<typeof child>;
      try {
        result = await child;
      } finally {
        child.kill('SIGTERM');
      }
      if (result.exitCode !== 0) throw driverFailure(result, target);
      const summary = parseSummary(String(result.stdout));
      // The binary timed every answer; its records become the recorder's histograms here.
      const records = readDriverRecords(readFileSync(recordsFile), options.log, recorder);
      if (records.sent !== summary.sent || records.completed !== summary.completed) {
        throw new Error(
          `the compiled driver says it sent ${summary.sent} and had ${summary.completed} answered, its records say ${records.sent} and ${records.completed}`,
        );
      }
      return { summary, records };
    });
    const { summary, records } = sends;
    const sendLag: SendLag = {
      p50Ms: summary.sendLagNs.p50 / 1e6,
      p99Ms: summary.sendLagNs.p99 / 1e6,
      p999Ms: summary.sendLagNs.p999 / 1e6,
      maxMs: summary.sendLagNs.max / 1e6,
      meanMs: summary.sendLagNs.mean / 1e6,
    };
    const intervalMs = 1000 / options.rate;
    return {
      drive: openLoopDriveOutcome({
        rate: options.rate,
        count: options.log.count,
        sent: records.sent,
        completed: records.completed,
        notSent: records.notSent,
        lastSendMs: summary.lastSendMs,
        // Sends leave in log order, so the last one is the highest index sent.
        lastSendLagMs: records.lastSentIndex < 0 ? 0 : summary.lastSendMs - records.lastSentIndex * intervalMs,
        elapsedMs: summary.elapsedMs,
        sendLag,
      }),
      ...metered,
      // Requests completed per window are known only from the records, after the load.
      windows: withCompletions(metered.windows, records.completedAtMs),
      errors: records.errors,
      timeouts: records.timeouts,
      non2xx: records.non2xx,
      outcomes: records.outcomes,
      pool: {
        maxConnections,
        peakConnections: summary.peakConnections,
        socketsOpened: summary.socketsOpened,
        waited: summary.waited,
        totalWaitMs: summary.totalWaitMs,
        longestWaitMs: summary.longestWaitMs,
        meanSendLagMs: sendLag.meanMs,
      },
    };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

/** The binary's failure as one line: "connection refused: URL" when nothing listened. */
function driverFailure(result: { exitCode?: number | undefined; signal?: string | undefined; stderr: unknown }, url: string): Error {
  const line =
    String(result.stderr ?? '')
      .trim()
      .split('\n')
      .pop() ?? '';
  if (result.exitCode === EXIT_CONNECTION_REFUSED) return new Error(/connection refused/.test(line) ? line : `connection refused: ${url}`);
  if (result.exitCode === EXIT_BAD_INPUT) return new Error(`the compiled driver refused its input: ${line}`);
  const how = result.exitCode === undefined ? `was killed (${result.signal ?? 'no exit code'})` : `exited with ${result.exitCode}`;
  return new Error(`the compiled driver ${how}${line === '' ? '' : `: ${line}`}`);
}

/** The last line of the binary's stdout, checked for every figure this module reads. */
function parseSummary(stdout: string): DriverSummary {
  const line = stdout.trim().split('\n').pop() ?? '';
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    throw new Error(`the compiled driver printed no summary line: ${JSON.stringify(line.slice(0, 200))}`);
  }
  try {
    return checkAgainstSchema(DriverSummary, parsed, "the compiled driver's summary");
  } catch (error) {
    // The driver's fault, not the user's: a failed load, not a refused command line.
    throw new Error(`${describeError(error)}: ${line.slice(0, 200)}`);
  }
}

/** The /stats windows with the requests answered in each, counted from the records' completion times. */
function withCompletions(windows: readonly WindowSample[], completedAtMs: Float64Array): WindowSample[] {
  const sorted = Float64Array.from(completedAtMs).sort();
  let next = 0;
  return windows.map((window) => {
    const from = next;
    while (next < sorted.length && sorted[next]! <= window.atMs) next++;
    return { ...window, completed: next - from };
  });
}
