import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { it } from 'node:test';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { isMicroConfigFile, isRequestLine, isRowConfigFile } from '../harness/results/schemas/checks.generated.js';
import { GENERATED_CHECKS_PATH, generatedChecksSource } from '../harness/results/schemas/generated-checks-source.js';
import { RequestLine } from '../harness/results/schemas/request-line.js';
import { requestAt } from '../harness/workload/request-log.js';
import { Workload } from '../harness/workload/workload.js';
import { smallScenario } from './support/small-scenario.js';

it('the committed generated checks are the ones generated from the schemas (npm run schema writes them)', () => {
  assert.equal(readFileSync(GENERATED_CHECKS_PATH, 'utf8'), generatedChecksSource(), 'run npm run schema and commit the file');
});

it('the generated checks import nothing, so a measuring child that loads them loads no schema library', () => {
  assert.doesNotMatch(readFileSync(GENERATED_CHECKS_PATH, 'utf8'), /^\s*import\b|\brequire\(/m);
});

it('the generated request-line check and the schema compiled by TypeBox agree, on real requests and on broken ones', () => {
  const compiled = TypeCompiler.Compile(RequestLine);
  const log = new Workload(smallScenario(), 7).generate(2000, 1000, 7);
  const broken: unknown[] = [null, 7, 'open', [], {}, { type: 'shout', userId: 1, channelId: 2 }];
  for (let i = 0; i < log.count; i++) {
    const request: Record<string, unknown> = { ...requestAt(log, i) };
    assert.equal(isRequestLine(request), true, JSON.stringify(request));
    assert.equal(compiled.Check(request), true);
    for (const key of Object.keys(request)) {
      if (key === 'type') continue;
      broken.push({ ...request, [key]: -1 }, { ...request, [key]: 1.5 }, { ...request, [key]: 'x' }, { ...request, [key]: undefined });
    }
    if (i < 50) broken.push({ ...request, extra: true });
  }
  for (const value of broken) assert.equal(isRequestLine(value), compiled.Check(value), JSON.stringify(value));
  assert.ok(broken.some((value) => !isRequestLine(value)));
});

it('a row config and a micro config pass their checks as JSON carries them, and fail with a field wrong', () => {
  const row = JSON.parse(
    JSON.stringify({
      contender: 'typed-array',
      scenario: smallScenario(),
      repetition: 0,
      requestsFile: undefined,
      closedLoop: false,
      store: 'memory',
      dumpStatePath: undefined,
    }),
  );
  assert.equal(isRowConfigFile(row), true);
  assert.equal(isRowConfigFile({ ...row, store: 'tape' }), false);
  assert.equal(isRowConfigFile({ ...row, scenario: { ...row.scenario, rate: -1 } }), false);
  assert.equal(
    isRowConfigFile({ ...row, cassandra: { contactPoints: ['127.0.0.1'], localDataCenter: 'dc1', keyspace: 'k', table: 't', consistency: 'one' } }),
    true,
  );
  const micro = { contender: 'naive-map', capacity: 1000, timeMs: 100, seed: 1 };
  assert.equal(isMicroConfigFile(micro), true);
  assert.equal(isMicroConfigFile({ ...micro, capacity: 0.5 }), false);
});
