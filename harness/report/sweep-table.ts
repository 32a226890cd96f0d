import type { SweepResults } from '../results/schema.js';
import { formatCount, formatMs } from './format.js';

export function sweepTable(results: SweepResults): [string[], string[][]] {
  const header = ['contender', 'capacity', 'B/entry', 'full GC', 'longest GC', 'p99', 'p99.9', 'max', 'rate/s'];
  const cells = results.points.map((p) =>
    p.state === 'failed'
      ? [p.contender, formatCount(p.capacity), '-', '-', '-', '-', '-', '-', `FAILED: ${p.reason}`]
      : [
          p.contender,
          formatCount(p.capacity),
          formatCount(p.bytesPerEntry!),
          formatMs(p.fullGcPauseMs!),
          formatMs(p.longestGcMs!),
          formatMs(p.p99Ms!),
          formatMs(p.p999Ms!),
          formatMs(p.maxMs!),
          `${formatCount(p.achievedRate!)}${p.saturated === true ? ' SATURATED' : ''}`,
        ],
  );
  return [header, cells];
}
