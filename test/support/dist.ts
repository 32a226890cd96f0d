import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The compiled twin in dist/ of a source file, for tests that start it as a process: node runs
 * it as it is, where through tsx every start would transpile the sources again (about a second
 * of a 2-core machine each time). `npm run build` makes dist/ (npm test builds first).
 *
 * A dist/ older than the sources would test yesterday's code, so the first call checks every
 * .ts file of harness/, implementations/ and test/support/ against its .js twin and throws,
 * naming the first stale one, when one is missing or older. npm test sets
 * READSTATE_LAB_DIST_BUILT=1 after building, which skips the check: a file another edit touches
 * while the suite runs must not fail the tests that follow.
 */
export function distFile(sourcePath: string): string {
  checkDistIsFresh();
  return join(root, 'dist', sourcePath.replace(/\.ts$/, '.js'));
}

const root = fileURLToPath(new URL('../..', import.meta.url));
let checked = false;

function checkDistIsFresh(): void {
  if (checked || process.env.READSTATE_LAB_DIST_BUILT === '1') return;
  for (const folder of ['harness', 'implementations', join('test', 'support')]) {
    for (const source of typeScriptFiles(join(root, folder))) {
      const path = relative(root, source);
      const compiled = join(root, 'dist', path.replace(/\.ts$/, '.js'));
      let compiledMs: number;
      try {
        compiledMs = statSync(compiled).mtimeMs;
      } catch {
        throw new Error(`dist/ has no ${relative(root, compiled)}: run npm run build (npm test builds first)`);
      }
      if (compiledMs < statSync(source).mtimeMs) throw new Error(`dist/ is older than ${path}: run npm run build (npm test builds first)`);
    }
  }
  checked = true;
}

function* typeScriptFiles(folder: string): Generator<string> {
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) yield* typeScriptFiles(path);
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) yield path;
  }
}
