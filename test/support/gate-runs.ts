import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import type { GateCheck } from '../../harness/gate/config.js';
import { runCli } from './cli.js';

/** A check as a gate file spells it; the fields left out take loadGateConfig's defaults. */
type CheckInFile = Pick<GateCheck, 'name' | 'contender' | 'metric' | 'relativeTo' | 'allowedChange' | 'confidence'>;

/** Writes a gate config of one check and no claims, over `run` (the run command's flags), to `path`. */
export function writeOneCheckGate(path: string, run: readonly string[], check: CheckInFile): void {
  writeFileSync(path, JSON.stringify({ scenario: 'small', run, checks: [check], claims: [] }));
}

/** Runs the CLI with `args` and fails, naming `what` and quoting its output, unless it exits 0. */
export async function runCliOrFail(what: string, args: readonly string[]): Promise<void> {
  const { exitCode, stdout, stderr } = await runCli(args);
  assert.equal(exitCode, 0, `${what}: ${stderr}${stdout.slice(-3000)}`);
}
