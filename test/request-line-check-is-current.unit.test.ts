import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { it } from 'node:test';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { RequestLine } from '../harness/results/schemas/request-line.js';
import { isRequestLine } from '../harness/results/schemas/request-line-check.generated.js';
import { REQUEST_LINE_CHECK_PATH, requestLineCheckSource } from '../harness/results/schemas/request-line-check-source.js';
import { requestAt } from '../harness/workload/request-log.js';
import { Workload } from '../harness/workload/workload.js';
import { smallScenario } from './support/small-scenario.js';

it('the committed request-line check is the one generated from the RequestLine schema (npm run schema writes it)', () => {
  assert.equal(readFileSync(REQUEST_LINE_CHECK_PATH, 'utf8'), requestLineCheckSource(), 'run npm run schema and commit the file');
});

it('the generated check imports nothing, so a measuring child that loads it loads no schema library', () => {
  assert.doesNotMatch(readFileSync(REQUEST_LINE_CHECK_PATH, 'utf8'), /\bimport\b|\brequire\(/);
});

it('the generated check and the schema compiled by TypeBox agree, on real requests and on broken ones', () => {
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
