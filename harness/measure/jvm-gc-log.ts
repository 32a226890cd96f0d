/**
 * Reads a Java 17 unified GC log (-Xlog:gc* with the time, uptime, level and tags decorations),
 * as Cassandra's nodes write it, into stop-the-world pauses and concurrent cycles in the lab's
 * milliseconds. G1 prints each pause's duration on its summary line and each cycle's at its
 * end; ZGC prints its pauses as phases and its cycle's end without a duration, so a cycle is
 * the time between its start and end lines.
 */
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import type { GcEvent } from '../results/schema.js';
import type { JvmPauseKind } from '../results/schemas/plain-values.js';

export type { JvmPauseKind };

/** One stop-the-world pause. */
export interface JvmGcPause {
  /** The collection's number in the log, GC(n). */
  readonly gcId: number;
  /** What the JVM called it ("Pause Young (Normal) (G1 Evacuation Pause)", "Pause Mark Start"). */
  readonly name: string;
  readonly kind: JvmPauseKind;
  /** Wall clock (ms since the epoch) at its start: its end line's time less its duration. */
  readonly startEpochMs: number;
  /** The JVM's uptime in ms at its start. */
  readonly startUptimeMs: number;
  readonly durationMs: number;
}

/** One concurrent cycle: G1's concurrent mark (or undo) cycle, or a whole ZGC collection. */
export interface JvmGcCycle {
  readonly gcId: number;
  readonly name: string;
  readonly startEpochMs: number;
  readonly startUptimeMs: number;
  readonly durationMs: number;
}

export interface JvmGcLog {
  /** "G1", "The Z Garbage Collector", ... as its "Using" line says; undefined when the text has none. */
  readonly collector: string | undefined;
  readonly pauses: readonly JvmGcPause[];
  readonly cycles: readonly JvmGcCycle[];
}

/** [2026-12-07T17:53:21.303+0000][9.689s][info][gc          ] GC(0) ... */
const DECORATED = /^\[(\d{4}-\d\d-\d\dT[\d:.]+)([+-]\d\d)(\d\d)\]\[([\d.]+)s\]\[\w+\s*\]\[([\w,]+)\s*\] (.*)$/;
/** A pause and its duration, with the heap before and after (G1) or without (ZGC's phases); generational ZGC prefixes "y: " or "O: ". */
const PAUSE = /^GC\((\d+)\) (?:[yO]: )?(Pause .*?)(?: \S+->\S+)? ([\d.]+)ms$/;
const G1_CYCLE_END = /^GC\((\d+)\) (Concurrent (?:Mark|Undo) Cycle) ([\d.]+)ms$/;
const Z_CYCLE = /^GC\((\d+)\) (Garbage Collection \([^)]*\))(.*)$/;
const USING = /^Using (.+)$/;

function pauseKind(name: string): JvmPauseKind {
  if (name.startsWith('Pause Young')) return name.includes('(Mixed)') ? 'mixed' : 'young';
  if (name.startsWith('Pause Full')) return 'full';
  const kinds: Record<string, JvmPauseKind> = {
    'Pause Remark': 'remark',
    'Pause Cleanup': 'cleanup',
    'Pause Mark Start': 'mark-start',
    'Pause Mark End': 'mark-end',
    'Pause Relocate Start': 'relocate-start',
  };
  return kinds[name] ?? 'other';
}

/** The pauses and cycles of a log's text; lines it does not know are skipped. */
export function parseJvmGcLog(text: string): JvmGcLog {
  let collector: string | undefined;
  const pauses: JvmGcPause[] = [];
  const cycles: JvmGcCycle[] = [];
  const zStarts = new Map<number, { epochMs: number; uptimeMs: number }>();
  for (const line of text.split('\n')) {
    const decorated = DECORATED.exec(line);
    if (decorated === null) continue;
    const [, time, zoneHours, zoneMinutes, uptime, tags, message] = decorated;
    const epochMs = Date.parse(`${time}${zoneHours}:${zoneMinutes}`);
    const uptimeMs = Number(uptime) * 1000;
    const pause = tags === 'gc' || tags === 'gc,phases' ? PAUSE.exec(message!) : null;
    if (pause !== null) {
      const durationMs = Number(pause[3]);
      const name = pause[2]!;
      pauses.push({
        gcId: Number(pause[1]),
        name,
        kind: pauseKind(name),
        startEpochMs: epochMs - durationMs,
        startUptimeMs: uptimeMs - durationMs,
        durationMs,
      });
      continue;
    }
    const g1Cycle = tags === 'gc' ? G1_CYCLE_END.exec(message!) : null;
    if (g1Cycle !== null) {
      const durationMs = Number(g1Cycle[3]);
      cycles.push({ gcId: Number(g1Cycle[1]), name: g1Cycle[2]!, startEpochMs: epochMs - durationMs, startUptimeMs: uptimeMs - durationMs, durationMs });
      continue;
    }
    const zCycle = tags === 'gc,start' || tags === 'gc' ? Z_CYCLE.exec(message!) : null;
    if (zCycle !== null) {
      const gcId = Number(zCycle[1]);
      if (tags === 'gc,start') zStarts.set(gcId, { epochMs, uptimeMs });
      else {
        const start = zStarts.get(gcId);
        // A cycle whose start lies before the text (a read from an offset) has no known extent.
        if (start !== undefined) {
          cycles.push({ gcId, name: zCycle[2]!, startEpochMs: start.epochMs, startUptimeMs: start.uptimeMs, durationMs: uptimeMs - start.uptimeMs });
        }
        zStarts.delete(gcId);
      }
      continue;
    }
    const using = tags === 'gc' ? USING.exec(message!) : null;
    if (using !== null) collector = using[1];
  }
  return { collector, pauses, cycles };
}

/** The log's size now: the offset to read from after a run, so the run gets only its own lines. */
export function gcLogOffset(path: string): number {
  return existsSync(path) ? statSync(path).size : 0;
}

/**
 * The pauses and cycles written to `path` since byte `offset`, whole lines only, and the offset
 * to continue from. A log shorter than `offset` was started again (the node restarted), so it
 * is read from its beginning.
 */
export function readJvmGcLogFrom(path: string, offset: number): { readonly log: JvmGcLog; readonly nextOffset: number } {
  const size = gcLogOffset(path);
  const from = size < offset ? 0 : offset;
  if (size === from) return { log: parseJvmGcLog(''), nextOffset: from };
  const bytes = Buffer.alloc(size - from);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, bytes, 0, bytes.length, from);
  } finally {
    closeSync(fd);
  }
  // A line the JVM is still writing is left for the next read.
  const complete = bytes.lastIndexOf(0x0a) + 1;
  return { log: parseJvmGcLog(bytes.subarray(0, complete).toString('utf8')), nextOffset: from + complete };
}

/**
 * The pauses as the lab's GC events, in ms since `originEpochMs` (when measuring started):
 * young and mixed pauses as minor, full ones as major, and the pauses that bracket a concurrent
 * cycle (remark, cleanup, ZGC's) as incremental, V8's word for the pauses of concurrent marking.
 */
export function jvmPausesAsGcEvents(pauses: readonly JvmGcPause[], originEpochMs: number, thread: string): GcEvent[] {
  return pauses.map((pause) => ({
    startMs: pause.startEpochMs - originEpochMs,
    durationMs: pause.durationMs,
    kind: pause.kind === 'young' || pause.kind === 'mixed' ? 'minor' : pause.kind === 'full' ? 'major' : 'incremental',
    forced: false,
    thread,
  }));
}
