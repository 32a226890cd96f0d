import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { execa } from 'execa';
import { parseFlags } from '../options.js';
import { UsageError } from '../../errors.js';
import { writeHtmlReport } from '../../report/write-report.js';
import { loadResults, mergeRuns, resolveResultsPath } from '../../results/results-file.js';
import { type Results, type AnyResults } from '../../results/schema.js';
import { writeResultFiles } from '../run-directory.js';

export const reportHelp = `readstate-lab report: render results as an HTML report, or merge runs into one

Usage: readstate-lab report DIR|results.json... [--out DIR] [--open]

  DIR|FILE   a run folder (reports/<run-id>/) or its results.json, micro.json or sweep.json;
             several run results of one scenario merge into one comparison
  --out DIR  where index.html goes (default: beside the first input; with several inputs,
             also writes the merged results.json there)
  --open     open the report in the desktop's browser (xdg-open or open)`;

export async function reportCommand(args: readonly string[], print: (line: string) => void): Promise<number> {
  const { values, positionals } = parseFlags(
    args,
    { out: { type: 'string' }, open: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } },
    true,
  );
  if (values.help) {
    print(reportHelp);
    return 0;
  }
  if (positionals.length === 0) throw new UsageError('report needs at least one run folder or results file');
  const loaded = positionals.map(loadResults);
  let results: AnyResults;
  if (loaded.length === 1) {
    results = loaded[0]!;
  } else {
    if (!loaded.every((r): r is Results => r.kind === 'run')) throw new UsageError('only run results merge; micro and sweep results render one at a time');
    results = mergeRuns(loaded);
  }
  const dir = values.out === undefined ? dirname(resolveResultsPath(positionals[0]!)) : resolve(values.out);
  mkdirSync(dir, { recursive: true });
  if (loaded.length > 1 && results.kind === 'run') print(`wrote ${writeResultFiles(dir, results).json}`);
  const html = writeHtmlReport(dir, results);
  print(`wrote ${html}`);
  if (values.open) await openInBrowser(html, print);
  return 0;
}

async function openInBrowser(path: string, print: (line: string) => void): Promise<void> {
  const opener = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  const hasDesktop = process.platform !== 'linux' || process.env['DISPLAY'] !== undefined || process.env['WAYLAND_DISPLAY'] !== undefined;
  if (!hasDesktop) {
    print('--open: no desktop here (no DISPLAY); open the file above in a browser');
    return;
  }
  const result = await execa(opener, [path], { reject: false, detached: true, stdio: 'ignore' });
  if (result.failed) print(`--open: could not run ${opener}; open the file above in a browser`);
}
