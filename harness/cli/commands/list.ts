import { allContenders } from '../../../implementations/registry.js';
import { renderTextTable } from '../../report/summary-table.js';
import { loadScenario, scenarioNames } from '../../workload/scenario.js';
import { parseFlags } from '../options.js';

export const listHelp = `readstate-lab list: the contenders and scenarios this lab knows

Usage: readstate-lab list [-h]`;

export function listCommand(args: readonly string[], print: (line: string) => void): number {
  const { values } = parseFlags(args, { help: { type: 'boolean', short: 'h', default: false } }, false, 'list');
  if (values.help) {
    print(listHelp);
    return 0;
  }
  print('Contenders');
  print(
    renderTextTable(
      ['name', 'kind', 'available', 'what it is'],
      allContenders().map((c) => [c.name, c.kind, c.unavailableReason() ?? 'yes', c.description]),
    ),
  );
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
