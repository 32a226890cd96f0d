import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import type { Scenario } from '../../harness/results/scenario-schema.js';
import { smallScenario } from './small-scenario.js';

const cli = fileURLToPath(new URL('../../harness/cli/main.ts', import.meta.url));

/** Runs the real CLI (from source, through tsx) and returns what it printed and its exit code. */
export async function runCli(args: readonly string[]): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  const result = await execa(process.execPath, ['--import', 'tsx', cli, ...args], { reject: false, stdin: 'ignore' });
  return { exitCode: result.exitCode ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** A fresh temporary folder. */
export function tempDir(prefix = 'rsl-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Writes a small scenario file (see smallScenario) and returns its path. */
export function smallScenarioFile(dir: string, overrides: Partial<Scenario> = {}): string {
  const path = join(dir, 'small.json');
  writeFileSync(path, JSON.stringify({ ...smallScenario(overrides), name: 'small' }));
  return path;
}
