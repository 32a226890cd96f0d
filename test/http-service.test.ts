import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Prng } from '../harness/workload/prng.js';
import { referenceUnavailableReason } from '../implementations/reference-services.js';
import { tempDir } from './support/cli.js';
import { call, type ServerProcess, startReference, startServer } from './support/server-process.js';

const BIG = 2 ** 50 + 7;

/**
 * Every service answers the same API with the same semantics and the same 4xx: Node's serve,
 * and the Go and Rust services of references/ (built by npm run build:references; a service
 * whose toolchain is missing here is skipped, with the reason).
 */
const services: ReadonlyArray<{ name: string; contender: string; skip: string | undefined; start: (db: string) => Promise<ServerProcess> }> = [
  {
    name: 'readstate-lab serve (typed-array)',
    contender: 'typed-array',
    skip: undefined,
    start: (db) => startServer(['--impl', 'typed-array', '--capacity', '1000', '--db', db, '--gc-mode', 'none']),
  },
  ...['go-lru', 'go-lru-go1.19', 'rust-btree'].map((binary) => ({
    name: binary,
    contender: binary.startsWith('go-lru') ? 'go-lru' : binary,
    skip: referenceUnavailableReason(binary, 'its toolchain'),
    start: (db: string) => startReference(binary, ['--capacity', '1000', '--db', db]),
  })),
];

for (const service of services)
  describe(`${service.name}: the read-state service over HTTP`, { skip: service.skip }, () => {
    const db = join(tempDir('rsl-serve-'), 'states.sqlite');
    let server: ServerProcess;

    before(async () => {
      server = await service.start(db);
    });
    after(async () => {
      await server?.stop();
    });

    it('answers health', async () => {
      const { status, json } = await call(server.url, 'GET', '/health');
      assert.equal(status, 200);
      assert.equal(json.status, 'ok');
      assert.equal(json.contender, service.contender);
    });

    it('acks, reads, counts mentions and reconnects', async () => {
      const ack = await call(server.url, 'POST', '/acks', { userId: 7, channelId: 70, messageId: BIG });
      assert.equal(ack.status, 200);
      assert.equal(ack.json.lastReadMessageId, BIG);
      const message = await call(server.url, 'POST', '/messages', { authorId: 8, channelId: 70, messageId: BIG + 1, mentions: [7, 9, 7] });
      assert.equal(message.status, 200);
      const read = await call(server.url, 'GET', '/read-states/7/70');
      assert.deepEqual([read.status, read.json.lastReadMessageId, read.json.mentionCount], [200, BIG, 2]);
      const author = await call(server.url, 'GET', '/read-states/8/70');
      assert.equal(author.json.lastReadMessageId, BIG + 1, 'the author has read their own message');
      const reconnect = await call(server.url, 'POST', '/users/7/reconnect', { channelIds: [70, 71] });
      assert.equal(reconnect.status, 200);
      assert.deepEqual(
        reconnect.json.readStates.map((s: any) => [s.channelId, s.lastReadMessageId, s.mentionCount]),
        [
          [70, BIG, 2],
          [71, 0, 0],
        ],
      );
      const cleared = await call(server.url, 'POST', '/acks', { userId: 7, channelId: 70, messageId: BIG + 1 });
      assert.deepEqual([cleared.json.lastReadMessageId, cleared.json.mentionCount], [BIG + 1, 0]);
    });

    it('reports its GCs, latency histograms, memory and counters at /stats', async () => {
      const { status, json } = await call(server.url, 'GET', '/stats');
      assert.equal(status, 200);
      assert.ok(Array.isArray(json.gcEvents));
      assert.equal(typeof json.latency.ack, 'string');
      assert.ok(json.memory.rssBytes > 0);
      assert.ok(json.counters.hits + json.counters.misses > 0);
    });

    it('answers hundreds of malformed requests with a 4xx and changes nothing', async () => {
      const before = await call(server.url, 'GET', '/stats');
      const state = await call(server.url, 'GET', '/read-states/7/70');
      const random = new Prng(99);
      const badIds: unknown[] = [-1, 2 ** 32, 1.5, '7', null, true, [], {}, Number.MAX_SAFE_INTEGER + 2];
      const badPathIds = ['-1', '4294967296', '1.5', 'x', '%20', '99999999999', '0x10'];
      const badMessageIds: unknown[] = [-1, 1.5, '7', null, 2 ** 53, Number.NaN, {}];
      const pick = <T>(items: readonly T[]): T => items[random.nextInt(items.length)]!;
      const requests: Array<[string, string, unknown]> = [];
      for (let i = 0; i < 300; i++) {
        const bad = pick(badIds);
        requests.push(
          pick<[string, string, unknown]>([
            ['POST', '/acks', { userId: bad, channelId: 70, messageId: 5 }],
            ['POST', '/acks', { userId: 7, channelId: 70, messageId: pick(badMessageIds) }],
            ['POST', '/acks', '{"userId": 7, "channelId": 70, "messageId": '],
            ['POST', '/acks', '[1, 2, 3]'],
            ['POST', '/messages', { authorId: 7, channelId: 70, messageId: 9, mentions: [7, bad] }],
            ['POST', '/messages', { authorId: 7, channelId: bad, messageId: 9, mentions: [] }],
            ['POST', '/messages', { authorId: 7, channelId: 70, messageId: 9, mentions: 'all' }],
            ['POST', '/users/7/reconnect', { channelIds: [70, bad] }],
            ['POST', '/users/x/reconnect', { channelIds: [70] }],
            ['GET', `/read-states/${pick(badPathIds)}/70`, undefined],
            ['GET', '/read-states/7', undefined],
            ['DELETE', '/read-states/7/70', undefined],
            ['GET', '/acks', undefined],
            ['POST', '/nowhere', { userId: 7 }],
            ['POST', '/acks', { userId: 7, channelId: 70, messageId: 1, pad: 'x'.repeat(70_000) }],
          ]),
        );
      }
      for (const [method, path, body] of requests) {
        const { status, json } = await call(server.url, method, path, body);
        assert.ok(status >= 400 && status < 500, `${method} ${path} ${JSON.stringify(body)?.slice(0, 80)}: ${status}`);
        assert.equal(typeof json.error, 'string');
      }
      const health = await call(server.url, 'GET', '/health');
      assert.equal(health.json.status, 'ok');
      const after = await call(server.url, 'GET', '/stats');
      assert.equal(
        after.json.counters.hits + after.json.counters.misses,
        before.json.counters.hits + before.json.counters.misses + 1,
        'only the one read below',
      );
      assert.deepEqual((await call(server.url, 'GET', '/read-states/7/70')).json, state.json);
    });

    it('on SIGTERM finishes, writes back every acked state, and a restart serves them', async () => {
      const acked: Array<[number, number, number]> = [];
      for (let user = 100; user < 160; user++) {
        const messageId = BIG + user;
        acked.push([user, user % 7, messageId]);
        const { status } = await call(server.url, 'POST', '/acks', { userId: user, channelId: user % 7, messageId });
        assert.equal(status, 200);
      }
      // Mentions stay dirty in the cache (write-back waits 30 s of scenario time): only the
      // shutdown flush can save them.
      await call(server.url, 'POST', '/messages', { authorId: 1, channelId: 3, messageId: BIG, mentions: [150, 150] });
      const stopped = await server.stop();
      assert.equal(stopped.exitCode, 0, stopped.output);
      server = await service.start(db);
      for (const [user, channel, messageId] of acked) {
        const { json } = await call(server.url, 'GET', `/read-states/${user}/${channel}`);
        assert.equal(json.lastReadMessageId, messageId, `user ${user}`);
      }
      assert.equal((await call(server.url, 'GET', '/read-states/150/3')).json.mentionCount, 2);
    });
  });
