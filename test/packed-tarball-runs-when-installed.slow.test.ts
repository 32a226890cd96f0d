import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { tempDir } from './support/cli.js';
import { slowTier } from './support/slow-tier.js';
import { smallScenario } from './support/small-scenario.js';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * The package as a user gets it: `npm pack` (which cleans and builds dist/ through prepack and
 * prepare) on a copy of the working tree, then `npm install <tarball>` in an empty folder and
 * `npx readstate-lab`. What it checks: that `files`, `bin` and the dependencies are complete for
 * the commands to run from node_modules. What it leaves out, to stay near a minute: install
 * scripts. The install prefers npm's cache (installing the lab filled it with every tarball; the
 * registry is asked only for metadata the cache lacks, once) and runs with --ignore-scripts, so
 * better-sqlite3 is not compiled from source (minutes here): its binary is copied from the lab's
 * own node_modules, the same version built for this Node. The lab's own install script (the
 * native addon, the Go and Rust services) does not run either, so those contenders show as
 * unavailable. Without the registry and without that metadata cached, the test is skipped and
 * says so.
 */
describe('the packed tarball, installed in an empty folder', { skip: slowTier }, () => {
  const work = tempDir('rsl-pack-');

  it('runs npx readstate-lab --version, list and a tiny run', { timeout: 240_000 }, async (t) => {
    // A copy of the tracked and new files (not node_modules or dist/), so the shared dist/ of
    // this checkout is left alone; the copy borrows node_modules for the build.
    const source = join(work, 'source');
    const files = (await execa('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], { cwd: root })).stdout.split('\0');
    for (const file of files.filter((f) => f !== '' && existsSync(join(root, f)))) {
      mkdirSync(dirname(join(source, file)), { recursive: true });
      cpSync(join(root, file), join(source, file));
    }
    symlinkSync(join(root, 'node_modules'), join(source, 'node_modules'));
    const packed = await execa('npm', ['pack', '--pack-destination', work, '--silent'], { cwd: source, reject: false });
    assert.equal(packed.exitCode, 0, packed.stderr);
    const tarball = join(work, readdirSync(work).find((name) => name.endsWith('.tgz'))!);

    const user = join(work, 'user');
    mkdirSync(user);
    writeFileSync(join(user, 'package.json'), '{ "name": "someone-elses-project", "private": true }\n');
    const installed = await execa('npm', ['install', '--prefer-offline', '--ignore-scripts', '--no-audit', '--no-fund', tarball], { cwd: user, reject: false });
    if (installed.exitCode !== 0 && /ENOTCACHED|EAI_AGAIN|ENOTFOUND|ECONNREFUSED|ETIMEDOUT/.test(installed.stderr)) {
      const why = 'npm reached neither the registry nor package metadata in its cache';
      process.stderr.write(`SKIPPED the packed-tarball test: ${why}\n`);
      t.skip(why);
      return;
    }
    assert.equal(installed.exitCode, 0, installed.stderr);
    const sqliteBuild = join('node_modules', 'better-sqlite3', 'build', 'Release');
    cpSync(join(root, sqliteBuild), join(user, sqliteBuild), { recursive: true });

    // The package stands alone: the README's links and images resolve inside it, and no source
    // map points at a TypeScript source the package does not hold.
    const installedRoot = join(user, 'node_modules', 'readstate-lab');
    const readme = readFileSync(join(installedRoot, 'README.md'), 'utf8');
    const links = [...readme.matchAll(/\]\((?!https?:|#)([^)#\s]+)(#[^)]*)?\)/g)].map((match) => match[1]!);
    assert.ok(links.length > 5, `the README links its docs: ${links.join(', ')}`);
    for (const link of links) assert.ok(existsSync(join(installedRoot, link)), `README link ${link} resolves in the package`);
    const maps = (await execa('find', [join(installedRoot, 'dist'), '-name', '*.map'])).stdout.trim();
    assert.equal(maps, '', 'no source maps in the package');

    const npx = (args: readonly string[]) => execa('npx', ['--offline', 'readstate-lab', ...args], { cwd: user, reject: false, stdin: 'ignore' });
    const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
    assert.equal((await npx(['--version'])).stdout, version);

    const list = await npx(['list']);
    assert.equal(list.exitCode, 0, list.stderr);
    assert.match(list.stdout, /^naive-map\s+cache\s+yes\s/m);
    assert.match(list.stdout, /^discord-2min\s/m, 'the scenarios are in the package');

    writeFileSync(join(user, 'small.json'), JSON.stringify({ ...smallScenario(), name: 'small' }));
    const run = await npx(['run', '--scenario', 'small.json', '--impl', 'naive-map', '--quiet']);
    assert.equal(run.exitCode, 0, `${run.stderr}\n${run.stdout}`);
    assert.match(run.stdout, /^tail latency under forced GC \(p99\.9\): naive-map /m);
    // Installed, the lab writes its reports where it is run, not inside node_modules.
    assert.ok(existsSync(join(user, 'reports', 'latest', 'index.html')), run.stdout);
    assert.match(run.stdout, /^report: reports\/latest\/index\.html$/m);
  });
});
