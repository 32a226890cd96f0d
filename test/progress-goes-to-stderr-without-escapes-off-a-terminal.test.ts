import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { execa } from 'execa';
import { CommandProgress } from '../harness/cli/progress.js';
import { colorsFor, highlightStates } from '../harness/cli/terminal.js';
import { cliArgs, runCli, smallScenarioFile, tempDir } from './support/cli.js';

/** A stream that keeps what is written, as a terminal (isTTY) or a pipe would be seen. */
function fakeStream(tty: boolean, hasColors = true) {
  const chunks: string[] = [];
  return { chunks, isTTY: tty, columns: 200, hasColors: () => hasColors, write: (text: string) => chunks.push(text) };
}

/** An escape sequence, and one that sets a colour or style (SGR). Built from strings: a control character in a regex literal reads as a mistake. */
const ESC = '\u001b';
const ESCAPE = new RegExp(`${ESC}\\[`);
const SGR = new RegExp(`${ESC}\\[[\\d;]*m`);
const EVERY_SGR = new RegExp(SGR.source, 'g');

/**
 * The environment of a person at a colour terminal: Node's tty colour depth reads NO_COLOR,
 * FORCE_COLOR, NODE_DISABLE_COLORS, CI and TERM, and a CI job may set CI or leave TERM unset
 * (both mean "no colour" to Node), so those are dropped and TERM is named.
 */
function atAColourTerminal(env: NodeJS.ProcessEnv): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined && !['NO_COLOR', 'FORCE_COLOR', 'NODE_DISABLE_COLORS', 'CI', 'TERM'].includes(key)) kept[key] = value;
  }
  return { ...kept, TERM: 'xterm-256color' };
}

describe('colours', () => {
  it('only on a terminal that has them, and never with NO_COLOR', () => {
    assert.equal(colorsFor(fakeStream(true), {}), true);
    assert.equal(colorsFor(fakeStream(true), { NO_COLOR: '1' }), false);
    assert.equal(colorsFor(fakeStream(true), { NO_COLOR: '1', FORCE_COLOR: '1' }), false);
    assert.equal(colorsFor(fakeStream(false), {}), false);
    assert.equal(colorsFor(fakeStream(true, false), {}), false);
  });

  it('mark the states a reader must not miss, and leave the text alone when off', () => {
    const line = 'naive-map  1,000 SATURATED  ok\nlru-cache  -  FAILED: crashed';
    assert.equal(highlightStates(line, false), line);
    const painted = highlightStates(line, true);
    assert.match(painted, new RegExp(`${SGR.source}SATURATED`));
    assert.match(painted, new RegExp(`${SGR.source}FAILED: crashed`));
    assert.equal(painted.replace(EVERY_SGR, ''), line, 'only escape codes were added');
  });
});

describe('progress', () => {
  it('off a terminal: one plain line per phase, none for new figures, and a result line per row', () => {
    const stream = fakeStream(false);
    let now = 0;
    const progress = new CommandProgress(2, { stream, quiet: false, now: () => now });
    progress.startRow('naive-map (repetition 1)');
    progress.update('warming 300 read states', { phase: 'warm' });
    progress.update('measuring 2,000 requests at 2,000/s', { phase: 'measure', done: 0, total: 2000 });
    now = 500;
    progress.update('measuring 2,000 requests at 2,000/s', { phase: 'measure', done: 1000, total: 2000, p99Ms: 1.5 });
    now = 4000;
    progress.endRow('p50 298 µs, nothing lost');
    progress.finish();
    const lines = stream.chunks
      .join('')
      .split('\n')
      .filter((line) => line !== '');
    assert.deepEqual(lines, [
      '[1/2] naive-map (repetition 1): starting',
      '[1/2] naive-map (repetition 1): warming 300 read states',
      '[1/2] naive-map (repetition 1): measuring 2,000 requests at 2,000/s',
      '[1/2] naive-map (repetition 1): p50 298 µs, nothing lost (4 s; 4 s left)',
    ]);
    assert.doesNotMatch(stream.chunks.join(''), ESCAPE);
  });

  it('live: redraws one line with requests done, p99 and the ETA of the command, and it fits 80 columns', () => {
    for (const [columns, expected] of [
      // 250 of 1000 in 10 s: 30 s left in the row; the row takes 40 s, two more rows: 110 s in all.
      [80, '\r[1/3] typed-array (repetition 1) · measuring · 25% · all ~1:50 min left'],
      [200, '\r[1/3] typed-array (repetition 1) · measuring · 25% · p99 2.00 ms · 10 s elapsed · 250/1,000 requests · all ~1:50 min left'],
    ] as const) {
      const stream = { ...fakeStream(false), columns };
      let now = 0;
      const progress = new CommandProgress(3, { stream, quiet: false, live: true, colors: false, now: () => now });
      progress.startRow('typed-array (repetition 1)');
      progress.update('measuring', { phase: 'measure', done: 0, total: 1000 });
      now = 10_000;
      progress.update('measuring', { phase: 'measure', done: 250, total: 1000, p99Ms: 2 });
      progress.finish();
      const last = stream.chunks.at(-2)!;
      assert.equal(last, expected);
      assert.ok(last.length - 1 < columns, `${last.length - 1} characters at ${columns} columns`);
    }
  });

  it('live: a long phase is cut before the ETA is, and the ETA only counts down', () => {
    const stream = { ...fakeStream(false), columns: 80 };
    let now = 0;
    const progress = new CommandProgress(3, { stream, quiet: false, live: true, colors: false, now: () => now });
    progress.startRow('partitioned-inheap · node22 (repetition 1)');
    const phase = 'measuring 1,200,000 requests at 10,000/s with a forced GC every 10 s';
    progress.update(phase, { phase: 'measure', done: 0, total: 1000 });
    const shown: number[] = [];
    // Rates that wobble by 10% make the raw estimate rise and fall; what is shown must not rise.
    for (const [t, done] of [
      [10_000, 250],
      [11_000, 265],
      [12_000, 300],
      [13_000, 310],
      [14_000, 350],
    ] as const) {
      now = t;
      progress.update(phase, { phase: 'measure', done, total: 1000 });
      const line = stream.chunks.at(-1)!;
      assert.ok(line.length - 1 < 80, line);
      const eta = /all ~(\d+):(\d+) min left$/.exec(line);
      assert.ok(eta !== null, `the ETA is kept: ${line}`);
      shown.push(Number(eta[1]) * 60 + Number(eta[2]));
    }
    progress.finish();
    for (let i = 1; i < shown.length; i++) assert.ok(shown[i]! <= shown[i - 1]!, `ETA rose: ${shown.join(', ')}`);
  });

  it('quiet: nothing at all', () => {
    const stream = fakeStream(true);
    const progress = new CommandProgress(1, { stream, quiet: true });
    progress.startRow('x');
    progress.update('measuring', { phase: 'measure', done: 1, total: 2 });
    progress.endRow('done');
    progress.finish();
    assert.deepEqual(stream.chunks, []);
  });
});

describe('a run on the command line', () => {
  const dir = tempDir('rsl-output-');
  const scenario = smallScenarioFile(dir);

  it('puts progress on stderr and only the table and the verdict on stdout, with no escape codes in a pipe', async () => {
    const out = join(dir, 'plain');
    const { exitCode, stdout, stderr } = await runCli(['run', '--scenario', scenario, '--impl', 'naive-map', '--out', out]);
    assert.equal(exitCode, 0, stderr);
    assert.match(stderr, /\[1\/1\] naive-map \(repetition 1\): measuring/);
    assert.doesNotMatch(stdout, /\[1\/1\]|warming|measuring/);
    assert.match(stdout, /contender\s+p50\s+p99\s+p99\.9\s+max/);
    // The verdict names the row on tail latency, or, when it fell behind the rate, says so.
    assert.match(stdout, /^(tail latency [^:]*: naive-map |throughput held: .*naive-map)/m);
    assert.match(stdout, new RegExp(`^report: ${join(out, 'index.html').replaceAll('.', '\\.')}$`, 'm'));
    assert.doesNotMatch(stdout + stderr, ESCAPE);
    assert.match(
      readFileSync(join(out, 'summary.md'), 'utf8'),
      /^- (tail latency [^:]*: naive-map |throughput held: .*naive-map)/m,
      'summary.md opens with the verdict',
    );
  });

  it('with --json prints one JSON document on stdout and nothing else; with --quiet too, nothing on stderr', async () => {
    const out = join(dir, 'json');
    const { exitCode, stdout, stderr } = await runCli(['run', '--scenario', scenario, '--impl', 'naive-map', '--json', '--quiet', '--out', out]);
    assert.equal(exitCode, 0, stderr);
    assert.equal(stderr, '');
    const summary = JSON.parse(stdout) as {
      command: string;
      exitCode: number;
      verdict: string[];
      contenders: Array<{ contender: string }>;
      files: { results: string };
    };
    assert.equal(summary.command, 'run');
    assert.equal(summary.exitCode, 0);
    assert.deepEqual(
      summary.contenders.map((c) => c.contender),
      ['naive-map'],
    );
    assert.match(summary.verdict[0]!, /^(tail latency [^:]*: naive-map|throughput held: .*naive-map)/);
    assert.equal(summary.files.results, join(out, 'results.json'));
  });

  it('prints package.json version for --version', async () => {
    const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    const { exitCode, stdout } = await runCli(['--version']);
    assert.equal(exitCode, 0);
    assert.equal(stdout, version);
  });

  it('colours on a terminal, and not with NO_COLOR (list, in a pseudo-terminal from script(1))', async () => {
    const inTerminal = async (env: Record<string, string>) =>
      (
        await execa('script', ['-qec', [process.execPath, ...cliArgs(['list'])].join(' '), '/dev/null'], {
          reject: false,
          stdin: 'ignore',
          cwd: new URL('..', import.meta.url).pathname,
          extendEnv: false,
          env: { ...atAColourTerminal(process.env), ...env },
        })
      ).stdout;
    assert.match(await inTerminal({}), SGR, 'a terminal gets colour');
    assert.doesNotMatch(await inTerminal({ NO_COLOR: '1' }), SGR, 'NO_COLOR: none');
    assert.doesNotMatch((await runCli(['list'])).stdout, SGR, 'a pipe: none');
  });
});
