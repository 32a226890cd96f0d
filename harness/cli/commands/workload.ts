import { UsageError } from '../../errors.js';
import { writeRequestLog } from '../../workload/request-log.js';
import { loadScenario } from '../../workload/scenario.js';
import { Workload } from '../../workload/workload.js';
import { parseFlags } from '../options.js';
import { checkOutputFile } from '../output-paths.js';
import { checkSomethingToSend } from '../prepare-run.js';
import { applyOverrides } from '../scenario-overrides.js';

export const workloadHelp = `readstate-lab workload: write a scenario's request log as NDJSON

Usage: readstate-lab workload --out FILE [--scenario NAME] [--duration S] [--rate N] [--seed N]

One JSON object per line, in the order requests are sent:
  {"type":"message","authorId":1,"channelId":2,"messageId":3,"mentions":[4,5]}
  {"type":"ack","userId":1,"channelId":2,"messageId":3}
  {"type":"open","userId":1,"channelId":2}
  {"type":"reconnect","userId":1,"channelIds":[2,3]}
The same scenario, seed, duration and rate always give the same file.
Replay it with: readstate-lab run --requests FILE`;

export async function workloadCommand(args: readonly string[], print: (line: string) => void): Promise<number> {
  const { values } = parseFlags(
    args,
    {
      scenario: { type: 'string', default: 'discord-2min' },
      duration: { type: 'string' },
      rate: { type: 'string' },
      seed: { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    false,
    'workload',
  );
  if (values.help) {
    print(workloadHelp);
    return 0;
  }
  if (values.out === undefined) throw new UsageError('workload needs --out FILE');
  const out = checkOutputFile('--out', values.out);
  const scenario = applyOverrides(loadScenario(values.scenario), values);
  checkSomethingToSend(scenario);
  const log = new Workload(scenario, scenario.seed).generateForScenario();
  await writeRequestLog(log, out, scenario);
  print(`wrote ${log.count.toLocaleString('en-US')} requests of ${scenario.name} (seed ${scenario.seed}) to ${values.out}`);
  return 0;
}
