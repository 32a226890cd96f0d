import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { numberFlag } from '../harness/cli/options.js';
import { UsageError } from '../harness/errors.js';

describe('number flags take the suffixes of their unit', () => {
  it('counts take k, M and G', () => {
    assert.equal(numberFlag('capacity', '1M', { integer: true }), 1_000_000);
    assert.equal(numberFlag('capacity', '500k', { integer: true }), 500_000);
    assert.equal(numberFlag('capacity', '1.1k', { integer: true }), 1_100);
    assert.equal(numberFlag('rate', '2.5K'), 2_500);
    assert.equal(numberFlag('capacity', '2e6', { integer: true }), 2_000_000);
    assert.equal(numberFlag('capacity', '2_000_000', { integer: true }), 2_000_000);
  });

  it('times in seconds take ms, s, m and h', () => {
    assert.equal(numberFlag('duration', '2m', { unit: 'seconds' }), 120);
    assert.equal(numberFlag('duration', '10m', { unit: 'seconds' }), 600);
    assert.equal(numberFlag('duration', '5s', { unit: 'seconds' }), 5);
    assert.equal(numberFlag('duration', '1h', { unit: 'seconds' }), 3600);
    assert.equal(numberFlag('duration', '500ms', { unit: 'seconds' }), 0.5);
    assert.equal(numberFlag('duration', '30', { unit: 'seconds' }), 30);
  });

  it('times in milliseconds take the same suffixes', () => {
    assert.equal(numberFlag('time', '2s', { unit: 'milliseconds' }), 2000);
    assert.equal(numberFlag('time', '250ms', { unit: 'milliseconds' }), 250);
    assert.equal(numberFlag('time', '250', { unit: 'milliseconds' }), 250);
  });

  it('a suffix of another unit is refused with the forms that are accepted', () => {
    // "m" is minutes, never mega: a count given "1m" is refused rather than read as a million.
    assert.throws(
      () => numberFlag('capacity', '1m', { integer: true }),
      (error: Error) => {
        assert.ok(error instanceof UsageError);
        assert.match(error.message, /--capacity must be an integer .*\(e\.g\. .*2M or 500k\), got "1m"/);
        return true;
      },
    );
    assert.throws(() => numberFlag('duration', '2M', { unit: 'seconds' }), /--duration must be a number .*\(seconds, e\.g\. 90, 90s, 1\.5m/);
    assert.throws(() => numberFlag('rate', '0x10'), /--rate must be a number/);
    assert.throws(() => numberFlag('rate', ''), /--rate must be a number/);
    assert.throws(() => numberFlag('capacity', '1.5', { integer: true }), /--capacity must be an integer/);
  });
});
