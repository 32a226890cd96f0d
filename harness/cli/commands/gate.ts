import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseFlags } from '../options.js';
import { UsageError } from '../../errors.js';
import { loadGateConfig, type GateConfig } from '../../gate/config.js';
import { renderGateMarkdown } from '../../gate/markdown.js';
import { evaluateGate } from '../../gate/gate.js';
import { packageRoot } from '../../package-root.js';
import { loadResults } from '../../results/results-file.js';
import type { Results } from '../../results/schema.js';
import { runCommand } from './run.js';

export const DEFAULT_GATE_CONFIG = join(packageRoot, 'gates', 'default.json');

export const gateHelp = `readstate-lab gate: fail CI on a tail-latency regression, not on noise

Usage: readstate-lab gate [--baseline FILE] (--current FILE | --run) [--config FILE] [--markdown FILE]

  --baseline FILE  results.json recorded by 'readstate-lab baseline' (needed by checks)
  --current FILE   the run to judge (a results.json or its folder)
  --run            run the config's 'run' flags now and judge that
  --config FILE    checks and claims (default gates/default.json)
  --markdown FILE  also write the verdict table there, for a pull-request comment
  --out DIR        with --run: where the run's results and HTML report go

Exit codes: 0 nothing regressed, 1 a significant regression or a broken claim, 2 bad input
(missing or malformed files, another schema version or scenario).`;

export const baselineHelp = `readstate-lab baseline: record a baseline for 'readstate-lab gate'

Usage: readstate-lab baseline --out FILE [--config FILE]

Runs the gate config's 'run' flags (repetitions included) and saves the results.json as FILE,
for example reports/baselines/default.json, to commit.`;

/** Runs `readstate-lab run` with the config's flags into `out` (or a fresh folder); returns its results. */
async function runForGate(config: GateConfig, print: (line: string) => void, out = mkdtempSync(join(tmpdir(), 'readstate-lab-gate-'))): Promise<{ results: Results; file: string }> {
  const code = await runCommand([...config.run, '--out', out], print);
  if (code === 130) throw new UsageError('interrupted');
  const file = join(out, 'results.json');
  const results = loadResults(file);
  if (results.kind !== 'run') throw new UsageError(`${file} is not a run`);
  return { results, file };
}

function loadRun(path: string, which: string): Results {
  const results = loadResults(path);
  if (results.kind !== 'run') throw new UsageError(`the ${which} file ${path} holds ${results.kind} results, not a run`);
  return results;
}

export async function gateCommand(args: readonly string[], print: (line: string) => void): Promise<number> {
  const { values } = parseFlags(args, {
    baseline: { type: 'string' },
    current: { type: 'string' },
    run: { type: 'boolean', default: false },
    config: { type: 'string', default: DEFAULT_GATE_CONFIG },
    markdown: { type: 'string' },
    out: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  });
  if (values.help) {
    print(gateHelp);
    return 0;
  }
  if ((values.current === undefined) === !values.run) throw new UsageError('give either --current FILE or --run');
  const config = loadGateConfig(values.config);
  const baseline = values.baseline === undefined ? undefined : loadRun(values.baseline, 'baseline');
  if (config.checks.length > 0 && baseline === undefined) throw new UsageError('this gate config has checks, which need --baseline FILE');
  const current = values.run ? (await runForGate(config, print, values.out)).results : loadRun(values.current!, 'current');
  const report = evaluateGate(config, current, baseline);
  const markdown = renderGateMarkdown(report);
  print('');
  print(markdown);
  if (values.markdown !== undefined) writeFileSync(values.markdown, markdown);
  return report.failed ? 1 : 0;
}

export async function baselineCommand(args: readonly string[], print: (line: string) => void): Promise<number> {
  const { values } = parseFlags(args, {
    out: { type: 'string' },
    config: { type: 'string', default: DEFAULT_GATE_CONFIG },
    help: { type: 'boolean', short: 'h', default: false },
  });
  if (values.help) {
    print(baselineHelp);
    return 0;
  }
  if (values.out === undefined) throw new UsageError('baseline needs --out FILE');
  const config = loadGateConfig(values.config);
  const { file } = await runForGate(config, print);
  copyFileSync(file, values.out);
  print(`wrote baseline ${values.out}`);
  return 0;
}
