import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadGateConfig } from '../harness/gate/config.js';
import { evaluateGate } from '../harness/gate/gate.js';
import type { Results } from '../harness/results/schema.js';

/** What the miss-path gate reads of a row. */
interface RowFigures {
  bytesPerMiss: number;
  scavengesPer100k: number;
}

/** Just the fields the gate reads; the rest of Results is not consulted by a claim. */
function runOf(rows: Record<string, RowFigures>): Results {
  return {
    settings: { scenario: { name: 'discord-scale' } },
    rows: Object.entries(rows).map(([contender, f]) => ({ contender, repetition: 1, state: 'completed', summary: { ...f } })),
  } as unknown as Results;
}

const config = loadGateConfig('gates/miss-path.json');
const verdicts = (results: Results) => evaluateGate(config, results, undefined).rows.map((row) => row.verdict);

describe('the miss-path gate (gates/miss-path.json): absolute limits, no baseline', () => {
  it('holds at or under 200 bytes per miss and 1 scavenge per 100,000 requests', () => {
    const run = runOf({ 'typed-array': { bytesPerMiss: 200, scavengesPer100k: 1 }, native: { bytesPerMiss: 95, scavengesPer100k: 0.5 } });
    assert.deepEqual(verdicts(run), ['holds', 'holds', 'holds', 'holds']);
  });

  it('breaks on the figures of the miss path before issue 22 (about 1 KB a miss, 4 scavenges per 100,000)', () => {
    const run = runOf({ 'typed-array': { bytesPerMiss: 1_100, scavengesPer100k: 4.45 }, native: { bytesPerMiss: 95, scavengesPer100k: 0.5 } });
    assert.deepEqual(verdicts(run), ['broken', 'holds', 'broken', 'holds']);
  });

  it('names the figure itself, with no reference contender, in what it judges', () => {
    const run = runOf({ 'typed-array': { bytesPerMiss: 120, scavengesPer100k: 0.8 }, native: { bytesPerMiss: 95, scavengesPer100k: 0.5 } });
    assert.equal(evaluateGate(config, run, undefined).rows[0]!.what, 'bytes allocated per miss of typed-array');
  });
});
