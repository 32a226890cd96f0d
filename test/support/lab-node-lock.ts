import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * The suite runs test files three at a time, and one Cassandra test freezes the lab's node
 * (SIGSTOP) to show that nothing acknowledged is lost: a test of another file using the node
 * meanwhile would see the freeze as its own failure. Every test that uses the lab's node holds
 * this lock (the hooks below), a folder created atomically, so they take turns. A holder that died leaves its pid
 * behind, and the next one takes the lock over.
 */
const LOCK = join(tmpdir(), 'readstate-lab-cassandra-node.lock');
const GIVE_UP_MS = 15 * 60_000;

/** Waits until no other test uses the lab's node; hook it as `beforeEach(takeTheLabNode)`. */
export async function takeTheLabNode(): Promise<void> {
  const started = Date.now();
  while (!tryTake()) {
    if (Date.now() - started > GIVE_UP_MS) throw new Error(`waited ${GIVE_UP_MS / 60_000} min for ${LOCK}; remove it if no test is running`);
    await sleep(250);
  }
}

/** Lets the next test use the lab's node; hook it as `afterEach(releaseTheLabNode)`. */
export function releaseTheLabNode(): void {
  rmSync(LOCK, { recursive: true, force: true });
}

function tryTake(): boolean {
  try {
    mkdirSync(LOCK);
    writeFileSync(join(LOCK, 'pid'), String(process.pid));
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    if (holderIsGone()) rmSync(LOCK, { recursive: true, force: true });
    return false;
  }
}

/** True when the lock's holder has exited; a lock just made, its pid not yet written, is held. */
function holderIsGone(): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(join(LOCK, 'pid'), 'utf8'));
  } catch {
    return false;
  }
  if (!(pid > 0)) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
