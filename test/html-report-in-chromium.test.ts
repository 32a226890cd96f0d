import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { CHROMIUM_PATH, launchBrowser } from '../harness/report/browser.js';
import { formatMs } from '../harness/report/format.js';
import type { Results } from '../harness/results/schema.js';
import { runCli, smallScenarioFile, tempDir } from './support/cli.js';

/**
 * Renders a real run's report and loads it in Debian's chromium (installed by .ci/run): no
 * console errors, no network, every chart drawn with data, and the summary table showing the
 * numbers results.json holds.
 */
describe('the HTML report, in a real browser', () => {
  const dir = tempDir('rsl-report-');
  const runDir = join(dir, 'run');
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let results: Results;

  before(async () => {
    assert.ok(existsSync(CHROMIUM_PATH), `${CHROMIUM_PATH} is missing: apt-get install -y chromium (.ci/run does)`);
    const run = await runCli(['run', '--scenario', smallScenarioFile(dir, { durationSeconds: 2 }), '--impl', 'naive-map,typed-array', '--out', runDir]);
    assert.equal(run.exitCode, 0, run.stderr);
    results = JSON.parse(readFileSync(join(runDir, 'results.json'), 'utf8')) as Results;
    browser = await launchBrowser();
  });
  after(async () => browser?.close());

  async function load(file: string) {
    const page = await browser.context.newPage();
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') problems.push(`console ${message.type()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('requestfailed', (request) => problems.push(`failed request: ${request.url()}`));
    page.on('request', (request) => {
      if (!request.url().startsWith('file:')) problems.push(`network request: ${request.url()}`);
    });
    await page.goto(pathToFileURL(file).href);
    await page.waitForSelector('html[data-charts-drawn="true"]', { timeout: 10_000 });
    return { page, problems };
  }

  it('loads offline with no console errors and no requests but the file itself', async () => {
    const { page, problems } = await load(join(runDir, 'index.html'));
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('draws every chart with data: chart.js holds points and the canvas has ink', async () => {
    const { page } = await load(join(runDir, 'index.html'));
    const charts = await page.$$eval('canvas', (canvases) =>
      canvases.map((canvas) => {
        const chart = (
          window as unknown as { Chart: { getChart(c: HTMLCanvasElement): { data: { datasets: Array<{ data: unknown[] }> } } | undefined } }
        ).Chart.getChart(canvas);
        const context = canvas.getContext('2d')!;
        const pixels = context.getImageData(0, 0, canvas.width, canvas.height).data;
        let ink = 0;
        for (let i = 3; i < pixels.length; i += 4) if (pixels[i]! > 0) ink++;
        return {
          id: canvas.id,
          datasets: chart?.data.datasets.length ?? 0,
          points: chart?.data.datasets.reduce((n, d) => n + d.data.length, 0) ?? 0,
          inkShare: ink / (canvas.width * canvas.height),
        };
      }),
    );
    const ids = charts.map((c) => c.id);
    for (const expected of ['latency-0', 'latency-1', 'spectrum', 'resource-heap', 'resource-rss', 'resource-offheap', 'resource-cpu', 'gc-histogram']) {
      assert.ok(ids.includes(expected), `chart ${expected} missing; have ${ids.join(', ')}`);
    }
    for (const chart of charts) {
      assert.ok(chart.datasets >= 2, `${chart.id}: ${chart.datasets} datasets`);
      assert.ok(chart.points > 2, `${chart.id}: ${chart.points} points`);
      assert.ok(chart.inkShare > 0.02, `${chart.id}: only ${(chart.inkShare * 100).toFixed(2)}% of the canvas drawn`);
    }
    await page.close();
  });

  it('shows in its summary table the figures results.json holds', async () => {
    const { page } = await load(join(runDir, 'index.html'));
    const rows = await page.$$eval('#summary tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')));
    assert.equal(rows.length, results.contenders.length);
    results.contenders.forEach((contender, i) => {
      const cells = rows[i]!;
      assert.equal(cells[0], contender.contender);
      const shown = (column: number): string => cells[column]!.split(' ×')[0]!;
      assert.equal(shown(1), formatMs(contender.p50Ms.median));
      assert.equal(shown(2), formatMs(contender.p99Ms.median));
      assert.equal(shown(3), formatMs(contender.p999Ms.median));
      assert.equal(shown(4), formatMs(contender.maxMs.median));
      assert.equal(cells[8], 'yes');
    });
    await page.close();
  });

  it('shows a crashed contender as a failed row beside the completed ones', async () => {
    const partial = {
      ...results,
      rows: [
        ...results.rows,
        { contender: 'lru-cache', repetition: 1, nodeFlags: [], wallMs: 10, state: 'failed', reason: 'ran out of memory (V8 heap limit)' },
      ],
    };
    const partialDir = join(dir, 'partial');
    const partialFile = join(dir, 'partial.json');
    writeFileSync(partialFile, JSON.stringify(partial));
    const rendered = await runCli(['report', partialFile, '--out', partialDir]);
    assert.equal(rendered.exitCode, 0, rendered.stderr);
    const { page, problems } = await load(join(partialDir, 'index.html'));
    assert.deepEqual(problems, []);
    const failed = await page.$$eval('#summary tr.failed', (trs) => trs.map((tr) => tr.textContent ?? ''));
    assert.equal(failed.length, 1);
    assert.match(failed[0]!, /lru-cache.*failed: ran out of memory/);
    await page.close();
  });

  it('merges two runs of one scenario into one comparison', async () => {
    const mergedDir = join(dir, 'merged');
    const merged = await runCli(['report', runDir, join(runDir, 'results.json'), '--out', mergedDir]);
    assert.equal(merged.exitCode, 0, merged.stderr);
    const mergedResults = JSON.parse(readFileSync(join(mergedDir, 'results.json'), 'utf8')) as Results;
    assert.equal(mergedResults.rows.length, results.rows.length * 2);
    assert.equal(mergedResults.contenders[0]?.completed, 2);
    // In the page: one summary row per contender over both runs, and every run's own latency chart.
    const { page, problems } = await load(join(mergedDir, 'index.html'));
    assert.deepEqual(problems, []);
    const rows = await page.$$eval('#summary tbody tr', (trs) => trs.map((tr) => tr.querySelector('td')?.textContent ?? ''));
    assert.deepEqual(
      rows,
      results.contenders.map((c) => c.contender),
    );
    const titles = await page.$$eval('canvas[id^="latency-"]', (canvases) =>
      (canvases as HTMLCanvasElement[]).map((canvas) => {
        const chart = (
          window as unknown as {
            Chart: {
              getChart(c: HTMLCanvasElement): { options: { plugins: { title: { text: string } } }; data: { datasets: Array<{ data: unknown[] }> } } | undefined;
            };
          }
        ).Chart.getChart(canvas);
        return `${chart?.options.plugins.title.text} ${chart?.data.datasets[0]?.data.length ?? 0}`;
      }),
    );
    const expected = results.contenders.flatMap((c) => [`${c.contender} (run-1) (repetition 1)`, `${c.contender} (run-2) (repetition 1)`]);
    assert.deepEqual(
      titles.map((t) => t.replace(/ \d+$/, '')),
      expected,
    );
    for (const title of titles) assert.ok(Number(title.split(' ').pop()) > 0, `${title}: a chart with points`);
    await page.close();
  });

  it('refuses malformed or foreign results files with one clear line', async () => {
    const cases: Array<[string, RegExp]> = [
      ['{"schemaVersion": 1, "kind": "run"', /: not valid JSON/],
      ['{"schemaVersion": 99, "kind": "run"}', /schemaVersion 99; this lab reads 1 to 2/],
      ['{"schemaVersion": 1, "kind": "poll", "runId": "x", "environment": {}}', /"kind" must be one of run, micro, sweep/],
      [
        JSON.stringify({ ...results, rows: [{ contender: 'naive-map', state: 'completed', measurement: { latency: {} } }] }),
        /rows\[0\] \(naive-map\): measurement unreadable/,
      ],
    ];
    for (const [text, message] of cases) {
      const file = join(dir, 'broken.json');
      writeFileSync(file, text);
      const { exitCode, stderr } = await runCli(['report', file, '--out', join(dir, 'broken')]);
      assert.equal(exitCode, 2, stderr);
      assert.match(stderr, message);
      assert.equal(stderr.trim().split('\n').length, 1);
    }
    assert.equal(existsSync(join(dir, 'broken', 'index.html')), false);
  });
});
