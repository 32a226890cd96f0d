import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { it } from 'node:test';
import { PUBLISHED_SCHEMA_PATH, resultsJsonSchema } from '../harness/results/schemas/published.js';
import { publishedSchemaValidator } from './support/published-schema.js';

it('the committed schemas/results.schema.json is the schema the lab checks files with (npm run schema writes it)', () => {
  assert.equal(readFileSync(PUBLISHED_SCHEMA_PATH, 'utf8'), resultsJsonSchema(), 'run npm run schema and commit the file');
});

it('an independent validator (ajv) accepts the committed baseline and refuses a broken copy, naming the field', () => {
  const validate = publishedSchemaValidator();
  const baseline = JSON.parse(readFileSync('reports/baselines/default.json', 'utf8'));
  assert.equal(validate(baseline), true, JSON.stringify(validate.errors?.slice(0, 3)));
  baseline.rows[0].measurement.windows[0].rssBytes = 'a lot';
  assert.equal(validate(baseline), false);
  assert.match(JSON.stringify(validate.errors), /\/rows\/0\/measurement\/windows\/0\/rssBytes/);
});
