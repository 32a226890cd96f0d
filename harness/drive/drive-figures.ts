import type { DriveOutcome, SendLag } from '../results/schema.js';
import { OPEN_LOOP_FELL_BEHIND_MS, SATURATION_THRESHOLD } from '../tuning.js';

/**
 * A driver could not keep up when it sent below SATURATION_THRESHOLD of the target rate, when
 * its last send went out more than OPEN_LOOP_FELL_BEHIND_MS after its due time, or when it gave
 * up on requests it never sent. Every driver judges by this one rule.
 */
export function fellBehind(figures: {
  readonly targetRate: number;
  readonly achievedRate: number;
  readonly lastSendLagMs?: number;
  readonly notSent?: number;
}): boolean {
  return (
    figures.achievedRate < figures.targetRate * SATURATION_THRESHOLD || (figures.lastSendLagMs ?? 0) > OPEN_LOOP_FELL_BEHIND_MS || (figures.notSent ?? 0) > 0
  );
}

/** What an open-loop driver (Node's or the compiled one) knows at the end of a run. */
export interface OpenLoopSends {
  readonly rate: number;
  /** Requests in the log. */
  readonly count: number;
  readonly sent: number;
  readonly completed: number;
  readonly notSent: number;
  /** Ms from request 0's due time to the last write, and how late that write was. */
  readonly lastSendMs: number;
  readonly lastSendLagMs: number;
  /** Ms from request 0's due time to the last completion. */
  readonly elapsedMs: number;
  readonly sendLag: SendLag;
}

/**
 * The drive figures of an open-loop run. The achieved rate counts sends over the span from the
 * first due time to the last write (n sends span n - 1 intervals), never above the target: a
 * run that sent everything on time achieved exactly its rate.
 */
export function openLoopDriveOutcome(sends: OpenLoopSends): DriveOutcome {
  const intervalMs = 1000 / sends.rate;
  const sendSpanMs = Math.max(sends.lastSendMs, intervalMs);
  const achievedRate = sends.sent <= 1 ? (sends.sent === sends.count ? sends.rate : 0) : Math.min(sends.rate, (sends.sent - 1) / (sendSpanMs / 1000));
  return {
    targetRate: sends.rate,
    achievedRate,
    sent: sends.sent,
    completed: sends.completed,
    notSent: sends.notSent,
    saturated: fellBehind({ targetRate: sends.rate, achievedRate, lastSendLagMs: sends.lastSendLagMs, notSent: sends.notSent }),
    maxSendLagMs: sends.sendLag.maxMs,
    elapsedMs: sends.elapsedMs,
    sendLag: sends.sendLag,
  };
}
