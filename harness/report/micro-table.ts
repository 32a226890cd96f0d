import type { MicroResults } from '../results/schema.js';
import { formatCount } from './format.js';

/**
 * One row per (contender, task): ops/s, mean and p99 ns per operation; then the full GC, whose
 * pause has a column of its own in ms. A column holds one unit: a pause in the ns/op column
 * would read as "22.5 ms per operation".
 */
export function microTable(results: MicroResults): [string[], string[][]] {
  const header = ['contender', 'task', 'ops/s', 'mean ns/op', 'p99 ns/op', 'full GC ms'];
  const cells = results.rows.flatMap((row) =>
    row.state === 'failed'
      ? [[row.contender, '-', '-', '-', '-', `FAILED: ${row.reason}`]]
      : [
          ...row.tasks.map((t) => [row.contender, t.task, formatCount(t.opsPerSecond), t.meanNsPerOp.toFixed(1), t.p99NsPerOp.toFixed(1), '-']),
          [row.contender, `full GC, ${formatCount(results.settings.capacity)} cached (median of 5)`, '-', '-', '-', fullGcMs(row.fullGcMs)],
        ],
  );
  return [header, cells];
}

/** Milliseconds with three significant digits and no unit: the column's header names it. */
function fullGcMs(ms: number): string {
  if (!Number.isFinite(ms)) return '-';
  return ms >= 100 ? formatCount(ms) : String(Number(ms.toPrecision(3)));
}
