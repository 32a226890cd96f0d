import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { smallScenarioFile, tempDir } from './support/cli.js';
import { callCli, expectRefusedInProcess } from './support/cli-in-process.js';

const systemRuntime = `node${process.versions.node.split('.')[0]}`;
/** A non-system runtime, looked for in an empty runtimes folder: never installed there. */
const missing = systemRuntime === 'node22' ? 'node24' : 'node22';

/** The CLI (in-process), with the runtimes cache pointed at `runtimesDir`. */
const cli = (args: readonly string[], runtimesDir: string) => callCli(args, { READSTATE_LAB_RUNTIMES: runtimesDir });
const refused = (args: readonly string[], runtimesDir: string, message: RegExp) =>
  expectRefusedInProcess(args, message, { READSTATE_LAB_RUNTIMES: runtimesDir });

describe('runtimes: list, and one line for an unknown or missing runtime', () => {
  const dir = tempDir('rsl-runtimes-');
  const emptyCache = join(dir, 'runtimes');
  const scenario = smallScenarioFile(dir);

  it('lists the system Node as installed and every other runtime where it would go', async () => {
    const { exitCode, stdout, stderr } = await cli(['runtimes', 'list'], emptyCache);
    assert.equal(exitCode, 0, stderr);
    const line = (name: string): string => stdout.split('\n').find((l) => l.startsWith(`${name} `)) ?? '';
    assert.match(line(systemRuntime), new RegExp(`^${systemRuntime}\\s+system\\s+${process.version.replace(/\./g, '\\.')}\\s+${process.execPath}`));
    for (const name of [missing, 'bun', 'deno']) assert.match(line(name), new RegExp(`^${name}\\s+no\\s+-\\s+${emptyCache}/${name}`), stdout);
  });

  it('refuses an unknown runtime name in every command that takes --runtime, and in runtimes install', async () => {
    const known = /unknown runtime "nodejs"; runtimes: node\d+, .*bun, deno\b/;
    await refused(['runtimes', 'install', 'nodejs'], emptyCache, known);
    await refused(['run', '--scenario', scenario, '--impl', 'naive-map', '--runtime', `${systemRuntime},nodejs`, '--out', join(dir, 'a')], emptyCache, known);
    await refused(['micro', '--impl', 'naive-map', '--runtime', 'nodejs', '--out', join(dir, 'b')], emptyCache, known);
    await refused(['sweep', '--impl', 'naive-map', '--capacity', '300', '--runtime', 'nodejs', '--out', join(dir, 'c')], emptyCache, known);
    await refused(['load', '--scenario', scenario, '--impl', 'naive-map', '--runtime', 'nodejs', '--out', join(dir, 'd')], emptyCache, known);
  });

  it('names the install command for a runtime that is not installed, before running anything', async () => {
    const notInstalled = new RegExp(`runtime ${missing} is not installed: run readstate-lab runtimes install ${missing}\\b`);
    await refused(
      ['run', '--scenario', scenario, '--impl', 'naive-map', '--runtime', `${systemRuntime},${missing}`, '--out', join(dir, 'e')],
      emptyCache,
      notInstalled,
    );
    await refused(['micro', '--impl', 'naive-map', '--runtime', missing, '--out', join(dir, 'f')], emptyCache, notInstalled);
    await refused(['sweep', '--impl', 'naive-map', '--capacity', '300', '--runtime', missing, '--out', join(dir, 'g')], emptyCache, notInstalled);
    await refused(['load', '--scenario', scenario, '--impl', 'naive-map', '--runtime', missing, '--out', join(dir, 'h')], emptyCache, notInstalled);
  });

  it('refuses runtimes without an action, with an unknown one, and install of the system Node', async () => {
    await refused(['runtimes'], emptyCache, /runtimes needs an action: list, install NAME\.\.\. or remove NAME\.\.\./);
    await refused(['runtimes', 'upgrade', 'bun'], emptyCache, /unknown runtimes action "upgrade"/);
    await refused(['runtimes', 'install'], emptyCache, /runtimes install needs at least one name/);
    await refused(['runtimes', 'install', systemRuntime], emptyCache, new RegExp(`${systemRuntime} is the system Node that runs the lab: nothing to install`));
  });
});
