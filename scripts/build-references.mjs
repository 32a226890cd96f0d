#!/usr/bin/env node
// Builds the reference services the lab measures beside the Node contenders, each with its own
// toolchain, into references/build/ (git-ignored):
//   go-lru         Discord's Go design, with the Go on PATH (or /usr/local/go)
//   go-lru-go1.19  the same source with Debian's Go 1.19 (apt-get install golang-go), the Go of 2020
//   rust-btree     Discord's Rust rewrite, with cargo
//   load-driver    the compiled open-loop load driver and null server, with the newest Go
// A missing toolchain skips its service with one line. Each build's own output is shown only
// when it fails.
//
//   node scripts/build-references.mjs            exit 1 if any service with a toolchain fails
//   node scripts/build-references.mjs --optional always exit 0 (npm install)
//   node scripts/build-references.mjs --tests    also compiles their tests (npm run build:references)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const optional = process.argv.includes('--optional');
const withTests = process.argv.includes('--tests');
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'references', 'build');
mkdirSync(out, { recursive: true });

/** The first of these that runs and prints a version, or undefined. */
function findTool(candidates, versionArgs) {
  for (const candidate of candidates) {
    const result = spawnSync(candidate, versionArgs, { encoding: 'utf8' });
    if (result.status === 0) return { path: candidate, version: result.stdout.trim() };
  }
  return undefined;
}

const home = process.env.HOME ?? '';
const builds = [
  {
    name: 'go-lru',
    tool: findTool(['/usr/local/go/bin/go', 'go'], ['env', 'GOVERSION']),
    missing: 'no Go toolchain (install Go, or put go on PATH)',
    args: (go) => [join(root, 'references', 'go-lru', 'build.sh'), go, join(out, 'go-lru')],
  },
  {
    name: 'go-lru-go1.19',
    tool: findTool(['/usr/lib/go-1.19/bin/go'], ['env', 'GOVERSION']),
    missing: "no Go 1.19 (Debian's: apt-get install golang-go)",
    args: (go) => [join(root, 'references', 'go-lru', 'build.sh'), go, join(out, 'go-lru-go1.19')],
  },
  {
    name: 'load-driver',
    tool: findTool(['/usr/local/go/bin/go', 'go'], ['env', 'GOVERSION']),
    missing: 'no Go toolchain (install Go 1.22 or newer, or put go on PATH)',
    args: (go) => [join(root, 'references', 'load-driver', 'build.sh'), go, join(out, 'load-driver')],
  },
  {
    name: 'rust-btree',
    tool: findTool(['cargo', join(home, '.cargo', 'bin', 'cargo')], ['--version']),
    missing: 'no cargo (install Rust with rustup)',
    args: () => [join(root, 'references', 'rust-btree', 'build.sh'), join(out, 'rust-btree')],
  },
];

let failed = 0;
for (const build of builds) {
  if (build.tool === undefined) {
    process.stdout.write(`readstate-lab: skipping ${build.name}: ${build.missing}\n`);
    continue;
  }
  const started = Date.now();
  const env = { ...process.env, PATH: `${dirname(build.tool.path)}:${process.env.PATH ?? ''}` };
  const result = spawnSync('bash', build.args(build.tool.path), { cwd: root, encoding: 'utf8', env });
  if (result.status === 0) {
    // The toolchain's version, for the report: which Go built this binary.
    writeFileSync(join(out, `${build.name}.toolchain`), `${build.tool.version.split('\n')[0]}\n`);
    process.stdout.write(`readstate-lab: built ${build.name} with ${build.tool.version.split('\n')[0]} in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
  } else {
    failed++;
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim();
    if (optional) {
      // npm install goes on without it: the end of the build's output says why, then one line.
      process.stderr.write(`${output.split('\n').slice(-25).join('\n')}\n`);
      process.stdout.write(`readstate-lab: ${build.name} did not build; it will be skipped (npm run build:references shows all of why)\n`);
    } else process.stderr.write(`${output}\nreadstate-lab: ${build.name} did not build\n`);
  }
}
// The services' own tests, compiled with exactly the settings the suite runs them with
// (test/support/reference-test-env.ts, which a .mjs script cannot import), so the suite finds
// them in Go's and cargo's caches instead of compiling them while other tests wait. npm install
// does not: users run the services, not their tests.
const goTestEnv = { GOTOOLCHAIN: 'local', GOFLAGS: '-mod=readonly -modcacherw -buildvcs=false -trimpath', CGO_ENABLED: '1' };
const testBuilds = [
  { name: 'go-lru tests', tool: builds[0].tool, cwd: 'go-lru', args: ['test', '-count=1', '-run', '^$', '.'], env: goTestEnv },
  { name: 'go-lru tests with Go 1.19', tool: builds[1].tool, cwd: 'go-lru', args: ['test', '-count=1', '-run', '^$', '.'], env: goTestEnv },
  {
    name: 'load-driver tests',
    tool: builds[2].tool,
    cwd: 'load-driver',
    args: ['test', '-count=1', '-run', '^$', './...'],
    env: { ...goTestEnv, CGO_ENABLED: '0' },
  },
  {
    name: 'rust-btree tests',
    tool: builds[3].tool,
    cwd: 'rust-btree',
    args: ['test', '--no-run', '--release', '--locked', '--features', 'cassandra'],
    env: { CARGO_TARGET_DIR: join(homedir(), '.cache', 'readstate-lab', 'rust-target') },
  },
];
for (const test of withTests ? testBuilds : []) {
  if (test.tool === undefined) continue;
  const started = Date.now();
  const result = spawnSync(test.tool.path, test.args, { cwd: join(root, 'references', test.cwd), encoding: 'utf8', env: { ...process.env, ...test.env } });
  if (result.status === 0) process.stdout.write(`readstate-lab: compiled ${test.name} in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
  else {
    failed++;
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim();
    process.stderr.write(`${output}\nreadstate-lab: ${test.name} did not compile\n`);
  }
}
if (failed > 0 && !optional) process.exitCode = 1;
if (!existsSync(out)) process.exitCode = 1;
