import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { execa } from 'execa';
import type { Results } from '../harness/results/schema.js';
import { cliArgs, smallScenarioFile, tempDir } from './support/cli.js';

it('Ctrl-C during a run ends the current row and keeps the rows that finished', async () => {
  const dir = tempDir('rsl-interrupt-');
  const out = join(dir, 'out');
  const run = execa(
    process.execPath,
    cliArgs([
      'run',
      '--scenario',
      smallScenarioFile(dir, { durationSeconds: 20 }),
      '--impl',
      'typed-array,naive-map',
      '--duration',
      '1',
      '--repeat',
      '3',
      '--out',
      out,
    ]),
    { reject: false, all: true, stdin: 'ignore' },
  );
  let output = '';
  await new Promise<void>((resolve) => {
    run.all!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      // Once the second row has started, the first has finished.
      if (output.includes('[2/6]')) resolve();
    });
    void run.then(() => resolve());
  });
  run.kill('SIGINT');
  const result = await run;
  assert.equal(result.exitCode, 130, result.all);
  const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as Results;
  assert.ok(results.rows.length >= 1 && results.rows.length < 6, `${results.rows.length} rows`);
  assert.equal(results.rows[0]?.state, 'completed');
  assert.match(result.all ?? '', /finished rows are kept/);
});
