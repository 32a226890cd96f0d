import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import type { Scenario } from '../../harness/results/scenario-schema.js';
import { distFile } from './dist.js';
import { smallScenario } from './small-scenario.js';

/**
 * The node arguments that run the compiled CLI, `node --enable-source-maps dist/harness/cli/main.js
 * ...args`: no transpiling per process (through tsx each start cost about a second more), and a
 * stack trace still names the .ts line. dist/ must be built from the current sources (npm test
 * builds first); distFile refuses a stale one.
 */
export function cliArgs(args: readonly string[]): string[] {
  return ['--enable-source-maps', distFile('harness/cli/main.ts'), ...args];
}

/**
 * What the suite adds to a CLI process's environment, under the caller's own: the machine-floor
 * probe before each experiment spins 100 ms instead of a second (a core-second each, over dozens
 * of experiments). cli-run-end-to-end.test.ts asks for the full second and checks it.
 */
function cliEnv(env: Record<string, string> = {}): Record<string, string> {
  return { READSTATE_LAB_FLOOR_PROBE_MS: '100', ...env };
}

/**
 * Runs the real CLI in a process of its own (compiled, see cliArgs) and returns what it printed
 * and its exit code. `env` is added to this process's environment (over cliEnv's). For a command
 * line that is refused before any work, test/support/cli-in-process.ts does the same without a process.
 */
export async function runCli(args: readonly string[], env: Record<string, string> = {}): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  const result = await execa(process.execPath, cliArgs(args), { reject: false, stdin: 'ignore', env: cliEnv(env) });
  return { exitCode: result.exitCode ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/**
 * Runs the CLI in a process and asserts it refused: exit 2, one line on stderr that matches `message`, no
 * stack trace, and nothing run first (progress goes to stderr and the table to stdout, so
 * neither may show a row, a phase or a listening server). Returns what it printed.
 */
export async function expectRefused(args: readonly string[], message: RegExp, env: Record<string, string> = {}): Promise<{ stdout: string; stderr: string }> {
  const { exitCode, stdout, stderr } = await runCli(args, env);
  const what = args.join(' ');
  assert.equal(exitCode, 2, `${what}: exit ${exitCode}\n${stderr}${stdout.slice(-1000)}`);
  assert.match(stderr, message, what);
  assert.equal(stderr.trim().split('\n').length, 1, `one line for ${what}: ${stderr}`);
  assert.doesNotMatch(stderr, /\n\s+at /, `no stack trace for ${what}`);
  assert.doesNotMatch(stdout + stderr, /\[1\/\d+\]|warming|measuring|listening/, `nothing ran for ${what}`);
  return { stdout, stderr };
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
