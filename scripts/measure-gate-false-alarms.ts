/**
 * How often does the gate cry wolf? Runs a gate config's run N times on unchanged code, takes
 * the first as the baseline and gates every other run against it, then prints how many checks
 * failed out of how many were made. Every failure here is a false alarm.
 *
 *   node --import tsx scripts/measure-gate-false-alarms.ts [--config gates/default.json] [--runs 5]
 *        [--save-baseline reports/baselines/default.json]
 *
 * --save-baseline keeps the first run as a baseline file, as `readstate-lab baseline` would.
 */
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runCommand } from '../harness/cli/commands/run.js';
import { loadGateConfig } from '../harness/gate/config.js';
import { evaluateGate } from '../harness/gate/gate.js';
import { loadResults } from '../harness/results/results-file.js';
import type { Results } from '../harness/results/schema.js';

const { values } = parseArgs({
  options: {
    config: { type: 'string', default: 'gates/default.json' },
    runs: { type: 'string', default: '5' },
    'save-baseline': { type: 'string' },
  },
});
const config = loadGateConfig(values.config);
const runs = Number(values.runs);
const quiet = (): void => {};
const results: Results[] = [];
for (let i = 0; i < runs; i++) {
  const out = mkdtempSync(join(tmpdir(), 'readstate-lab-false-alarms-'));
  process.stdout.write(`run ${i + 1} of ${runs}\n`);
  await runCommand([...config.run, '--out', out], quiet);
  results.push(loadResults(join(out, 'results.json')) as Results);
  if (i === 0 && values['save-baseline'] !== undefined) copyFileSync(join(out, 'results.json'), values['save-baseline']);
}
let checks = 0;
let alarms = 0;
for (const current of results.slice(1)) {
  const report = evaluateGate(config, current, results[0]);
  for (const row of report.rows.filter((r) => r.kind === 'check')) {
    checks++;
    if (row.verdict === 'regression') {
      alarms++;
      process.stdout.write(`false alarm: ${row.name}, change ${(row.change * 100).toFixed(1)}%, p ${row.pValue.toFixed(4)}\n`);
    }
  }
}
process.stdout.write(`${alarms} false alarms in ${checks} checks (${runs - 1} comparisons of unchanged code, ${values.config})\n`);
