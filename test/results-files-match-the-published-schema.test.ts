import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCli, smallScenarioFile, tempDir } from './support/cli.js';
import { publishedSchemaValidator } from './support/published-schema.js';

/** Real results files, written by short real runs, read by a validator that is not the lab's. */
describe('results files match the published schema (schemas/results.schema.json)', () => {
  const validate = publishedSchemaValidator();
  const expectValid = (path: string): void => {
    const results = JSON.parse(readFileSync(path, 'utf8'));
    assert.equal(validate(results), true, `${path}: ${JSON.stringify(validate.errors?.slice(0, 3))}`);
  };

  it('a run --duration 2 of two contenders', async () => {
    const dir = tempDir('rsl-schema-');
    const out = join(dir, 'out');
    const { exitCode, stderr } = await runCli([
      'run',
      '--scenario',
      smallScenarioFile(dir),
      '--impl',
      'naive-map,typed-array',
      '--duration',
      '2',
      '--out',
      out,
    ]);
    assert.equal(exitCode, 0, stderr);
    expectValid(join(out, 'results.json'));
  });

  it('a load --duration 2 of one service', async () => {
    const out = join(tempDir('rsl-schema-'), 'out');
    const { exitCode, stderr } = await runCli(['load', '--impl', 'naive-map', '--duration', '2', '--rate', '500', '--capacity', '2000', '--out', out]);
    assert.equal(exitCode, 0, stderr);
    expectValid(join(out, 'results.json'));
  });
});
