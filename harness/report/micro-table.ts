import type { MicroResults } from '../results/schema.js';
import { formatCount, formatMs } from './format.js';

/** One row per (contender, task): ops/s, mean and p99 ns per operation; then the full GC. */
export function microTable(results: MicroResults): [string[], string[][]] {
  const header = ['contender', 'task', 'ops/s', 'mean ns/op', 'p99 ns/op'];
  const cells = results.rows.flatMap((row) =>
    row.state === 'failed'
      ? [[row.contender, '-', '-', '-', `FAILED: ${row.reason}`]]
      : [
          ...row.tasks.map((t) => [row.contender, t.task, formatCount(t.opsPerSecond), t.meanNsPerOp.toFixed(1), t.p99NsPerOp.toFixed(1)]),
          [row.contender, `full GC, ${formatCount(results.settings.capacity)} cached (median of 5)`, '-', formatMs(row.fullGcMs), '-'],
        ],
  );
  return [header, cells];
}
