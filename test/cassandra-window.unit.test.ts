import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConcurrencyWindow } from '../harness/store/cassandra-window.js';

describe('a concurrency window', () => {
  it('keeps at most its limit in flight and starts the others in the order given', async () => {
    const window = new ConcurrencyWindow(2);
    const started: number[] = [];
    const finish: Array<() => void> = [];
    const done = [0, 1, 2, 3].map((n) =>
      window.run(
        () =>
          new Promise<number>((resolve) => {
            started.push(n);
            finish[n] = () => resolve(n);
          }),
      ),
    );
    assert.deepEqual(started, [0, 1]);
    assert.deepEqual([window.inFlight, window.waiting], [2, 2]);
    finish[1]!();
    await done[1];
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(started, [0, 1, 2]);
    finish[0]!();
    finish[2]!();
    await Promise.all([done[0], done[2]]);
    await new Promise((resolve) => setImmediate(resolve));
    finish[3]!();
    assert.deepEqual(await Promise.all(done), [0, 1, 2, 3]);
    assert.deepEqual([window.inFlight, window.waiting], [0, 0]);
  });

  it('passes a failure on and frees its place, whether the request throws or rejects', async () => {
    const window = new ConcurrencyWindow(1);
    await assert.rejects(
      window.run(() => {
        throw new Error('at once');
      }),
      /at once/,
    );
    await assert.rejects(
      window.run(() => Promise.reject(new Error('later'))),
      /later/,
    );
    assert.equal(await window.run(() => Promise.resolve(7)), 7);
  });

  it('refuses a limit below 1', () => {
    assert.throws(() => new ConcurrencyWindow(0), /limit of 1 or more/);
  });
});
