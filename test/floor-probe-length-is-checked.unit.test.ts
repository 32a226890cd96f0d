import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UsageError } from '../harness/errors.js';
import { FLOOR_PROBE_VARIABLE, floorProbeMs } from '../harness/measure/machine-floor.js';
import { MACHINE_FLOOR_PROBE_MS } from '../harness/tuning.js';
import { expectRefusedInProcess } from './support/cli-in-process.js';

describe("the machine floor's probe length", () => {
  it('is a second unless READSTATE_LAB_FLOOR_PROBE_MS says otherwise', () => {
    assert.equal(floorProbeMs({}), MACHINE_FLOOR_PROBE_MS);
    assert.equal(floorProbeMs({ [FLOOR_PROBE_VARIABLE]: '' }), MACHINE_FLOOR_PROBE_MS);
    assert.equal(floorProbeMs({ [FLOOR_PROBE_VARIABLE]: '100' }), 100);
    assert.equal(floorProbeMs({ [FLOOR_PROBE_VARIABLE]: '60000' }), 60_000);
  });

  it('refuses a length that is not a whole number of ms from 50 to 60,000, naming the variable', () => {
    for (const text of ['10', '49', '1.5', 'abc', '60001', '-100', '1e9']) {
      assert.throws(
        () => floorProbeMs({ [FLOOR_PROBE_VARIABLE]: text }),
        (error: unknown) => error instanceof UsageError && error.message.includes(FLOOR_PROBE_VARIABLE) && error.message.includes(`"${text}"`),
        text,
      );
    }
  });

  it('is refused by a run before any row starts, in one line', async () => {
    await expectRefusedInProcess(
      ['run', '--impl', 'naive-map', '--duration', '1'],
      /READSTATE_LAB_FLOOR_PROBE_MS must be a whole number of ms from 50 to 60000, not "fast"/,
      {
        [FLOOR_PROBE_VARIABLE]: 'fast',
      },
    );
  });
});
