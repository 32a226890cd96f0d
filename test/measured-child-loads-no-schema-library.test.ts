import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { execa } from 'execa';
import { distFile } from './support/dist.js';

const runOne = distFile('harness/run/run-one.ts');
const requestLog = distFile('harness/workload/request-log.ts');
const childConfig = distFile('harness/run/child-config.ts');

/** A module resolution hook that names every TypeBox module loaded: ESM packages do not show in require.cache. */
const hook = `export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  if (result.url.includes('typebox')) process.stderr.write('TYPEBOX ' + result.url + '\\n');
  return result;
}`;

/**
 * Loading TypeBox and compiling a schema adds about 2 MB to a heap every forced GC marks, so a
 * row's process checks request-log lines with the generated check and loads the schema library
 * only to describe a line that ends the run.
 */
it("a row's modules, its config reader and a replayed request log load no schema library; a bad line loads it to name the field", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rsl-schema-off-heap-'));
  const good = join(dir, 'good.ndjson');
  const bad = join(dir, 'bad.ndjson');
  const lines = ['{"type":"message","authorId":1,"channelId":2,"messageId":3,"mentions":[4]}', '{"type":"ack","userId":1,"channelId":2,"messageId":3}'];
  writeFileSync(
    good,
    `${['{"header":{"scenario":{}}}', ...lines, '{"type":"open","userId":1,"channelId":2}', '{"type":"reconnect","userId":1,"channelIds":[2]}'].join('\n')}\n`,
  );
  writeFileSync(bad, `${[...lines, '{"type":"open","userId":-1,"channelId":2}'].join('\n')}\n`);
  const probe = (path: string) => `
    import { register } from 'node:module';
    register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hook)}`)});
    await import(${JSON.stringify(runOne)});
    await import(${JSON.stringify(childConfig)});
    const { readRequestLog } = await import(${JSON.stringify(requestLog)});
    try {
      console.log('read ' + (await readRequestLog(${JSON.stringify(path)}, { header: 'skip' })).count);
    } catch (error) {
      console.log('refused: ' + error.message);
    }
  `;
  const read = await execa(process.execPath, ['--input-type=module', '-e', probe(good)], { reject: false, stdin: 'ignore' });
  assert.equal(read.exitCode, 0, read.stderr);
  assert.equal(read.stdout.trim(), 'read 4');
  assert.doesNotMatch(read.stderr, /TYPEBOX/, 'TypeBox was loaded by a row reading a valid request log');
  const refused = await execa(process.execPath, ['--input-type=module', '-e', probe(bad)], { reject: false, stdin: 'ignore' });
  assert.match(refused.stdout, /refused: .*bad\.ndjson:3: "userId" must be a number from 0 to 4294967295, got -1/);
  assert.match(refused.stderr, /TYPEBOX/);
});
