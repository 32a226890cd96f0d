import assert from 'node:assert/strict';
import { it } from 'node:test';
import { InFlight } from '../harness/store/in-flight.js';
import { Prng } from '../harness/workload/prng.js';

/**
 * The store client finds each reply's batch here by sequence number; a reply matched to the
 * wrong batch would answer the wrong loads. Checked against a Map under the same random mix of
 * adds (increasing, with gaps) and answers in any order.
 */
it('finds, answers and lists entries by sequence number as a Map would', () => {
  const table = new InFlight<string>();
  const model = new Map<number, string>();
  const random = new Prng(3);
  let seq = 0;
  for (let step = 0; step < 20_000; step++) {
    if (model.size === 0 || random.nextInt(3) > 0) {
      seq += 1 + random.nextInt(2);
      table.add(seq, `batch ${seq}`);
      model.set(seq, `batch ${seq}`);
    } else {
      const keys = [...model.keys()];
      // Mostly the oldest, as the worker answers; sometimes any (parts of delayed answers).
      const key = random.nextInt(4) === 0 ? keys[random.nextInt(keys.length)]! : keys[0]!;
      table.delete(key);
      model.delete(key);
    }
    assert.equal(table.size, model.size);
  }
  for (const key of model.keys()) assert.equal(table.get(key), model.get(key));
  assert.equal(table.get(seq + 1), undefined);
  assert.equal(table.get(-5), undefined);
  assert.deepEqual(table.values(), [...model.values()]);
  table.delete(seq + 10); // unknown: nothing happens
  assert.equal(table.size, model.size);
  table.clear();
  assert.equal(table.size, 0);
  assert.deepEqual(table.values(), []);
});
