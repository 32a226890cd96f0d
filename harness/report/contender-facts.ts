import type { CompletedRow, ContenderSummary, Results } from '../results/schema.js';

/**
 * What the summary table and the verdict both need to know of each contender beyond its
 * figures, found once from the results and handed to both, so that neither asks the other.
 */

/**
 * `saturated`: fell behind the rate, so its latencies measure the backlog; `lost`: failed the
 * nothing-lost check; `failed`: no repetition completed.
 */
export type ContenderState = 'ok' | 'saturated' | 'lost' | 'failed';

export interface ContenderFacts {
  readonly summary: ContenderSummary;
  readonly state: ContenderState;
  /**
   * Completed, nothing lost and the rate kept: a row a figure may be compared against. A
   * saturated row measures its backlog, so it is never the yardstick.
   */
  readonly comparable: boolean;
  /**
   * Measured in a program without a garbage collector: every completed row of it says so
   * (`collectsGarbage: false`, written by the row's measurement, never inferred from a name).
   */
  readonly noCollector: boolean;
  /** Every completed row of it recorded a forced GC in its measured span. */
  readonly forcedGcFell: boolean;
}

export function contenderFacts(results: Results): ContenderFacts[] {
  return results.contenders.map((summary) => {
    const rows = results.rows.filter((row): row is CompletedRow => row.state === 'completed' && row.contender === summary.contender);
    const state = stateOf(summary);
    return {
      summary,
      state,
      comparable: state === 'ok',
      noCollector: rows.length > 0 && rows.every((row) => row.measurement.collectsGarbage === false),
      forcedGcFell: rows.length > 0 && rows.every((row) => row.measurement.forcedGcs.length > 0),
    };
  });
}

function stateOf(c: ContenderSummary): ContenderState {
  if (c.completed === 0) return 'failed';
  if (!c.integrityOk) return 'lost';
  if (c.saturated) return 'saturated';
  return 'ok';
}
