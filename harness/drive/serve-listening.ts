import type { ResultPromise } from 'execa';

/**
 * Resolves with the URL a `readstate-lab serve` child (or any server that says it the same
 * way, named `what` in errors) prints once it listens ("listening on URL"); rejects with its
 * last line if it exits first, or after `timeoutMs`. The child must be started with execa's
 * `all: true`.
 */
export function waitForListening(child: ResultPromise, timeoutMs: number, what = 'serve'): Promise<string> {
  let output = '';
  return new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not start in ${timeoutMs / 1000} s: ${output.trim()}`)), timeoutMs);
    child.all!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match !== null) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    void child.then((result) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited (${result.exitCode ?? result.signal}) before listening: ${output.trim().split('\n').pop() ?? ''}`));
    });
  });
}
