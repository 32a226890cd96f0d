import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A private temporary folder, removed when `remove` is called and, failing that, when the
 * process exits (a second Ctrl-C exits at once, past every `finally`). Only a SIGKILL leaves it.
 */
export function scratchFolder(prefix: string): { readonly path: string; readonly remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  const remove = (): void => {
    process.off('exit', remove);
    rmSync(path, { recursive: true, force: true });
  };
  process.on('exit', remove);
  return { path, remove };
}

/**
 * Runs `work` with TMPDIR pointing at a private scratch folder, removed afterwards on every exit
 * path. Child processes inherit TMPDIR, so whatever they leave in their temporary folder (the
 * store files of a child that crashed before its own cleanup, see harness/run/run-one.ts) goes
 * with the scratch folder instead of piling up in the system's.
 */
export async function withScratchTmpdir<T>(prefix: string, work: () => Promise<T>): Promise<T> {
  const scratch = scratchFolder(prefix);
  const saved = process.env['TMPDIR'];
  process.env['TMPDIR'] = scratch.path;
  try {
    return await work();
  } finally {
    if (saved === undefined) delete process.env['TMPDIR'];
    else process.env['TMPDIR'] = saved;
    scratch.remove();
  }
}
