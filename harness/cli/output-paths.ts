import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { errorCode, UsageError } from '../errors.js';

/**
 * Every path a command will write to is checked here before the command does any work, so that
 * a typo costs one line and exit 2, not a finished run that cannot be saved. A check proves the
 * place writable by creating (and removing) a probe in it: `access(W_OK)` is not enough, since it
 * says yes to root everywhere, and on /proc or /sys where nothing can be created.
 */

/** Why writing failed, in words: "permission denied" rather than EACCES. */
function reasonOf(error: unknown): string {
  const code = errorCode(error);
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'read-only file system';
    case 'ENOSPC':
      return 'no space left on the device';
    case 'ENOENT':
      // An existing folder where nothing can be created (/proc, a folder removed meanwhile).
      return 'nothing can be created there';
    default:
      return code === undefined ? String(error) : `cannot create files there (${code})`;
  }
}

type Kind = 'folder' | 'file' | 'missing';

function kindOf(path: string): Kind {
  try {
    return statSync(path).isDirectory() ? 'folder' : 'file';
  } catch (error) {
    const code = errorCode(error);
    if (code === 'ENOENT') return 'missing';
    if (code === 'ENOTDIR') return 'missing';
    throw new UsageError(`cannot use ${path}: ${reasonOf(error)}`);
  }
}

/** Creates and removes a probe folder in `folder`; throws a UsageError naming `target` when it cannot. */
function proveWritable(folder: string, target: string): void {
  let probe: string;
  try {
    probe = mkdtempSync(join(folder, '.readstate-lab-probe-'));
  } catch (error) {
    throw new UsageError(`cannot write to ${target}: ${reasonOf(error)}`);
  }
  rmSync(probe, { recursive: true, force: true });
}

function notEmpty(flag: string, path: string | undefined, what: string): string | undefined {
  if (path === undefined) return undefined;
  if (path.trim() === '')
    throw new UsageError(`${flag} must name a ${what}, got an empty string${what === 'folder' ? ` (write ${flag} . for the current folder)` : ''}`);
  return path;
}

/**
 * Checks an output folder (`--out DIR`) and returns its absolute path; does not create it. A
 * folder that does not exist yet is fine (commands create it, as they always did) when its
 * nearest existing parent is a writable folder; a file in the way, an empty string or a place
 * nothing can be written is a UsageError.
 */
export function checkOutputFolder(flag: string, path: string): string;
export function checkOutputFolder(flag: string, path: string | undefined): string | undefined;
export function checkOutputFolder(flag: string, path: string | undefined): string | undefined {
  if (notEmpty(flag, path, 'folder') === undefined) return undefined;
  const absolute = resolve(path!);
  let existing = absolute;
  for (;;) {
    const kind = kindOf(existing);
    if (kind === 'folder') break;
    if (kind === 'file') {
      throw new UsageError(
        existing === absolute ? `${flag} ${path} is a file, not a folder` : `cannot write to ${absolute}: ${existing} is a file, not a folder`,
      );
    }
    const parent = dirname(existing);
    if (parent === existing) throw new UsageError(`cannot write to ${absolute}: no part of it exists`);
    existing = parent;
  }
  proveWritable(existing, absolute);
  return absolute;
}

/**
 * Checks an output file (`--dump-state FILE`, `workload --out FILE`, `--markdown FILE`) and
 * returns its absolute path. Its folder must exist already (these flags never created one) and
 * be writable; an existing file must be writable; a folder in its place is an error.
 */
export function checkOutputFile(flag: string, path: string): string;
export function checkOutputFile(flag: string, path: string | undefined): string | undefined;
export function checkOutputFile(flag: string, path: string | undefined): string | undefined {
  if (notEmpty(flag, path, 'file') === undefined) return undefined;
  const absolute = resolve(path!);
  const kind = kindOf(absolute);
  if (kind === 'folder') throw new UsageError(`${flag} ${path} is a folder; give the path of a file`);
  const folder = dirname(absolute);
  const folderKind = kindOf(folder);
  if (folderKind === 'missing') throw new UsageError(`cannot write ${absolute}: its folder ${folder} does not exist (create it first)`);
  if (folderKind === 'file') throw new UsageError(`cannot write ${absolute}: ${folder} is a file, not a folder`);
  proveWritable(folder, absolute);
  if (kind === 'file') {
    try {
      closeSync(openSync(absolute, 'r+'));
    } catch (error) {
      throw new UsageError(`cannot write to ${absolute}: ${reasonOf(error)}`);
    }
  }
  return absolute;
}

/**
 * Creates a checked output folder and its missing parents, one level at a time: Node's own
 * recursive mkdir never returns on some paths under /proc.
 */
export function createFolder(path: string): string {
  const absolute = resolve(path);
  const missing: string[] = [];
  for (let at = absolute; kindOf(at) === 'missing'; at = dirname(at)) {
    if (dirname(at) === at) break;
    missing.unshift(at);
  }
  for (const folder of missing) {
    try {
      mkdirSync(folder);
    } catch (error) {
      if (errorCode(error) !== 'EEXIST') throw new UsageError(`cannot write to ${absolute}: ${reasonOf(error)}`);
    }
  }
  if (kindOf(absolute) !== 'folder') throw new UsageError(`cannot write to ${absolute}: it is not a folder`);
  return absolute;
}
