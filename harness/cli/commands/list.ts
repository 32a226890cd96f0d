import { allContenders } from '../../../implementations/registry.js';
import { UsageError } from '../../errors.js';
import { renderTextTable } from '../../report/summary-table.js';
import type { Scenario } from '../../results/scenario-schema.js';
import { loadScenario, scenarioNames } from '../../workload/scenario.js';
import { parseFlags } from '../options.js';
import { colorsFor, paint, terminalWidth, truncate } from '../terminal.js';

export const listHelp = `readstate-lab list: the contenders and scenarios this lab knows

Usage: readstate-lab list [NAME] [--wide] [-h]

  NAME     one contender or scenario, every field in full
  --wide   descriptions in full; otherwise each table fits the terminal (or $COLUMNS, or 80)
           and a description too long for it ends in "…"`;

export function listCommand(args: readonly string[], print: (line: string) => void): number {
  const { values, positionals } = parseFlags(
    args,
    { wide: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } },
    true,
    'list',
  );
  if (values.help) {
    print(listHelp);
    return 0;
  }
  if (positionals.length > 1) throw new UsageError(`list takes at most one NAME, got ${positionals.length}`);
  if (positionals[0] !== undefined) {
    print(describeOne(positionals[0]));
    return 0;
  }
  const width = values.wide ? Number.POSITIVE_INFINITY : terminalWidth(process.stdout);
  print('Contenders');
  const contenders = allContenders().map((c) => ({
    cells: [c.name, c.kind, c.unavailableReason() ?? 'yes', c.description],
    available: c.unavailableReason() === undefined,
  }));
  const colors = colorsFor(process.stdout);
  const [header, rule, ...lines] = fittedTable(
    ['name', 'kind', 'available', 'what it is'],
    contenders.map((c) => c.cells),
    width,
  ).split('\n');
  // On a terminal: the header in bold, a contender this machine cannot run in yellow.
  print([paint('bold', header!, colors), rule, ...lines.map((line, i) => (contenders[i]!.available ? line : paint('yellow', line, colors)))].join('\n'));
  print('');
  print('Scenarios');
  print(
    fittedTable(
      ['name', 'capacity', 'rate/s', 'seconds', 'forced GC', 'what it is'],
      scenarioNames().map((name) => {
        const s = loadScenario(name);
        return [name, s.capacity.toLocaleString('en-US'), s.rate.toLocaleString('en-US'), String(s.durationSeconds), forcedGcOf(s), s.description];
      }),
      width,
    ),
  );
  if (width !== Number.POSITIVE_INFINITY) print(`\n(list NAME for one in full, --wide for every description)`);
  return 0;
}

function forcedGcOf(scenario: Scenario): string {
  return scenario.forcedGc === null ? 'none' : `${scenario.forcedGc.mode} every ${scenario.forcedGc.intervalSeconds / scenario.timeScale} s`;
}

/**
 * The table with its last column (the description) cut so that every line fits `width`; the
 * other columns are short names and figures and stay whole.
 */
function fittedTable(header: readonly string[], cells: readonly string[][], width: number): string {
  const last = header.length - 1;
  const before = header.slice(0, last).map((title, i) => Math.max(title.length, ...cells.map((row) => (row[i] ?? '').length)));
  // Two spaces between columns (renderTextTable's); a description keeps at least 12 characters.
  const room = Math.max(12, width - before.reduce((sum, w) => sum + w + 2, 0));
  return renderTextTable(
    header,
    cells.map((row) => row.map((cell, i) => (i === last ? truncate(cell, room) : cell))),
  );
}

/** Every field of one contender or scenario, for `list NAME`. */
function describeOne(name: string): string {
  const contender = allContenders().find((c) => c.name === name);
  if (contender !== undefined) {
    return [`${contender.name} (${contender.kind})`, `  available: ${contender.unavailableReason() ?? 'yes'}`, `  ${contender.description}`].join('\n');
  }
  if (scenarioNames().includes(name)) {
    const s = loadScenario(name);
    return [
      `${s.name} (scenario)`,
      `  ${s.capacity.toLocaleString('en-US')} cached states, ${s.rate.toLocaleString('en-US')} requests/s for ${s.durationSeconds} s, forced GC: ${forcedGcOf(s)}`,
      `  ${s.description}`,
    ].join('\n');
  }
  const known = [...allContenders().map((c) => c.name), ...scenarioNames()];
  throw new UsageError(`no contender or scenario is called "${name}"; known: ${known.join(', ')}`);
}
