import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readlinkSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { markLatest, reportsDir } from '../harness/experiment/output.js';
import { loadScenario } from '../harness/workload/scenario.js';

describe('reports/latest', () => {
  it('does not move to a run shortened with --duration (a check, not a comparison)', () => {
    const dir = join(reportsDir, `test-shortened-${process.pid}`);
    mkdirSync(dir, { recursive: true });
    const before = existsSync(join(reportsDir, 'latest')) ? readlinkSync(join(reportsDir, 'latest')) : undefined;
    try {
      const scenario = loadScenario('discord-2min');
      assert.equal(markLatest(dir, { ...scenario, durationSeconds: 1 }), false);
      const after = existsSync(join(reportsDir, 'latest')) ? readlinkSync(join(reportsDir, 'latest')) : undefined;
      assert.equal(after, before);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('does not move to a run written outside reports/ (--out)', () => {
    assert.equal(markLatest('/tmp/somewhere-else', loadScenario('discord-2min')), false);
  });
});
