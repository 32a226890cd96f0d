#!/usr/bin/env node
// Builds the native contender's addon (build/Release/readstate_native.node) with node-gyp, against
// the running Node's own headers: node-gyp would otherwise try to download them, which fails on
// machines without internet access. One line when it builds; node-gyp's output only when it fails.
//
//   node scripts/build-native.mjs            build; exit 1 with node-gyp's output on failure
//   node scripts/build-native.mjs --optional build; on failure show the end of node-gyp's output
//                                            and one line, and exit 0 (npm install)
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const optional = process.argv.includes('--optional');
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const started = Date.now();

/** The folder holding include/node for this Node: npm's setting, or this Node's own prefix. */
function nodeHeaders() {
  if (process.env.npm_config_nodedir) return process.env.npm_config_nodedir;
  const prefix = dirname(dirname(process.execPath));
  return existsSync(join(prefix, 'include', 'node', 'node_api.h')) ? prefix : undefined;
}

const nodedir = nodeHeaders();
const args = ['rebuild', ...(nodedir === undefined ? [] : [`--nodedir=${nodedir}`])];
// npm names its bundled node-gyp to lifecycle scripts; run by hand, use the copy beside npm.
const bundled = join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
const nodeGyp = process.env.npm_config_node_gyp ?? (existsSync(bundled) ? bundled : undefined);
const env = { ...process.env, ...(nodedir === undefined ? {} : { npm_config_nodedir: nodedir }) };
const result =
  nodeGyp === undefined
    ? spawnSync('node-gyp', args, { cwd: root, encoding: 'utf8', env })
    : spawnSync(process.execPath, [nodeGyp, ...args], { cwd: root, encoding: 'utf8', env });

// Exit codes go through process.exitCode, not process.exit(), so piped output is not cut short.
const why = nodedir === undefined ? ' (no Node headers found: install the nodejs headers, or set npm_config_nodedir)' : '';
if (result.status === 0) {
  process.stdout.write(`readstate-lab: built the native addon in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
} else if (optional) {
  process.stderr.write(tail(`${result.stdout ?? ''}${result.stderr ?? ''}${result.error?.message ?? ''}`));
  process.stdout.write(`readstate-lab: the native addon did not build${why}; the native contender will be skipped (npm run build:native shows all of why)\n`);
} else {
  process.stderr.write(`${result.stdout ?? ''}${result.stderr ?? ''}${result.error?.message ?? ''}\nreadstate-lab: the native addon did not build${why}\n`);
  process.exitCode = 1;
}

/** The last lines of a tool's output: enough to see why it failed without a screenful of it. */
function tail(output, lines = 25) {
  const kept = output.trimEnd().split('\n').slice(-lines);
  return kept.length === 0 || kept[0] === '' ? '' : `${kept.join('\n')}\n`;
}
