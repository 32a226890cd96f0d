import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * The suite runs several test files at a time, and some Cassandra tests freeze the lab's node
 * (SIGSTOP) to show that nothing acknowledged is lost: a test of another file using the node
 * meanwhile would see the freeze as its own failure. So the node has a readers-writer lock:
 * tests that only use it share it (`shareTheLabNode`), a test that freezes it has it alone
 * (`takeTheLabNode`). Tests that share run beside each other; a file waiting for its turn holds
 * a slot of the suite's, so only a freeze makes them wait.
 *
 * Both sides write their mark and then look for the other's (a folder for the one who freezes,
 * a file per process for those who share), so of two arriving at once at least one sees the
 * other. A mark whose process died is removed by the next one who finds it.
 */
const EXCLUSIVE = join(tmpdir(), 'readstate-lab-cassandra-node.lock');
const SHARED = join(tmpdir(), 'readstate-lab-cassandra-node.users');
const GIVE_UP_MS = 15 * 60_000;
const POLL_MS = 250;
/** This process's mark among those sharing the node. */
const MINE = join(SHARED, String(process.pid));

/** Waits until no test is freezing the lab's node, then uses it beside others; hook it as `beforeEach(shareTheLabNode)`. */
export async function shareTheLabNode(): Promise<void> {
  mkdirSync(SHARED, { recursive: true });
  await waitFor('a test freezing the node', () => {
    if (heldExclusively()) return false;
    writeFileSync(MINE, '');
    if (!heldExclusively()) return true;
    rmSync(MINE, { force: true });
    return false;
  });
}

/** Leaves the lab's node to others; hook it as `afterEach(leaveTheLabNode)`. */
export function leaveTheLabNode(): void {
  rmSync(MINE, { force: true });
}

/** Waits until no other test uses the lab's node and has it alone (to freeze it); hook it as `beforeEach(takeTheLabNode)`. */
export async function takeTheLabNode(): Promise<void> {
  await waitFor('a test freezing the node', tryTakeExclusive);
  await waitFor('the tests using the node', () => otherUsers().length === 0);
}

/** Lets the next test use the lab's node; hook it as `afterEach(releaseTheLabNode)`. */
export function releaseTheLabNode(): void {
  rmSync(EXCLUSIVE, { recursive: true, force: true });
}

async function waitFor(what: string, done: () => boolean): Promise<void> {
  const started = Date.now();
  while (!done()) {
    if (Date.now() - started > GIVE_UP_MS)
      throw new Error(`waited ${GIVE_UP_MS / 60_000} min for ${what} (${EXCLUSIVE}, ${SHARED}); remove them if no test is running`);
    await sleep(POLL_MS);
  }
}

function tryTakeExclusive(): boolean {
  try {
    mkdirSync(EXCLUSIVE);
    writeFileSync(join(EXCLUSIVE, 'pid'), String(process.pid));
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    if (exclusiveHolderIsGone()) rmSync(EXCLUSIVE, { recursive: true, force: true });
    return false;
  }
}

/** True while another live process has the node alone. */
function heldExclusively(): boolean {
  if (!existsSync(EXCLUSIVE)) return false;
  if (!exclusiveHolderIsGone()) return true;
  rmSync(EXCLUSIVE, { recursive: true, force: true });
  return false;
}

/** The live processes other than this one that share the node; the marks of dead ones are removed. */
function otherUsers(): number[] {
  let names: string[];
  try {
    names = readdirSync(SHARED);
  } catch {
    return [];
  }
  const pids = names.map(Number).filter((pid) => pid > 0 && pid !== process.pid);
  for (const pid of pids.filter((pid) => !alive(pid))) rmSync(join(SHARED, String(pid)), { force: true });
  return pids.filter(alive);
}

/** True when the holder of the exclusive mark has exited; a mark just made, its pid not yet written, is held. */
function exclusiveHolderIsGone(): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(join(EXCLUSIVE, 'pid'), 'utf8'));
  } catch {
    return false;
  }
  return pid > 0 && !alive(pid);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}
