import { writeFileSync } from 'node:fs';
import { describeError } from '../errors.js';
import { readMicroConfig } from './child-config.js';
import { runMicro } from './micro-benchmark.js';

/** Entry of the child process that microbenchmarks one contender: `micro-child CONFIG OUT`. */
const [configPath, outPath] = process.argv.slice(2);
if (configPath === undefined || outPath === undefined) {
  process.stderr.write('usage: micro-child CONFIG.json OUT.json\n');
  process.exit(2);
}
try {
  const result = await runMicro(await readMicroConfig(configPath));
  writeFileSync(outPath, JSON.stringify({ state: 'completed', ...result }));
} catch (error) {
  writeFileSync(outPath, JSON.stringify({ state: 'failed', reason: describeError(error) }));
  process.exitCode = 1;
}
