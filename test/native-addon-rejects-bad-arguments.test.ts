import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { it } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const addonPath = join(root, 'build', 'Release', 'readstate_native.node');
const fixture = join(root, 'test', 'support', 'native-bad-arguments.cjs');

/** Why the raw addon cannot be driven here, or undefined when it can. */
function addonUnavailable(): string | undefined {
  if (!existsSync(addonPath)) return `the addon is not built (${addonPath} is missing; run npm run build:native)`;
  try {
    createRequire(import.meta.url)(addonPath);
    return undefined;
  } catch (error) {
    return `the addon did not load: ${(error as Error).message.split('\n')[0]}`;
  }
}

/** Cases the fixture must run and see throw; a crash in any of them kills the child. */
const required = [
  'read after close',
  'ack after close',
  'mention after close',
  'insert after close',
  'drain after close',
  'dump after close',
  'capacity 0',
  'capacity -1',
  'capacity NaN',
  'capacity 1e18',
  'scratch of 1 byte',
  'scratch a Uint8Array of 40 bytes',
  'scratch a Float64Array of 4',
  'drain out too short for max',
  'dump out of 4 numbers',
  'read with 1 argument',
  'insert with 4 arguments',
  'read userId a string',
  'read userId 2^32',
  'ack messageId -1',
  'drain max -1',
  'close twice',
];

it('the raw native addon throws a JS error for every bad argument instead of crashing', (t) => {
  const unavailable = addonUnavailable();
  if (unavailable !== undefined) {
    t.skip(unavailable);
    return;
  }
  // In a child: an unguarded case is a SIGSEGV there, not the end of this test run.
  const child = spawnSync(process.execPath, ['--expose-gc', fixture, addonPath], { encoding: 'utf8', timeout: 60_000 });
  const output = `stdout:\n${child.stdout}\nstderr:\n${child.stderr}`;
  assert.equal(child.error, undefined, `the child did not run: ${child.error?.message}`);
  assert.equal(child.signal, null, `the child was killed by ${child.signal} (the last "ok" line is the case before the crash)\n${output}`);
  assert.equal(child.status, 0, `the child exited ${child.status}\n${output}`);
  const lines = child.stdout.split('\n');
  assert.deepEqual(
    lines.filter((line) => line.startsWith('FAIL')),
    [],
    output,
  );
  for (const name of required) {
    assert.ok(
      lines.some((line) => line.startsWith(`ok ${name}:`)),
      `no "ok ${name}:" line\n${output}`,
    );
  }
  assert.match(child.stdout, /^all \d+ cases passed$/m, output);
});
