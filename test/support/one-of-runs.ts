import assert from 'node:assert/strict';

/**
 * Runs a timing check up to `runs` times and passes at the first run that finds nothing wrong.
 * For checks a busy machine can fail on its own (the OS keeping this process off the CPU): a
 * flaw of the code shows in every run, so the check still fails on it. `check` returns what was
 * wrong with its run, or undefined; an assertion that must hold in every run throws inside it.
 */
export async function passInOneOfRuns(what: string, runs: number, check: (run: number) => Promise<string | undefined>): Promise<void> {
  const problems: string[] = [];
  for (let run = 1; run <= runs; run++) {
    const problem = await check(run);
    if (problem === undefined) return;
    problems.push(`run ${run}: ${problem}`);
  }
  assert.fail(`${what} in none of ${runs} runs:\n${problems.join('\n')}`);
}
