import { UsageError } from '../../errors.js';
import { writeRequestLog } from '../../workload/request-log.js';
import { loadScenario } from '../../workload/scenario.js';
import { Workload } from '../../workload/workload.js';
import { CommandFlags } from '../flags.js';
import { checkOutputFile } from '../output-paths.js';
import { checkSomethingToSend } from '../prepare-run.js';
import { applyOverrides } from '../scenario-overrides.js';

const workloadFlags = new CommandFlags(['out', 'scenario', 'duration', 'rate', 'seed', 'help'], {
  out: { value: 'FILE', help: 'the NDJSON file to write (required)', defaultHelp: '' },
  scenario: { default: 'discord-2min' },
  duration: { help: 'seconds of requests' },
  rate: { help: 'requests per second' },
});

export const workloadHelp = `readstate-lab workload: write a scenario's request log as NDJSON

Usage: readstate-lab workload --out FILE [--scenario NAME] [--duration S] [--rate N] [--seed N]

${workloadFlags.help()}

One JSON object per line, in the order requests are sent:
  {"type":"message","authorId":1,"channelId":2,"messageId":3,"mentions":[4,5]}
  {"type":"ack","userId":1,"channelId":2,"messageId":3}
  {"type":"open","userId":1,"channelId":2}
  {"type":"reconnect","userId":1,"channelIds":[2,3]}
The same scenario, seed, duration and rate always give the same file.
Replay it with: readstate-lab run --requests FILE`;

export async function workloadCommand(args: readonly string[], print: (line: string) => void): Promise<number> {
  const values = workloadFlags.parse(args, 'workload');
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
