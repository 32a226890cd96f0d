import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { smallScenarioFile, tempDir } from './support/cli.js';
import { expectRefusedInProcess as refused } from './support/cli-in-process.js';

describe('--store-latency refuses a bad profile with exit 2 and one line, before any work', () => {
  const dir = tempDir('rsl-store-latency-');
  const scenario = smallScenarioFile(dir);
  const out = join(dir, 'out');
  const notJson = join(dir, 'not-json.json');
  writeFileSync(notJson, '{"name": "half');
  const inverted = join(dir, 'inverted.json');
  writeFileSync(
    inverted,
    JSON.stringify({
      name: 'inverted',
      description: 'p99 below the median',
      source: 'none',
      assumptions: 'none',
      read: { distribution: 'lognormal', medianMs: 10, p99Ms: 5 },
      write: { distribution: 'fixed', ms: 1 },
    }),
  );
  const negative = join(dir, 'negative.json');
  writeFileSync(
    negative,
    JSON.stringify({
      name: 'negative',
      description: 'a negative delay',
      source: 'none',
      assumptions: 'none',
      read: { distribution: 'fixed', ms: 1 },
      write: { distribution: 'fixed', ms: -3 },
    }),
  );
  const unknownField = join(dir, 'unknown-field.json');
  writeFileSync(
    unknownField,
    JSON.stringify({
      name: 'x',
      description: 'x',
      source: 'x',
      assumptions: 'x',
      read: { distribution: 'fixed', ms: 1, jitterMs: 2 },
      write: { distribution: 'fixed', ms: 1 },
    }),
  );

  it('run: an unknown name, fixed:-1, fixed:abc, and malformed files', async () => {
    const base = ['run', '--scenario', scenario, '--impl', 'naive-map', '--out', out];
    await refused(
      [...base, '--store-latency', 'cassandra-1999'],
      /--store-latency must be none, fixed:MS, a profile \(cassandra-2020, scylla-2023\).*got "cassandra-1999"/,
    );
    await refused([...base, '--store-latency', 'fixed:-1'], /--store-latency fixed:MS needs a number of milliseconds .*got "fixed:-1"/);
    await refused([...base, '--store-latency', 'fixed:abc'], /--store-latency fixed:MS needs a number of milliseconds .*got "fixed:abc"/);
    await refused([...base, '--store-latency', notJson], /store latency profile .*not-json\.json: not valid JSON/);
    await refused([...base, '--store-latency', inverted], /inverted\.json\.read: "p99Ms" \(5\) must be above "medianMs" \(10\)/);
    await refused([...base, '--store-latency', negative], /negative\.json\.write: "ms" must be a number from 0/);
    await refused([...base, '--store-latency', unknownField], /unknown-field\.json\.read: unknown field "jitterMs"/);
    assert.equal(existsSync(out), false, 'no output folder was created');
  });

  it('sweep, serve and load check it too', async () => {
    await refused(
      ['sweep', '--scenario', scenario, '--impl', 'naive-map', '--capacity', '100', '--store-latency', 'fixed:x', '--out', out],
      /fixed:MS needs a number/,
    );
    await refused(['serve', '--impl', 'naive-map', '--port', '0', '--store-latency', 'nope'], /--store-latency must be none, fixed:MS/);
    await refused(['load', '--scenario', scenario, '--impl', 'naive-map', '--store-latency', 'fixed:-5', '--out', out], /fixed:MS needs a number/);
    assert.equal(existsSync(out), false, 'no output folder was created');
  });

  it('load refuses a profile for the Go and Rust services, which have stores of their own, naming why', async () => {
    await refused(
      ['load', '--scenario', scenario, '--impl', 'naive-map,rust-btree', '--store-latency', 'fixed:5', '--out', out],
      /--store-latency fixed:5 cannot apply to rust-btree: a separate binary with its own SQLite store/,
    );
    assert.equal(existsSync(out), false, 'no output folder was created');
  });
});
