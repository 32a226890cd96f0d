/**
 * What a row's child reports while it runs, beside its one-line message: the structured figures
 * the parent's progress line shows (requests done of total, the latest p99) and its ETA reads.
 * Sent over IPC as `{ kind: 'progress', message, ...RowProgress }`.
 */
export interface RowProgress {
  readonly phase: 'generate' | 'warm' | 'measure' | 'check';
  /** Requests answered so far while measuring. */
  readonly done?: number;
  /** Requests the row will send. */
  readonly total?: number;
  /** p99 of the last finished window of wall time, in ms. */
  readonly p99Ms?: number;
}

const PHASES = ['generate', 'warm', 'measure', 'check'] as const;

/** The RowProgress in an IPC message, checked field by field (it crossed a process boundary). */
export function rowProgressOf(message: Record<string, unknown>): RowProgress | undefined {
  const phase = PHASES.find((known) => known === message['phase']);
  if (phase === undefined) return undefined;
  const number = (key: string): number | undefined => {
    const value = message[key];
    return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
  };
  const done = number('done');
  const total = number('total');
  const p99Ms = number('p99Ms');
  return {
    phase,
    ...(done === undefined ? {} : { done }),
    ...(total === undefined ? {} : { total }),
    ...(p99Ms === undefined ? {} : { p99Ms }),
  };
}
