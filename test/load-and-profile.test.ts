import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Results } from '../harness/results/schema.js';
import { runCli, tempDir } from './support/cli.js';
import { startServer } from './support/server-process.js';

describe('readstate-lab load and profile', () => {
  it('loads every chosen contender over HTTP and writes service-level results and a report', async () => {
    const out = join(tempDir('rsl-load-'), 'out');
    const { exitCode, stdout, stderr } = await runCli([
      'load', '--impl', 'naive-map,typed-array', '--duration', '2', '--rate', '500', '--capacity', '2000', '--connections', '8', '--out', out,
    ]);
    assert.equal(exitCode, 0, stderr + stdout);
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as Results;
    assert.deepEqual(results.settings.serviceLevel, { connections: 8, target: null });
    assert.deepEqual(results.rows.map((row) => row.contender), ['naive-map', 'typed-array']);
    for (const row of results.rows) {
      assert.equal(row.state, 'completed', row.state === 'failed' ? row.reason : '');
      if (row.state !== 'completed') continue;
      assert.equal(row.summary.latency.count, 1000);
      assert.equal(row.measurement.integrity.ok, true, row.measurement.integrity.note);
      assert.ok(row.measurement.windows.length >= 1, 'server memory sampled from /stats');
      assert.ok(row.measurement.counters.hits + row.measurement.counters.misses > 0, 'server counters from /stats');
    }
    assert.ok(existsSync(join(out, 'index.html')));
    assert.match(stdout, /all 2xx/);
  });

  it('loads an outside service given by --target, and refuses targets off this machine', async () => {
    const server = await startServer(['--impl', 'lru-cache', '--capacity', '500', '--gc-mode', 'none']);
    try {
      const out = join(tempDir('rsl-target-'), 'out');
      const { exitCode, stderr } = await runCli(['load', '--target', server.url, '--duration', '1', '--rate', '300', '--out', out]);
      assert.equal(exitCode, 0, stderr);
      const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as Results;
      assert.equal(results.rows[0]?.contender, `external ${server.url}`);
      assert.equal(results.rows[0]?.state, 'completed');
    } finally {
      await server.stop();
    }
    const refused = await runCli(['load', '--target', 'http://10.1.2.3:8080']);
    assert.equal(refused.exitCode, 2);
    assert.match(refused.stderr, /--target must be an http:\/\/ URL on this machine/);
  });

  it('profiles the service with clinic doctor and writes its HTML', async () => {
    const out = join(tempDir('rsl-profile-'), 'out');
    const { exitCode, stdout, stderr } = await runCli(['profile', '--impl', 'typed-array', '--tool', 'doctor', '--duration', '2', '--capacity', '1000', '--out', out]);
    assert.equal(exitCode, 0, stderr + stdout);
    const html = /wrote (\S+\.html)/.exec(stdout)?.[1];
    assert.ok(html !== undefined && existsSync(html), stdout);
    assert.match(readFileSync(html, 'utf8').slice(0, 2000), /<html/i);
  });
});
