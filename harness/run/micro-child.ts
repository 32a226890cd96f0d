import { readFileSync, writeFileSync } from 'node:fs';
import { describeError } from '../errors.js';
import { type MicroConfig, runMicro } from './micro-benchmark.js';

/** Entry of the child process that microbenchmarks one contender: `micro-child CONFIG OUT`. */
const [configPath, outPath] = process.argv.slice(2);
if (configPath === undefined || outPath === undefined) {
  process.stderr.write('usage: micro-child CONFIG.json OUT.json\n');
  process.exit(2);
}
try {
  // Written by the parent a moment before; a measuring child loads no schema library (docs/architecture.md).
  const result = await runMicro(JSON.parse(readFileSync(configPath, 'utf8')) as MicroConfig);
  writeFileSync(outPath, JSON.stringify({ state: 'completed', ...result }));
} catch (error) {
  writeFileSync(outPath, JSON.stringify({ state: 'failed', reason: describeError(error) }));
  process.exitCode = 1;
}
