import { rmSync } from 'node:fs';
import type { ReadStateServer } from '../serve/server.js';
import { SHUTDOWN_DEADLINE_MS } from '../tuning.js';

/** How long past the shutdown deadline the process may take to exit before it is made to. */
const HARD_EXIT_MARGIN_MS = 3_000;
/** How long after a finished shutdown the process may take to exit on its own. */
const EXIT_AFTER_SHUTDOWN_MS = 200;

/**
 * serve's life after "listening": waits for SIGINT or SIGTERM, then shuts the server down within
 * the deadline, writing every dirty read state back; `onStopped` runs once it is down (removing a
 * database that lasts one process). Returns serve's exit code.
 */
export async function serveUntilSignalled(
  server: ReadStateServer,
  print: (line: string) => void,
  log: (line: string) => void,
  onStopped: () => void,
): Promise<number> {
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    let first: NodeJS.Signals | undefined;
    // The handlers stay for the life of the process: without them a second Ctrl-C or SIGTERM
    // would kill it mid-write-back and lose what was acknowledged. The deadline below bounds the
    // wait instead, and SIGKILL is still there for whoever wants nothing written.
    const onSignal = (name: NodeJS.Signals): void => {
      if (first === undefined) resolve((first = name));
      else log(`${name}: already shutting down; exiting within ${SHUTDOWN_DEADLINE_MS / 1000 + HARD_EXIT_MARGIN_MS / 1000} s of the ${first}`);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
  print('shutting down: finishing requests in flight and writing back dirty read states');
  // shutdown() bounds every step by the deadline, but a step that never settles and holds no
  // handle (a promise nobody resolves) would let Node exit early with code 0 and nothing written,
  // and a handle that is never released would keep the process alive for ever. This timer covers
  // both, so it stays ref'd while the shutdown runs: it keeps the process alive to fire, and says so.
  const hardExit = setTimeout(() => {
    log(`shutdown not done ${(SHUTDOWN_DEADLINE_MS + HARD_EXIT_MARGIN_MS) / 1000} s after ${signal}: exiting, read states not yet written are lost`);
    process.exit(1);
  }, SHUTDOWN_DEADLINE_MS + HARD_EXIT_MARGIN_MS);
  const outcome = await server.shutdown();
  clearTimeout(hardExit);
  onStopped();
  const code = outcome.unwritten > 0 ? 1 : 0;
  // Everything the store could take is written now, so exiting loses nothing: this timer is
  // unref'd, letting Node exit at once when nothing is left open, and forcing the exit (with the
  // same code) soon after if something still is, such as a store worker held by a database that
  // does not answer its close. Lines printed before it are written (stdout and stderr are
  // synchronous on files and pipes here).
  setTimeout(() => process.exit(code), EXIT_AFTER_SHUTDOWN_MS).unref();
  if (outcome.unwritten > 0) {
    log(`could not write ${outcome.unwritten} read states to the store: ${outcome.cause}`);
    return 1;
  }
  print('stopped');
  return 0;
}

/** Removes an SQLite file and its -wal and -shm companions. */
export function removeDatabase(path: string): void {
  for (const file of [path, `${path}-wal`, `${path}-shm`]) rmSync(file, { force: true });
}
