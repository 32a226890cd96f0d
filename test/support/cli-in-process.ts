import assert from 'node:assert/strict';
import { main } from '../../harness/cli/command-line.js';

let queue: Promise<unknown> = Promise.resolve();

/**
 * Runs a command line in this process, through the CLI's own dispatch (harness/cli/command-line.ts,
 * what `readstate-lab` runs after reading its arguments), and returns its exit code and what it
 * printed, as runCli does for a process: a final newline is dropped, as execa drops it.
 *
 * For command lines refused before any work (the fast tier, test/*.unit.test.ts): no process
 * starts and nothing is built first. What a command writes to the process's streams itself
 * (progress, notes) is not captured, so a command line that does work belongs in an end-to-end
 * test, with runCli. `env` is set in process.env for the call and restored after; calls run one
 * at a time, so that no two see each other's.
 */
export function callCli(args: readonly string[], env: Record<string, string> = {}): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  const call = async (): Promise<{ exitCode: number; stdout: string; stderr: string }> => {
    const saved = Object.keys(env).map((key) => [key, process.env[key]] as const);
    Object.assign(process.env, env);
    let stdout = '';
    let stderr = '';
    try {
      const exitCode = await main(args, { stdout: (text) => void (stdout += text), stderr: (text) => void (stderr += text) });
      return { exitCode, stdout: stdout.replace(/\n$/, ''), stderr: stderr.replace(/\n$/, '') };
    } finally {
      for (const [key, value] of saved) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
  };
  const result = queue.then(call, call);
  queue = result.catch(() => undefined);
  return result;
}

/**
 * Calls the command line in-process and asserts it refused, as the CLI shows a refusal: exit
 * code 2, one line that matches `message`, no stack trace, nothing printed of a row, a phase or
 * a listening server. Returns what it printed. (That the process then exits 2 with that line
 * alone on stderr is checked end to end by test/cli-refuses-bad-input-before-work.test.ts.)
 */
export async function expectRefusedInProcess(
  args: readonly string[],
  message: RegExp,
  env: Record<string, string> = {},
): Promise<{ stdout: string; stderr: string }> {
  const { exitCode, stdout, stderr } = await callCli(args, env);
  const what = args.join(' ');
  assert.equal(exitCode, 2, `${what}: exit ${exitCode}\n${stderr}${stdout.slice(-1000)}`);
  assert.match(stderr, message, what);
  assert.equal(stderr.trim().split('\n').length, 1, `one line for ${what}: ${stderr}`);
  assert.doesNotMatch(stderr, /\n\s+at /, `no stack trace for ${what}`);
  assert.doesNotMatch(stdout + stderr, /\[1\/\d+\]|warming|measuring|listening/, `nothing ran for ${what}`);
  return { stdout, stderr };
}
