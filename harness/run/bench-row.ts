import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { execa } from 'execa';
import { expectedStates } from '../check/expected-states.js';
import { checkIntegrity } from '../check/integrity-check.js';
import { writeStates } from '../check/state-dump.js';
import { spreadCycleCpu } from '../measure/gc-cpu.js';
import { goGcTraceEnv, goNaturalCycles, parseGcTrace } from '../measure/go-gctrace.js';
import { LatencyRecorder } from '../measure/latency-recorder.js';
import { ProcessSampler } from '../measure/process-sampler.js';
import type { RowMeasurement, WindowSample } from '../results/schema.js';
import { SATURATION_THRESHOLD } from '../tuning.js';
import { writeBenchLogFile } from '../workload/bench-log-file.js';
import { type RequestLog, readRequestLog } from '../workload/request-log.js';
import { writeWarmFile } from '../workload/warm-file.js';
import { Workload } from '../workload/workload.js';
import { benchForcedGcs, benchGcCycles, benchGcEvents, parseBenchSummary, readBenchRecords, readBenchStates } from './bench-output.js';
import type { Progress, RowConfig } from './run-one.js';

/** What the bench's stdout lines start with, and the phase each begins. */
const PHASE_OF_LINE: ReadonlyArray<[prefix: string, phase: 'warm' | 'measure' | 'check']> = [
  ['warming', 'warm'],
  ['measuring', 'measure'],
  ['flushing', 'check'],
];

/**
 * One row of `run` for a program of its own (a Go or Rust reference built with a `bench` mode):
 * the row's request log and warm states written to files, the program run on them in a process
 * of its own (it replays the log in process, open loop, with its own store and the scenario's
 * forced GCs), its CPU and memory sampled from /proc, its records turned into the same
 * histograms as a Node row's, and its final states put through the same nothing-lost check.
 * This process only writes, waits and reads: nothing of it runs while the program measures but
 * the sampler's once-a-window read of /proc.
 */
export async function runBenchRow(config: RowConfig, executable: string, progress: Progress): Promise<RowMeasurement> {
  const { scenario } = config;
  const generateStart = performance.now();
  const workload = new Workload(scenario, scenario.seed);
  const log: RequestLog = config.requestsFile !== undefined ? await readRequestLog(config.requestsFile, { header: 'skip' }) : workload.generateForScenario();
  const work = mkdtempSync(join(tmpdir(), 'readstate-lab-bench-'));
  try {
    const files = {
      requests: join(work, 'requests.bin'),
      scenario: join(work, 'scenario.json'),
      warm: join(work, 'warm.bin'),
      out: join(work, 'out'),
    };
    writeBenchLogFile(files.requests, log);
    writeFileSync(files.scenario, JSON.stringify(scenario));
    writeWarmFile(files.warm, workload.warmStates(scenario.capacity));
    const generateMs = performance.now() - generateStart;

    const args = ['bench', '--requests', files.requests, '--scenario', files.scenario, '--warm', files.warm, '--out', files.out];
    if (process.env['READSTATE_LAB_PLANT_LOST_WRITEBACK'] === '1') args.push('--plant-lost-writeback');
    // Go prints a line per GC cycle on stderr (GODEBUG=gctrace=1), the only place it tells the cycles it starts itself; Rust ignores it.
    const child = execa(executable, args, {
      reject: false,
      stdin: 'ignore',
      stdout: 'pipe',
      stderr: 'pipe',
      buffer: { stdout: false, stderr: true },
      env: goGcTraceEnv(),
    });
    const windowMs = scenario.windowSeconds * 1000;
    let sampler: ProcessSampler | undefined;
    let lines = '';
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => {
      lines += chunk;
      for (let end = lines.indexOf('\n'); end >= 0; end = lines.indexOf('\n')) {
        const line = lines.slice(0, end).trim();
        lines = lines.slice(end + 1);
        const phase = PHASE_OF_LINE.find(([prefix]) => line.startsWith(prefix))?.[1];
        if (phase === undefined) continue;
        // Request 0 is due as the program says "measuring": windows of /proc samples start there.
        if (phase === 'measure' && child.pid !== undefined) sampler = new ProcessSampler(child.pid, windowMs);
        if (phase === 'check') sampler?.stop();
        progress(line, phase === 'measure' ? { phase, done: 0, total: log.count } : { phase });
      }
    });
    const result = await child;
    sampler?.stop();
    if (result.exitCode !== 0) {
      const said =
        String(result.stderr ?? '')
          .trim()
          .split('\n')
          .filter((line) => parseGcTrace(line).length === 0)
          .pop() ?? '';
      // Exit 2 is a command line the program refused: a build from before it had a bench mode.
      const hint = result.exitCode === 2 ? ' (a build without a bench mode? npm run build:references)' : '';
      throw new Error(`the bench exited with ${result.exitCode ?? result.signal}${said === '' ? '' : `: ${said}`}${hint}`);
    }

    const checkStart = performance.now();
    const summary = parseBenchSummary(readFileSync(join(files.out, 'summary.json'), 'utf8'));
    const recorder = new LatencyRecorder(0, windowMs);
    const records = readBenchRecords(readFileSync(join(files.out, 'records.bin')), log, recorder);
    if (records.sent !== summary.sent) throw new Error(`the bench says it sent ${summary.sent} requests; its records say ${records.sent}`);
    progress('checking that no read state was lost', { phase: 'check' });
    const cache = readBenchStates(readFileSync(join(files.out, 'final-cache.bin')));
    const store = readBenchStates(readFileSync(join(files.out, 'final-store.bin')));
    const integrity = checkIntegrity(expectedStates(log, records.sent), cache, store);
    if (config.dumpStatePath !== undefined) await writeStates(config.dumpStatePath, cache, store);
    const checkMs = performance.now() - checkStart;

    const rate = scenario.rate;
    const sendSpanMs = Math.max(summary.lastSendMs, 1000 / rate);
    const achievedRate = records.sent <= 1 ? rate : Math.min(rate, (records.sent - 1) / (sendSpanMs / 1000));
    const { memory, counters } = summary;
    // Go reports the pause of its forced GCs after the load; Rust has no garbage collector.
    const usesGc = memory.fullGcPauseMs !== undefined;
    const natural = goNaturalCycles(
      parseGcTrace(String(result.stderr ?? '')),
      (summary.gcEvents ?? []).map((pause) => ({ ...pause, thread: 'go' })),
    );
    const gcCycles = usesGc ? [...benchGcCycles(summary, 'go'), ...natural].sort((a, b) => a.startMs - b.startMs) : [];
    return {
      drive: {
        targetRate: rate,
        achievedRate,
        sent: records.sent,
        completed: records.completed,
        notSent: log.count - records.sent,
        saturated: achievedRate < rate * SATURATION_THRESHOLD || records.sent < log.count,
        maxSendLagMs: summary.maxSendLagMs,
        elapsedMs: summary.elapsedMs,
      },
      latency: recorder.encode(),
      gcEvents: benchGcEvents(summary, 'go'),
      forcedGcs: benchForcedGcs(summary),
      // Each forced cycle's CPU over its call, not in the window its marking ended (gc-cpu.ts).
      windows: spreadCycleCpu(windowsOf(summary.windows ?? [], records.completedPerWindow, sampler), gcCycles),
      ...(usesGc ? { gcCycles } : {}),
      ...(summary.gcCpu?.source === undefined ? {} : { gcCpuSource: summary.gcCpu.source }),
      memory: {
        cachedStates: memory.cachedStates,
        bytesPerEntry: memory.bytesPerEntry,
        heapBytes: memory.heapBytes,
        arrayBufferBytes: 0,
        offHeapBytes: memory.offHeapBytes ?? 0,
        fullGcPauseMs: memory.fullGcPauseMs ?? Number.NaN,
      },
      counters,
      integrity,
      timingsMs: { generate: generateMs, warm: summary.warmMs, check: checkMs },
      runtimeVersion: toolchainOf(executable) ?? summary.runtime,
      ...(usesGc ? {} : { collectsGarbage: false }),
      serviceNotes: [
        `measured in process by its own bench mode (${toolchainOf(executable) ?? summary.runtime}): the service's cache, a memory store on ${usesGc ? 'another goroutine' : 'another thread'}, ${scenario.forcedGc === null || !usesGc ? 'no forced GC' : 'runtime.GC() on the scenario schedule'}`,
      ],
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The toolchain that built the program, as the build recorded it beside it ("go1.26.8"). */
function toolchainOf(executable: string): string | undefined {
  try {
    return readFileSync(`${executable}.toolchain`, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * One sample per window the bench reported: its heap (where it has one) and resident memory,
 * the CPU /proc showed over the same window, the collector's CPU the program reported for it
 * (Go), the requests completed in it and its misses.
 */
function windowsOf(
  windows: ReadonlyArray<{ atMs: number; heapUsedBytes?: number; heapTotalBytes?: number; rssBytes: number; misses: number; gcCpuMs?: number }>,
  completedPerWindow: readonly number[],
  sampler: ProcessSampler | undefined,
): WindowSample[] {
  return windows.map((window, i) => ({
    atMs: window.atMs,
    heapUsedBytes: window.heapUsedBytes ?? Number.NaN,
    heapTotalBytes: window.heapTotalBytes ?? Number.NaN,
    rssBytes: window.rssBytes,
    externalBytes: Number.NaN,
    cacheOffHeapBytes: Number.NaN,
    cpuPercent: sampler?.samples[i]?.cpuPercent ?? Number.NaN,
    eventLoopDelayMaxMs: Number.NaN,
    eventLoopDelayP99Ms: Number.NaN,
    completed: completedPerWindow[i] ?? 0,
    misses: window.misses - (i === 0 ? 0 : (windows[i - 1]?.misses ?? 0)),
    ...gcCpuOf(window.gcCpuMs, window.atMs - (i === 0 ? 0 : (windows[i - 1]?.atMs ?? 0))),
  }));
}

/** A window's gcCpuPercent from the CPU ms the program reported for it; nothing where it reported none. */
function gcCpuOf(gcCpuMs: number | undefined, lengthMs: number): { gcCpuPercent?: number } {
  return typeof gcCpuMs === 'number' && Number.isFinite(gcCpuMs) && lengthMs > 0 ? { gcCpuPercent: (gcCpuMs / lengthMs) * 100 } : {};
}
