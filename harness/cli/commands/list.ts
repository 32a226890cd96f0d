import { allContenders } from '../../../implementations/registry.js';
import { renderTextTable } from '../../report/summary-table.js';
import { loadScenario, scenarioNames } from '../../workload/scenario.js';
import { parseFlags } from '../options.js';
import { colorsFor, paint } from '../terminal.js';

export const listHelp = `readstate-lab list: the contenders and scenarios this lab knows

Usage: readstate-lab list [-h]`;

export function listCommand(args: readonly string[], print: (line: string) => void): number {
  const { values } = parseFlags(args, { help: { type: 'boolean', short: 'h', default: false } }, false, 'list');
  if (values.help) {
    print(listHelp);
    return 0;
  }
  print('Contenders');
  const contenders = allContenders().map((c) => ({
    cells: [c.name, c.kind, c.unavailableReason() ?? 'yes', c.description],
    available: c.unavailableReason() === undefined,
  }));
  const colors = colorsFor(process.stdout);
  const [header, rule, ...lines] = renderTextTable(
    ['name', 'kind', 'available', 'what it is'],
    contenders.map((c) => c.cells),
  ).split('\n');
  // On a terminal: the header in bold, a contender this machine cannot run in yellow.
  print([paint('bold', header!, colors), rule, ...lines.map((line, i) => (contenders[i]!.available ? line : paint('yellow', line, colors)))].join('\n'));
  print('');
  print('Scenarios');
  print(
    renderTextTable(
      ['name', 'capacity', 'rate/s', 'seconds', 'forced GC', 'what it is'],
      scenarioNames().map((name) => {
        const s = loadScenario(name);
        const gc = s.forcedGc === null ? 'none' : `${s.forcedGc.mode} every ${s.forcedGc.intervalSeconds / s.timeScale} s`;
        return [name, s.capacity.toLocaleString('en-US'), s.rate.toLocaleString('en-US'), String(s.durationSeconds), gc, s.description];
      }),
    ),
  );
  return 0;
}
