import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { UsageError } from '../harness/errors.js';
import { REQUEST_TYPES } from '../harness/results/scenario-schema.js';
import { readRequestLog, requestAt, writeRequestLog } from '../harness/workload/request-log.js';
import { FIRST_MESSAGE_ID, Workload } from '../harness/workload/workload.js';
import { smallScenario } from './support/small-scenario.js';

const scenario = smallScenario();

it('gives the same request log for the same seed, and another for another seed', () => {
  const a = new Workload(scenario, 7).generate(5000, 1000, 7);
  const b = new Workload(scenario, 7).generate(5000, 1000, 7);
  const c = new Workload(scenario, 8).generate(5000, 1000, 8);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a.userId, c.userId);
});

it('mixes every request type in about the scenario proportions', () => {
  const log = new Workload(scenario, 1).generate(20_000, 1000, 1);
  const total = REQUEST_TYPES.reduce((sum, type) => sum + scenario.mix[type], 0);
  REQUEST_TYPES.forEach((type, t) => {
    const share = log.type.filter((x) => x === t).length / log.count;
    assert.ok(Math.abs(share - scenario.mix[type] / total) < 0.02, `${type}: ${share}`);
  });
});

it('skews traffic: the busiest tenth of users sends most requests', () => {
  const log = new Workload(scenario, 1).generate(20_000, 1000, 1);
  const perUser = new Map<number, number>();
  for (const user of log.userId) perUser.set(user, (perUser.get(user) ?? 0) + 1);
  const counts = [...perUser.values()].sort((x, y) => y - x);
  const top = counts.slice(0, Math.ceil(scenario.population.users / 10)).reduce((s, n) => s + n, 0);
  assert.ok(top / log.count > 0.5, `top tenth sent ${top / log.count}`);
});

it('uses message ids above 2^50 that only grow, and acks only ids already sent', () => {
  const log = new Workload(scenario, 3).generate(5000, 1000, 3);
  let newest = 0;
  for (let i = 0; i < log.count; i++) {
    const request = requestAt(log, i);
    if (request.type === 'message') {
      assert.ok(request.messageId > newest && request.messageId >= FIRST_MESSAGE_ID);
      newest = request.messageId;
    } else if (request.type === 'ack') {
      assert.ok(request.messageId <= Math.max(newest, FIRST_MESSAGE_ID - 1));
    }
  }
});

it('round-trips a log through NDJSON', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rsl-log-'));
  const log = new Workload(scenario, 5).generate(3000, 1000, 5);
  await writeRequestLog(log, join(dir, 'log.ndjson'));
  assert.deepEqual(await readRequestLog(join(dir, 'log.ndjson')), log);
});

it('names the line of a malformed request', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rsl-log-'));
  const path = join(dir, 'bad.ndjson');
  const cases: Array<[string, RegExp]> = [
    ['{"type":"open","userId":1,"channelId":2}\n{"type":"open","userId":-1,"channelId":2}\n', /bad\.ndjson:2: "userId"/],
    ['{"type":"ack","userId":1,"channelId":2,"messageId":9007199254740993}\n', /:1: "messageId"/],
    ['{"type":"shout","userId":1}\n', /:1: "type" must be one of/],
    ['{"type":"message","authorId":1,"channelId":2,"messageId":3,"mentions":[1,"x"]}\n', /:1\.mentions\[1\] must be an integer/],
    ['{"type":"reconnect","userId":1}\n', /:1: missing field "channelIds"/],
    ['[1]\n', /:1 must be a JSON object/],
    ['not json\n', /:1: not valid JSON/],
    ['\n', /holds no requests/],
  ];
  for (const [text, message] of cases) {
    writeFileSync(path, text);
    await assert.rejects(readRequestLog(path), (error: Error) => error instanceof UsageError && message.test(error.message));
  }
  await assert.rejects(readRequestLog(join(dir, 'missing.ndjson')), UsageError);
});
