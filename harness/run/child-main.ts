import { writeFileSync } from 'node:fs';
import { describeError } from '../errors.js';
import { readRowConfig } from './child-config.js';
import type { RowProgress } from './row-progress.js';
import { runOne } from './run-one.js';

/**
 * Entry of the child process that measures one row: `node --expose-gc child-main.js CONFIG OUT`.
 * It reads its RowConfig from CONFIG, reports progress over IPC when it has a parent, and writes
 * `{ state: 'completed', measurement }` or `{ state: 'failed', reason }` to OUT.
 */
const [configPath, outPath] = process.argv.slice(2);
if (configPath === undefined || outPath === undefined) {
  process.stderr.write('usage: child-main CONFIG.json OUT.json\n');
  process.exit(2);
}
const progress = (message: string, figures?: RowProgress): void => {
  if (process.send !== undefined) process.send({ kind: 'progress', message, ...figures });
};
try {
  const config = await readRowConfig(configPath);
  // A bench row's module (and execa) is loaded only in a bench row's child: in any other, it would
  // sit on the measured heap, marked by every forced GC.
  const measurement =
    config.benchExecutable === undefined
      ? await runOne(config, progress)
      : await (await import('./bench-row.js')).runBenchRow(config, config.benchExecutable, progress);
  writeFileSync(outPath, JSON.stringify({ state: 'completed', measurement }));
  process.exit(0);
} catch (error) {
  writeFileSync(outPath, JSON.stringify({ state: 'failed', reason: describeError(error) }));
  process.exit(1);
}
