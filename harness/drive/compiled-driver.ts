import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { type Static, Type } from '@sinclair/typebox';
import { execa } from 'execa';
import { describeError } from '../errors.js';
import { LatencyRecorder } from '../measure/latency-recorder.js';
import { checkAgainstSchema } from '../results/check-against-schema.js';
import { prepareFastHistograms } from '../results/histogram.js';
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
import type { OpenLoopOptions, OpenLoopOutcome } from './open-loop-load.js';
import { writeRequestFile } from './request-file.js';
import { StatsWindows } from './stats-windows.js';

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
  await prepareFastHistograms();
  const maxConnections = options.maxConnections ?? OPEN_LOOP_MAX_CONNECTIONS;
  const folder = mkdtempSync(join(tmpdir(), 'rsl-load-driver-'));
  try {
    let requestFile = options.requestFile;
    if (requestFile === undefined) {
      requestFile = join(folder, 'requests.bin');
      writeRequestFile(requestFile, options.log);
    }
    const recordsFile = join(folder, 'records.bin');
    // Requests completed per window are known only from the records, after the load: filled in below.
    const stats = new StatsWindows(options.url, () => 0);
    await stats.prepare();
    const origin = sharedOrigin(COMPILED_DRIVER_LEAD_MS + (COMPILED_DRIVER_LEAD_MS_PER_MILLION * options.log.count) / 1e6);
    const target = options.url.replace(/\/+$/, '');
    const args = ['drive', '--url', target, '--requests', requestFile, '--rate', String(options.rate)];
    args.push('--start-unix-ms', String(origin.startUnixMs), '--max-connections', String(maxConnections));
    args.push(
      '--timeout-ms',
      String(options.timeoutMs ?? OPEN_LOOP_TIMEOUT_MS),
      '--drain-timeout-ms',
      String(options.drainTimeoutMs ?? OPEN_LOOP_DRAIN_TIMEOUT_MS),
    );
    args.push('--out', recordsFile);
    const child = execa(options.binary ?? compiledDriverPath(), args, { reject: false, stdin: 'ignore' });
    const statsStart = setTimeout(() => stats.start(origin.startMs, options.windowMs), Math.max(0, origin.startMs - performance.now()));
    let result: Awaited<typeof child>;
    try {
      result = await child;
    } finally {
      clearTimeout(statsStart);
      child.kill('SIGTERM');
    }
    const finalStats = await stats.finish();
    if (result.exitCode !== 0) throw driverFailure(result, target);
    const summary = parseSummary(String(result.stdout));

    const recorder = new LatencyRecorder(origin.startMs, options.windowMs);
    const records = readDriverRecords(readFileSync(recordsFile), options.log, recorder);
    if (records.sent !== summary.sent || records.completed !== summary.completed) {
      throw new Error(
        `the compiled driver says it sent ${summary.sent} and had ${summary.completed} answered, its records say ${records.sent} and ${records.completed}`,
      );
    }
    const latency = recorder.encode();
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
      latency,
      windows: withCompletions(stats.windows, records.completedAtMs),
      errors: records.errors,
      timeouts: records.timeouts,
      non2xx: records.non2xx,
      finalStats,
      outcomes: records.outcomes,
      startMs: origin.startMs,
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

/**
 * A wall-clock instant `leadMs` ahead, for the binary (Unix ms), and the performance.now()
 * reading of the same instant, for this process. Date.now() moves in whole milliseconds: both
 * clocks are read just after it ticks, so they agree to within microseconds, not up to a
 * millisecond; waiting for the tick takes at most a millisecond.
 */
function sharedOrigin(leadMs: number): { readonly startUnixMs: number; readonly startMs: number } {
  const before = Date.now();
  let wall = Date.now();
  while (wall === before) wall = Date.now();
  const now = performance.now();
  const lead = Math.round(leadMs);
  return { startUnixMs: wall + lead, startMs: now + lead };
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
