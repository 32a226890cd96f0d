import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The folder holding package.json, found by walking up from this file, so paths work both
 * from the TypeScript sources (tests, tsx) and from the compiled `dist/` tree.
 */
export const packageRoot: string = findPackageRoot(dirname(fileURLToPath(import.meta.url)));

/** package.json's version: the one npm installed. */
export function packageVersion(): string {
  const path = join(packageRoot, 'package.json');
  const pkg: unknown = JSON.parse(readFileSync(path, 'utf8'));
  if (typeof pkg !== 'object' || pkg === null || !('version' in pkg) || typeof pkg.version !== 'string')
    throw new Error(`readstate-lab: ${path} has no version`);
  return pkg.version;
}

function findPackageRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'scenarios'))) return dir;
    if (dirname(dir) === dir) throw new Error(`readstate-lab: no package root above ${from}`);
  }
}
