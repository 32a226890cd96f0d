import { dirname } from 'node:path';
import { execa } from 'execa';
import { UsageError } from '../../errors.js';
import { writeResultFiles } from '../../experiment/output.js';
import { forcedGcNotes } from '../../report/run-notes.js';
import { writeHtmlReport } from '../../report/write-report.js';
import { loadResults, mergeRuns, resolveResultsPath } from '../../results/results-file.js';
import type { AnyResults, Results } from '../../results/schema.js';
import { parseFlags } from '../options.js';
import { checkOutputFolder, createFolder } from '../output-paths.js';

export const reportHelp = `readstate-lab report: render results as an HTML report, or merge runs into one

Usage: readstate-lab report DIR|results.json... [--out DIR] [--allow-different] [--open]

  DIR|FILE           a run folder (reports/<run-id>/) or its results.json, micro.json or
                     sweep.json; several runs merge into one comparison when their settings
                     match (scenario and every field of it, store, loop, kind of run, request
                     log, node flags, lab version); otherwise this names the first that differs
  --allow-different  merge runs whose settings differ anyway, each run's rows a group of its
                     own ("naive-map [run-2]"), with each run's settings listed
  --out DIR          where index.html goes (default: beside the first input; with several
                     inputs, also writes the merged results.json and summary.md there)
  --open             open the report in the desktop's browser (xdg-open or open)`;

/** How many rows (or sweep points) a results file holds. */
function rowCount(results: AnyResults): number {
  return results.kind === 'sweep' ? results.points.length : results.rows.length;
}

export async function reportCommand(args: readonly string[], print: (line: string) => void): Promise<number> {
  const { values, positionals } = parseFlags(
    args,
    {
      out: { type: 'string' },
      'allow-different': { type: 'boolean', default: false },
      open: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    true,
    'report',
  );
  if (values.help) {
    print(reportHelp);
    return 0;
  }
  if (positionals.length === 0) throw new UsageError('report needs at least one run folder or results file');
  const out = checkOutputFolder('--out', values.out);
  const loaded = positionals.map((path) => ({ name: path, results: loadResults(path) }));
  for (const { name, results } of loaded) {
    if (rowCount(results) === 0) throw new UsageError(`${name} holds no rows: nothing to report`);
  }
  let results: AnyResults;
  if (loaded.length === 1) {
    results = loaded[0]!.results;
  } else {
    const runs = loaded.filter((run): run is { name: string; results: Results } => run.results.kind === 'run');
    if (runs.length < loaded.length) throw new UsageError('only run results merge; micro and sweep results render one at a time');
    results = mergeRuns(runs, { allowDifferent: values['allow-different'] });
  }
  const dir = createFolder(out ?? dirname(resolveResultsPath(positionals[0]!)));
  // Merged runs get their results.json and summary.md too; writing them writes the page as well.
  let html: string;
  if (loaded.length > 1 && results.kind === 'run') {
    const files = writeResultFiles(dir, results);
    print(`wrote ${files.json}`);
    html = files.html;
  } else {
    html = writeHtmlReport(dir, results);
  }
  if (results.kind === 'run') for (const note of forcedGcNotes(results)) print(note);
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
