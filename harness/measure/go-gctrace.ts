import type { GcCycle, GcEvent } from '../results/schema.js';

/**
 * The cycles a Go program's collector starts itself, from the line GODEBUG=gctrace=1 makes the
 * runtime print to stderr for each one: the only place the runtime tells how long a cycle it
 * started took. runtime.GC()'s cycles need none of this (their call is timed whole, sweep
 * included), so lines marked "(forced)" are left out.
 *
 *   gc 7 @12.043s 2%: 0.021+85+0.030 ms clock, 0.085+0.40/40/0+0.12 ms cpu, ... 4 P
 *
 * The three clock figures are sweep termination (a pause), concurrent marking and mark
 * termination (a pause): together, the cycle from its start to the end of its second pause.
 */

/** The environment of a Go program whose natural cycles the lab reads: GODEBUG with gctrace=1 added to the user's. */
export function goGcTraceEnv(): { GODEBUG: string } {
  return { GODEBUG: [process.env['GODEBUG'], 'gctrace=1'].filter((part) => part !== undefined && part !== '').join(',') };
}

export interface GcTraceLine {
  /** The runtime's number of the collection, as the program's /stats numbers its pause. */
  readonly cycle: number;
  /** Sweep termination, concurrent marking and mark termination, wall ms, summed. */
  readonly clockMs: number;
  readonly forced: boolean;
}

const LINE = /^gc (\d+) @[\d.]+s \d+%: ([\d.]+)\+([\d.]+)\+([\d.]+) ms clock,.*?(\(forced\))?\s*$/;

export function parseGcTrace(output: string): GcTraceLine[] {
  return output.split('\n').flatMap((text) => {
    const match = LINE.exec(text.trim());
    if (match === null) return [];
    // The runtime prints at most microseconds: rounded there, the sum has no float residue.
    const clockMs = Math.round((Number(match[2]) + Number(match[3]) + Number(match[4])) * 1000) / 1000;
    return [{ cycle: Number(match[1]), clockMs, forced: match[5] !== undefined }];
  });
}

/**
 * Each natural cycle whose pause the program reported (its number in `cycle`), ending where that
 * pause ended and as long as the trace line's clock figures: on the pauses' clock, with no
 * second clock to align.
 */
export function goNaturalCycles(
  lines: readonly GcTraceLine[],
  pauses: ReadonlyArray<Pick<GcEvent, 'startMs' | 'durationMs' | 'forced' | 'thread'> & { readonly cycle?: number }>,
): GcCycle[] {
  const byCycle = new Map(pauses.filter((pause) => typeof pause.cycle === 'number').map((pause) => [pause.cycle!, pause]));
  return lines.flatMap((line): GcCycle[] => {
    const pause = byCycle.get(line.cycle);
    if (line.forced || pause === undefined || pause.forced) return [];
    const end = pause.startMs + pause.durationMs;
    return [{ startMs: end - line.clockMs, durationMs: line.clockMs, pauseMs: pause.durationMs, forced: false, thread: pause.thread, source: 'gctrace' }];
  });
}
