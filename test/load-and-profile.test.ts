import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { compiledDriverPath } from '../harness/drive/compiled-driver-binary.js';
import type { Results } from '../harness/results/schema.js';
import { referenceUnavailableReason } from '../implementations/reference-services.js';
import { runCli, tempDir } from './support/cli.js';
import { callCli } from './support/cli-in-process.js';
import { startServer } from './support/server-process.js';

describe('readstate-lab load and profile', () => {
  it("loads Node, Go and Rust services open-loop, side by side, and checks each one's store for lost read states", async () => {
    const out = join(tempDir('rsl-load-'), 'out');
    const references = ['go-lru', 'rust-btree'].filter((binary) => referenceUnavailableReason(binary, '') === undefined);
    const contenders = ['naive-map', 'typed-array', ...references];
    const { exitCode, stdout, stderr } = await runCli([
      'load',
      '--impl',
      contenders.join(','),
      '--duration',
      '1',
      '--rate',
      '1000',
      '--capacity',
      '2000',
      '--out',
      out,
    ]);
    assert.equal(exitCode, 0, stderr + stdout);
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as Results;
    // The compiled driver where it is built, else the Node one.
    const driver = existsSync(compiledDriverPath()) ? 'open-loop-compiled' : 'open-loop';
    assert.deepEqual(results.settings.serviceLevel, { connections: 512, target: null, driver });
    assert.deepEqual(
      results.rows.map((row) => row.contender),
      contenders,
    );
    for (const row of results.rows) {
      assert.equal(row.state, 'completed', row.state === 'failed' ? row.reason : '');
      if (row.state !== 'completed') continue;
      assert.equal(row.summary.latency.count, 1000, row.contender);
      const { integrity } = row.measurement;
      assert.equal(integrity.ok, true, integrity.note);
      assert.ok(integrity.statesChecked > 100, `${row.contender}: the store was read back (${integrity.note})`);
      assert.match(integrity.note ?? '', /holds every acknowledged write/);
      assert.ok(
        row.measurement.windows.some((w) => w.cpuPercent > 0 && w.rssBytes > 0),
        `${row.contender}: CPU and memory sampled from outside the process`,
      );
      assert.ok(row.measurement.counters.hits + row.measurement.counters.misses > 0, 'server counters from /stats');
    }
    assert.ok(existsSync(join(out, 'index.html')));
    assert.ok(existsSync(join(out, 'services')) === false, "the services' databases and warm file are removed");
  });

  it('fails a service that loses evicted read states (a planted bug), exit 1', async () => {
    const dir = tempDir('rsl-load-leaky-');
    const leaky = join(dir, 'leaky-cache.mjs');
    const example = readFileSync(fileURLToPath(new URL('../examples/my-cache.mjs', import.meta.url)), 'utf8');
    writeFileSync(leaky, example.replace('if (old.dirty) onEvict(copy(old));', ''));
    const out = join(dir, 'out');
    const { exitCode, stdout, stderr } = await runCli(['load', '--impl', leaky, '--duration', '1', '--rate', '1000', '--capacity', '200', '--out', out]);
    assert.equal(exitCode, 1, stdout);
    // The row's result line is progress, on stderr; the verdict on stdout names the contender.
    assert.match(stderr, /LOST READ STATES: \d+ of \d+ read states in the store after shutdown are outside what the acknowledged requests imply/);
    assert.match(stdout, /states lost: leaky-cache/);
  });

  it('--closed-loop drives autocannon, the contrast, and still checks the store', async () => {
    const out = join(tempDir('rsl-load-closed-'), 'out');
    const { exitCode, stdout, stderr } = await runCli([
      'load',
      '--impl',
      'typed-array',
      '--closed-loop',
      '--connections',
      '8',
      '--duration',
      '1',
      '--rate',
      '1000',
      '--capacity',
      '2000',
      '--out',
      out,
    ]);
    assert.equal(exitCode, 0, stderr + stdout);
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as Results;
    assert.deepEqual(results.settings.serviceLevel, { connections: 8, target: null, driver: 'closed-loop' });
    const row = results.rows[0]!;
    assert.equal(row.state === 'completed' && row.measurement.integrity.ok, true);
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
    const refused = await callCli(['load', '--target', 'http://10.1.2.3:8080']);
    assert.equal(refused.exitCode, 2);
    assert.match(refused.stderr, /--target must be http:\/\/HOST:PORT on this machine/);
  });

  it('profiles the service with clinic doctor and writes its HTML', async () => {
    const out = join(tempDir('rsl-profile-'), 'out');
    const { exitCode, stdout, stderr } = await runCli([
      'profile',
      '--impl',
      'typed-array',
      '--tool',
      'doctor',
      '--duration',
      '2',
      '--capacity',
      '1000',
      '--out',
      out,
    ]);
    assert.equal(exitCode, 0, stderr + stdout);
    const html = /wrote (\S+\.html)/.exec(stdout)?.[1];
    assert.ok(html !== undefined && existsSync(html), stdout);
    assert.match(readFileSync(html, 'utf8').slice(0, 2000), /<html/i);
  });
});
