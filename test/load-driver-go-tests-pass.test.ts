import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { LOAD_DRIVER_TEST_ENV } from './support/reference-test-env.js';

const folder = join(dirname(fileURLToPath(import.meta.url)), '..', 'references', 'load-driver');

/** The Go that builds the compiled driver (as scripts/build-references.mjs finds it), or undefined. */
function findGo(): string | undefined {
  return ['/usr/local/go/bin/go', 'go'].find((go) => spawnSync(go, ['env', 'GOVERSION'], { encoding: 'utf8' }).status === 0);
}

// The compiled load driver's own Go tests (request file, schedule, records, HTTP parsing, and
// end to end against a null server and a stalling one), so CI runs them with the Node suites.
it('the compiled load driver passes its Go tests', (t) => {
  const go = findGo();
  if (go === undefined) return t.skip('no Go toolchain (/usr/local/go/bin/go or go on PATH)');
  const result = spawnSync(go, ['test', '-count=1', './...'], {
    cwd: folder,
    encoding: 'utf8',
    env: { ...process.env, ...LOAD_DRIVER_TEST_ENV },
    timeout: 5 * 60_000,
  });
  assert.equal(result.status, 0, `go test ./... in references/load-driver failed:\n${result.stdout}${result.stderr}`);
});
