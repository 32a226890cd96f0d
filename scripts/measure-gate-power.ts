/**
 * What does a gate catch, and how often does it cry wolf? Two steps, so that one set of runs can
 * judge several gate configs:
 *
 *   collect: runs a gate config's run over and over, one at a time, round-robin over kinds so a
 *   change of load touches every kind alike: unchanged code, and typed-array replaced by
 *   examples/planted/typed-array.mjs with a regression of a known size planted in it
 *   (READSTATE_PLANTED, read by that module). Each run's results go to DIR/NN-LABEL/.
 *
 *     node --import tsx scripts/measure-gate-power.ts collect --config gates/default.json --out DIR \
 *          --unchanged 21 --plant pause2x=pause=90ms/10000:10 --plant alloc2x=alloc=400:4 ...
 *
 *   judge: takes DIR's first unchanged run as the baseline, gates every other run against it with
 *   --config, and prints per check the false alarms (unchanged runs failed) and the detections
 *   per planted kind, with the median change each kind showed and the size the check saw (that
 *   over the unchanged runs' median change); then what gate --calibrate makes of the unchanged runs.
 *
 *     node --import tsx scripts/measure-gate-power.ts judge --config gates/default.json --dir DIR
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { calibrateGate, renderCalibrationMarkdown } from '../harness/gate/calibrate.js';
import { loadGateConfig } from '../harness/gate/config.js';
import { evaluateGate } from '../harness/gate/gate.js';
import { loadResults } from '../harness/results/results-file.js';
import type { Results } from '../harness/results/schema.js';

const PLANTED_MODULE = './examples/planted/typed-array.mjs';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    config: { type: 'string', default: 'gates/default.json' },
    out: { type: 'string' },
    dir: { type: 'string' },
    unchanged: { type: 'string', default: '21' },
    plant: { type: 'string', multiple: true, default: [] },
  },
});

if (positionals[0] === 'collect') collect();
else if (positionals[0] === 'judge') judge();
else {
  process.stderr.write('usage: measure-gate-power.ts (collect --out DIR [--unchanged N] [--plant LABEL=SPEC:N]... | judge --dir DIR) [--config FILE]\n');
  process.exit(2);
}

function collect(): void {
  const out = values.out ?? fail('collect needs --out DIR');
  const config = loadGateConfig(values.config);
  const kinds = [
    { label: 'unchanged', plant: '', left: Number(values.unchanged) },
    ...values.plant.map((text) => {
      const match = /^([\w.-]+)=(.+):(\d+)$/.exec(text) ?? fail(`--plant ${text}: expected LABEL=SPEC:RUNS, e.g. pause2x=pause=90ms/10000:10`);
      return { label: match[1]!, plant: match[2]!, left: Number(match[3]) };
    }),
  ];
  let index = existsSync(out) ? readdirSync(out).filter((name) => /^\d+-/.test(name)).length : 0;
  while (kinds.some((kind) => kind.left > 0)) {
    for (const kind of kinds.filter((k) => k.left > 0)) {
      kind.left--;
      index++;
      const dir = join(out, `${String(index).padStart(2, '0')}-${kind.label}`);
      const run = kind.plant === '' ? config.run : config.run.map((flag) => flag.replace(/(^|,)typed-array(?=,|$)/, `$1${PLANTED_MODULE}`));
      process.stdout.write(`${new Date().toISOString().slice(11, 19)} load ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')} ${dir}\n`);
      const ran = spawnSync(process.execPath, ['dist/harness/cli/main.js', 'run', ...run, '--quiet', '--out', dir], {
        env: { ...process.env, READSTATE_PLANTED: kind.plant },
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      if (ran.status !== 0) process.stdout.write(`  exit ${ran.status}\n`);
    }
  }
}

function judge(): void {
  const dir = values.dir ?? fail('judge needs --dir DIR');
  const config = loadGateConfig(values.config);
  const runs = readdirSync(dir)
    .filter((name) => /^\d+-/.test(name) && existsSync(join(dir, name, 'results.json')))
    .sort()
    .map((name) => ({ label: name.replace(/^\d+-/, ''), results: loadResults(join(dir, name, 'results.json')) as Results }));
  const baseline = runs.find((run) => run.label === 'unchanged') ?? fail(`${dir} holds no unchanged run`);
  const tally = new Map<string, { failed: number; runs: number; changes: number[]; widths: number[] }>();
  for (const run of runs.filter((r) => r !== baseline)) {
    const report = evaluateGate(config, run.results, baseline.results);
    const whole = tally.get(`(the whole gate)\t${run.label}`) ?? { failed: 0, runs: 0, changes: [0], widths: [0] };
    whole.runs++;
    if (report.failed) whole.failed++;
    tally.set(`(the whole gate)\t${run.label}`, whole);
    for (const row of report.rows.filter((r) => r.kind === 'check')) {
      const key = `${row.name}\t${run.label}`;
      const entry = tally.get(key) ?? { failed: 0, runs: 0, changes: [], widths: [] };
      entry.runs++;
      if (row.verdict === 'regression') entry.failed++;
      entry.changes.push(row.change);
      entry.widths.push(Math.max(Math.abs(row.interval[0] - row.change), Math.abs(row.interval[1] - row.change)));
      tally.set(key, entry);
    }
  }
  process.stdout.write(`baseline: ${baseline.label} (first run); ${runs.length - 1} runs gated with ${values.config}\n`);
  // A planted kind's size as the check saw it: its median change over the unchanged runs' median change.
  process.stdout.write('check\tkind\tfailed\tmedian change\tsize seen\tmedian interval half-width\n');
  const pct = (x: number): string => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(0)}%`;
  for (const [key, entry] of tally) {
    const unchanged = tally.get(`${key.split('\t')[0]}\tunchanged`);
    const seen = unchanged === undefined ? '-' : pct((1 + median(entry.changes)) / (1 + median(unchanged.changes)) - 1);
    process.stdout.write(`${key}\t${entry.failed} of ${entry.runs}\t${pct(median(entry.changes))}\t${seen}\t±${(median(entry.widths) * 100).toFixed(0)}%\n`);
  }
  // What gate --calibrate would print for these unchanged runs.
  const unchangedRuns = runs.filter((run) => run.label === 'unchanged').map((run) => run.results);
  if (unchangedRuns.length >= 2) process.stdout.write(`\n${renderCalibrationMarkdown(calibrateGate(config, unchangedRuns), unchangedRuns.length)}`);
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}
