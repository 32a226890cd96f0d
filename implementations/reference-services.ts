import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The story's own systems, built from references/ by `npm run build:references` into
 * references/build/: standalone HTTP services that answer the lab's read-state API. The lab
 * starts and loads them like `readstate-lab serve`; it never links them.
 */

/** The folder the reference binaries are built into. */
function buildFolder(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return join(dir, 'references', 'build');
}

/** The executable of a built reference service. */
export function referenceExecutable(binary: string): string {
  return join(buildFolder(), binary);
}

/** Why the reference service cannot run here, or undefined when its binary is built. */
export function referenceUnavailableReason(binary: string, toolchain: string): string | undefined {
  return existsSync(referenceExecutable(binary)) ? undefined : `not built (npm run build:references; needs ${toolchain})`;
}

/** The toolchain that built the binary ("go1.26.8"), as the build script recorded it. */
export function referenceToolchain(binary: string): string | undefined {
  try {
    return readFileSync(`${referenceExecutable(binary)}.toolchain`, 'utf8').trim();
  } catch {
    return undefined;
  }
}
