#!/usr/bin/env node
// Keeps better-sqlite3's compiled binary in the lab's cache folder, packed as prebuild-install
// (better-sqlite3's installer) names a prebuilt binary, so that the next install on this machine
// unpacks it instead of compiling SQLite from source (about 90 s on 2 cores, more than the rest
// of `npm ci`). prebuild-install looks there when npm_config_better_sqlite3_local_prebuilds
// names the folder (.ci/run sets it); it downloads one from GitHub otherwise, which machines
// without access to GitHub cannot. Run by npm install, after the dependencies are built;
// it never fails the install, and does nothing when the binary is kept already or does not load.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const folder = process.env.npm_config_better_sqlite3_local_prebuilds || join(homedir(), '.cache', 'readstate-lab', 'prebuilds');

try {
  const packageDir = dirname(require.resolve('better-sqlite3/package.json'));
  const { version } = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
  const binary = join('build', 'Release', 'better_sqlite3.node');
  // prebuild-install's name: {name}-v{version}-{runtime}-v{abi}-{platform}{libc}-{arch}.tar.gz,
  // libc empty for glibc (and every other platform), "musl" on musl.
  const musl = process.platform === 'linux' && process.report.getReport().header.glibcVersionRuntime === undefined;
  const name = `better-sqlite3-v${version}-node-v${process.versions.modules}-${process.platform}${musl ? 'musl' : ''}-${process.arch}.tar.gz`;
  const kept = join(folder, name);
  const Database = require('better-sqlite3');
  new Database(':memory:').close();
  if (!existsSync(kept) && existsSync(join(packageDir, binary))) {
    mkdirSync(folder, { recursive: true });
    const partial = `${kept}.${process.pid}.tmp`;
    const packed = spawnSync('tar', ['czf', partial, '-C', packageDir, binary], { encoding: 'utf8' });
    if (packed.status === 0) {
      renameSync(partial, kept);
      process.stdout.write(`readstate-lab: kept better-sqlite3's compiled binary for the next install (${kept})\n`);
    } else rmSync(partial, { force: true });
  }
} catch {
  // A cache, not a step of the install: without it the next install compiles SQLite again.
}
