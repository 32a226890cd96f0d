import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { CHROMIUM_PATH, launchBrowser } from '../harness/report/browser.js';
import { formatFigure, formatMs } from '../harness/report/format.js';
import { microTable } from '../harness/report/micro-table.js';
import { renderHtml } from '../harness/report/write-report.js';
import { loadResults } from '../harness/results/results-file.js';
import type { CompletedRow, MicroResults, Results, RowMeasurement, SweepResults } from '../harness/results/schema.js';
import { runCli, smallScenarioFile, tempDir } from './support/cli.js';
import { callCli } from './support/cli-in-process.js';
import { colourDifference, parseColour, type Rgb } from './support/colour-difference.js';

/** What a chart.js chart in the page holds, read from its instance: scales, datasets, legend. */
interface ChartState {
  id: string;
  type: string;
  scales: Record<
    string,
    { type: string; min: number; max: number; top: number; bottom: number; left: number; right: number; ticks: number[]; labels: string[] }
  >;
  datasets: Array<{ label: string; borderColor: string; backgroundColor: string; yAxisID?: string; values: Array<number | null>; pixelsY: number[] }>;
  legend: Array<{ text: string; lineDash: number[]; pointStyle: string }>;
  usePointStyle: boolean;
  gcColors: Record<string, string> | null;
}

async function chartStates(page: Page): Promise<ChartState[]> {
  return page.$$eval('canvas', (canvases) =>
    canvases.flatMap((canvas) => {
      const chart = (window as any).Chart.getChart(canvas);
      if (chart === undefined) return [];
      const scales = Object.fromEntries(
        Object.entries(chart.scales).map(([id, scale]: [string, any]) => [
          id,
          {
            type: scale.type,
            min: scale.min,
            max: scale.max,
            top: scale.top,
            bottom: scale.bottom,
            left: scale.left,
            right: scale.right,
            ticks: scale.ticks.map((t: any) => t.value),
            labels: scale.ticks.map((t: any) => (Array.isArray(t.label) ? t.label.join(' ') : String(t.label ?? ''))),
          },
        ]),
      );
      const datasets = chart.data.datasets.map((d: any, i: number) => ({
        label: d.label,
        borderColor: String(d.borderColor),
        backgroundColor: String(d.backgroundColor),
        yAxisID: d.yAxisID,
        values: d.data.map((p: any) => (typeof p === 'number' ? p : p === null ? null : p.y)),
        pixelsY: chart
          .getDatasetMeta(i)
          .data.filter((el: any) => !el.skip)
          .map((el: any) => el.y),
      }));
      const legend = (chart.legend?.legendItems ?? []).map((item: any) => ({
        text: item.text,
        lineDash: item.lineDash ?? [],
        pointStyle: String(item.pointStyle),
      }));
      return [
        {
          id: canvas.id,
          type: chart.config.type,
          scales,
          datasets,
          legend,
          usePointStyle: Boolean(chart.options.plugins.legend.labels.usePointStyle),
          gcColors: chart.options.plugins.gcMarks?.colors ?? null,
        },
      ];
    }),
  );
}

/** The labels of an axis that are shown (chart.js keeps unlabelled ticks as ''). */
const shownLabels = (scale: ChartState['scales'][string]): string[] => scale.labels.filter((label) => label !== '');

/**
 * Renders a real run's report and loads it in Debian's chromium (installed by .ci/run): no
 * console errors, no network, every chart drawn with data, and the summary table showing the
 * numbers results.json holds.
 */
// Without chromium the suite is skipped with one line saying why, not cancelled with a stack.
const chromiumMissing = existsSync(CHROMIUM_PATH)
  ? undefined
  : `${CHROMIUM_PATH} is missing: apt-get install -y chromium (.ci/run does), or set READSTATE_LAB_CHROMIUM`;
if (chromiumMissing !== undefined) process.stderr.write(`SKIPPED the HTML report's browser tests: ${chromiumMissing}\n`);

describe('the HTML report, in a real browser', { skip: chromiumMissing ?? false }, () => {
  const dir = tempDir('rsl-report-');
  const runDir = join(dir, 'run');
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let results: Results;

  before(async () => {
    // A store that takes 1 ms to answer, so that the report also draws the pressure on the database.
    const scenario = smallScenarioFile(dir, { durationSeconds: 2 });
    const run = await runCli(['run', '--scenario', scenario, '--impl', 'naive-map,typed-array', '--store-latency', 'fixed:1', '--out', runDir]);
    assert.equal(run.exitCode, 0, run.stderr);
    results = JSON.parse(readFileSync(join(runDir, 'results.json'), 'utf8')) as Results;
    browser = await launchBrowser();
  });
  after(async () => browser?.close());

  async function load(file: string, colorScheme: 'light' | 'dark' = 'light') {
    const page = await browser.context.newPage();
    await page.emulateMedia({ colorScheme });
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
    const rows = await page.$$eval('#summary tbody tr', (trs) =>
      trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.querySelector('.figure')?.textContent ?? td.textContent ?? '')),
    );
    const header = await page.$$eval('#summary thead th', (ths) => ths.map((th) => th.textContent ?? ''));
    assert.equal(rows.length, results.contenders.length);
    results.contenders.forEach((contender, i) => {
      const cells = rows[i]!;
      assert.equal(cells[0], contender.contender);
      const shown = (column: number): string => cells[column]!;
      assert.equal(shown(1), formatMs(contender.p50Ms.median));
      assert.equal(shown(2), formatMs(contender.p99Ms.median));
      assert.equal(shown(3), formatMs(contender.p999Ms.median));
      assert.equal(shown(4), formatMs(contender.maxMs.median));
      assert.equal(cells[header.indexOf('check')], 'ok');
    });
    await page.close();
  });

  it('labels every axis with numbers, and ends log axes on a label above the data', async () => {
    const { page } = await load(join(runDir, 'index.html'));
    for (const chart of await chartStates(page)) {
      for (const [id, scale] of Object.entries(chart.scales)) {
        if (id === 'gc') continue; // the GC strip has marks, not values
        const shown = shownLabels(scale);
        assert.ok(shown.length >= 2, `${chart.id} axis ${id}: labels ${JSON.stringify(scale.labels)}`);
        if (scale.type !== 'category') assert.ok(shown.filter((label) => /\d/.test(label)).length >= 2, `${chart.id} axis ${id}: ${shown.join(', ')}`);
      }
      if (chart.scales['y']?.type === 'logarithmic') {
        const values = chart.datasets.flatMap((d) => d.values).filter((v): v is number => v !== null && v > 0);
        assert.ok(Math.max(...values) <= chart.scales['y'].max, `${chart.id}: data above the axis`);
        assert.notEqual(chart.scales['y'].labels.at(-1), '', `${chart.id}: the top of the axis has no label`);
      }
    }
    await page.close();
  });

  it('puts every chart over time on the same seconds and tick step', async () => {
    const { page } = await load(join(runDir, 'index.html'));
    const overTime = (await chartStates(page)).filter((c) => ['latency-', 'gc-cpu-', 'resource-', 'store-pressure-'].some((prefix) => c.id.startsWith(prefix)));
    assert.ok(overTime.length >= 6, `${overTime.length} charts over time`);
    assert.ok(
      overTime.some((c) => c.id.startsWith('store-pressure-')),
      'the pressure on the database is drawn',
    );
    const [first] = overTime;
    for (const chart of overTime) {
      const x = chart.scales['x']!;
      assert.deepEqual([x.min, x.max, x.ticks], [first!.scales['x']!.min, first!.scales['x']!.max, first!.scales['x']!.ticks], chart.id);
    }
    // The range holds every window of every contender.
    const lastWindow = Math.max(
      ...results.rows.flatMap((row) => (row as CompletedRow).summary.windows.filter((w) => w.count > 0).map((w) => w.startMs / 1000)),
    );
    assert.ok(first!.scales['x']!.max >= lastWindow, `x axis ends at ${first!.scales['x']!.max} s, a window starts at ${lastWindow} s`);
    await page.close();
  });

  it('draws the p50 line above the strip of GC marks, with a dashed p99 in the legend', async () => {
    const { page } = await load(join(runDir, 'index.html'));
    const latency = (await chartStates(page)).filter((c) => c.id.startsWith('latency-'));
    assert.ok(latency.length >= 2);
    for (const chart of latency) {
      const strip = chart.scales['gc'];
      const y = chart.scales['y']!;
      assert.ok(strip !== undefined, `${chart.id}: no GC strip`);
      assert.ok(strip.top >= y.bottom - 0.5, `${chart.id}: the GC strip (from ${strip.top}px) overlaps the plot (to ${y.bottom}px)`);
      const p50 = chart.datasets.find((d) => d.label === 'p50')!;
      assert.ok(p50.pixelsY.length > 0, `${chart.id}: p50 has no points`);
      for (const py of p50.pixelsY)
        assert.ok(py <= y.bottom + 0.5 && py < strip.top, `${chart.id}: a p50 point at ${py}px, the GC strip starts at ${strip.top}px`);
      const p99 = chart.legend.find((item) => item.text === 'p99')!;
      assert.ok(chart.usePointStyle && p99.pointStyle === 'line', `${chart.id}: the legend draws boxes`);
      assert.ok(p99.lineDash.length > 0, `${chart.id}: p99's legend line is not dashed`);
    }
    await page.close();
  });

  it("draws under each latency chart the process's CPU and its collector's per window, on the same pixels for the same second", async () => {
    const { page, problems } = await load(join(runDir, 'index.html'));
    assert.deepEqual(problems, []);
    const charts = await chartStates(page);
    const latency = charts.filter((c) => c.id.startsWith('latency-'));
    assert.ok(latency.length >= 2);
    for (const chart of latency) {
      const cpu = charts.find((c) => c.id === chart.id.replace('latency-', 'gc-cpu-'));
      assert.ok(cpu !== undefined, `no CPU chart under ${chart.id}`);
      assert.deepEqual(
        cpu.datasets.map((d) => d.label),
        ['process CPU', 'GC CPU'],
        cpu.id,
      );
      // A Node row's forced GCs pause its thread inside a window: its collector's CPU is above zero there.
      const gcCpu = cpu.datasets[1]!.values.filter((v): v is number => typeof v === 'number');
      assert.ok(
        gcCpu.some((v) => v > 0),
        `${cpu.id}: no GC CPU in ${JSON.stringify(gcCpu)}`,
      );
      const [above, below] = [chart.scales['x']!, cpu.scales['x']!];
      assert.ok(
        Math.abs(above.left - below.left) <= 0.5 && Math.abs(above.right - below.right) <= 0.5,
        `${cpu.id}: x axis from ${below.left} to ${below.right} px, the latency chart's from ${above.left} to ${above.right} px`,
      );
    }
    // Every forced cycle of the results reaches the chart that draws its band.
    const cycles = await page.$$eval('canvas[id^="latency-"]', (canvases) =>
      canvases.map(
        (canvas) => ((window as any).Chart.getChart(canvas).options.plugins.gcMarks.cycles as Array<{ forced: boolean }>).filter((c) => c.forced).length,
      ),
    );
    const forcedCycles = (results.rows as CompletedRow[]).map((row) => (row.measurement.gcCycles ?? []).filter((c) => c.forced).length);
    assert.deepEqual(cycles, forcedCycles);
    assert.ok(
      forcedCycles.every((n) => n > 0),
      `a forced cycle per row: ${forcedCycles.join(', ')}`,
    );
    await page.close();
  });

  it("spans a forced GC's band over its whole cycle with the pause solid inside, and says 'no GC' for a program without a collector", async () => {
    // A Go-like forced cycle of 400 ms around a 0.1 ms pause on the first row; the second row a
    // program without a collector, as rust-btree's.
    const [first, second] = results.rows as CompletedRow[];
    const cycle = { startMs: 500, durationMs: 400, pauseMs: 0.1, forced: true, thread: 'main', source: 'forced-call' as const };
    const pause = { startMs: 880, durationMs: 0.1, kind: 'major' as const, forced: true, thread: 'main' };
    const goLike = { ...first!, measurement: { ...first!.measurement, gcCycles: [cycle], gcEvents: [pause] } };
    const windows = second!.measurement.windows.map(({ gcCpuPercent: _, ...w }) => w);
    const noGc = {
      ...second!,
      measurement: { ...second!.measurement, windows, gcEvents: [], gcCycles: undefined, gcCpuSource: undefined, forcedGcs: [], collectsGarbage: false },
    };
    const file = join(dir, 'cycle-band.json');
    writeFileSync(file, JSON.stringify({ ...results, rows: [goLike, noGc] }));
    const html = join(dir, 'cycle-band.html');
    writeFileSync(html, renderHtml(loadResults(file)));
    const { page, problems } = await load(html);
    assert.deepEqual(problems, []);
    // Pixels of the first latency chart's GC strip, in its forced lane: the band mid-cycle, the pause at 880 ms.
    // (No named functions inside evaluate: tsx would wrap them in a helper the page does not have.)
    const [before, inside, atPause, after] = await page.evaluate(
      (seconds) => {
        const canvas = document.getElementById('latency-0') as HTMLCanvasElement;
        const chart = (window as any).Chart.getChart(canvas);
        const scale = canvas.width / canvas.clientWidth;
        const y = Math.round((chart.scales.gc.top + (chart.scales.gc.bottom - chart.scales.gc.top) / 6) * scale);
        const context = canvas.getContext('2d')!;
        return seconds.map((t) => [...context.getImageData(Math.round(chart.scales.x.getPixelForValue(t) * scale), y, 1, 1).data]);
      },
      [0.37, 0.63, 0.8805, 1.13],
    );
    const lane = { before: before!, inside: inside!, pause: atPause!, after: after! };
    const differs = (a: number[], b: number[]): boolean => a.some((v, i) => Math.abs(v - b[i]!) > 8);
    assert.ok(differs(lane.inside, lane.before), `no band mid-cycle: ${lane.inside} against ${lane.before} before it`);
    assert.ok(!differs(lane.after, lane.before), `the band runs on after the cycle: ${lane.after}`);
    assert.ok(differs(lane.pause, lane.inside), `the pause is not marked inside the band: ${lane.pause} against ${lane.inside}`);
    const cpu = (await chartStates(page)).find((c) => c.id === 'gc-cpu-1')!;
    assert.deepEqual(
      cpu.datasets.map((d) => d.label),
      ['process CPU (no GC)'],
    );
    await page.close();
  });

  it("draws the database's pauses in a lane of their own, labelled with the node, with a legend entry and a GC table line, and holds at 900 px", async () => {
    // A Cassandra node's young pause at 1.5 s and a concurrent cycle, on the first row only.
    const [first, second] = results.rows as CompletedRow[];
    const storeGc = {
      nodes: [
        {
          address: '127.0.0.1',
          collector: 'G1' as const,
          pauses: [{ startMs: 1500, durationMs: 40, kind: 'young' as const, name: 'Pause Young (Normal) (G1 Evacuation Pause)' }],
          cycles: [{ startMs: 600, durationMs: 300, name: 'Concurrent Mark Cycle' }],
        },
      ],
    };
    const withStore = {
      ...results,
      settings: {
        ...results.settings,
        store: 'cassandra',
        cassandra: { contactPoints: ['127.0.0.1'], nodes: 1, consistency: 'one', collector: 'G1', heap: '1g' },
      },
      rows: [{ ...first!, measurement: { ...first!.measurement, storeGc } }, second!],
    };
    const file = join(dir, 'store-gc.json');
    writeFileSync(file, JSON.stringify(withStore));
    const html = join(dir, 'store-gc.html');
    writeFileSync(html, renderHtml(loadResults(file)));
    for (const scheme of ['light', 'dark'] as const) {
      const { page, problems } = await load(html, scheme);
      assert.deepEqual(problems, []);
      // The first chart's strip has four lanes, the last the node's; the second chart's has three.
      const lanes = await page.evaluate(() =>
        ['latency-0', 'latency-1'].map((id) =>
          ((window as any).Chart.getChart(document.getElementById(id)).options.plugins.gcMarks.store as Array<{ label: string }>).map((l) => l.label),
        ),
      );
      assert.deepEqual(lanes, [['Cassandra (G1) 127.0.0.1'], []]);
      const [quiet, atPause, store] = await page.evaluate(
        (seconds) => {
          const canvas = document.getElementById('latency-0') as HTMLCanvasElement;
          const chart = (window as any).Chart.getChart(canvas);
          const scale = canvas.width / canvas.clientWidth;
          const strip = chart.scales.gc;
          const y = Math.round((strip.top + ((strip.bottom - strip.top) * 3.5) / 4) * scale);
          const context = canvas.getContext('2d')!;
          const pixels = seconds.map((t) => [...context.getImageData(Math.round(chart.scales.x.getPixelForValue(t) * scale), y, 1, 1).data]);
          return [...pixels, getComputedStyle(document.documentElement).getPropertyValue('--gc-store').trim()];
        },
        [1.8, 1.51],
      );
      assert.ok(
        colourDifference(parseColour(`rgb(${(atPause as number[]).slice(0, 3).join(',')})`), parseColour(store as string)) < 10,
        `${scheme}: the pause at 1.5 s is ${atPause}, not the store's ${store}`,
      );
      assert.ok(
        (quiet as number[]).some((v, i) => Math.abs(v - (atPause as number[])[i]!) > 8),
        `${scheme}: the lane is ${quiet} where no pause is`,
      );
      assert.match((await page.textContent('.store-gc-legend')) ?? '', /^Cassandra \(G1\) 127\.0\.0\.1: the database's own pauses/);
      const storeLine = await page.$$eval('#gc-table tr.store-gc td', (tds) => tds.map((td) => td.textContent));
      assert.deepEqual(storeLine, [`${first!.contender}: Cassandra (G1) 127.0.0.1`, '1', '-', '40.0 ms', '40.0 ms', '-', '-']);
      await page.setViewportSize({ width: 900, height: 900 });
      await page.waitForTimeout(300);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.equal(overflow, 0, `${scheme}: the page scrolls sideways at 900 px`);
      await page.close();
    }
  });

  it('keeps series colours apart from the GC marks, and the forced-GC band visible, in both colour schemes', async () => {
    for (const scheme of ['light', 'dark'] as const) {
      const { page, problems } = await load(join(runDir, 'index.html'), scheme);
      assert.deepEqual(problems, []);
      const panel = parseColour(await page.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--panel')));
      const latency = (await chartStates(page)).filter((c) => c.id.startsWith('latency-'));
      for (const chart of latency) {
        const marks = chart.gcColors!;
        assert.ok(marks !== null, `${chart.id}: no GC mark colours`);
        const markColours: Array<[string, Rgb]> = [
          ['forced', parseColour(marks['forced']!, panel)],
          ['forcedBand', parseColour(marks['forcedBand']!, panel)],
          ['major', parseColour(marks['major']!, panel)],
          ['minor', parseColour(marks['minor']!, panel)],
        ];
        for (const dataset of chart.datasets) {
          for (const [mark, colour] of markColours) {
            const difference = colourDifference(parseColour(dataset.borderColor, panel), colour);
            assert.ok(
              difference >= 30,
              `${scheme}: ${chart.id} ${dataset.label} (${dataset.borderColor}) is ${difference.toFixed(0)} ΔE from the ${mark} GC mark (${marks[mark]})`,
            );
          }
        }
        // The band, laid over the panel, must stand out from the panel.
        const band = colourDifference(parseColour(marks['forcedBand']!, panel), panel);
        assert.ok(band >= 15, `${scheme}: the forced-GC band is only ${band.toFixed(0)} ΔE from the panel`);
      }
      await page.close();
    }
  });

  it("opens on the verdict: at 1400 px its findings and warnings are on the first screen, in the terminal's words", async () => {
    const { page } = await load(join(runDir, 'index.html'));
    await page.setViewportSize({ width: 1400, height: 900 });
    const box = await page.evaluate(() => {
      const verdict = document.querySelector('#verdict')!.getBoundingClientRect();
      return { top: verdict.top, bottom: verdict.bottom, findings: [...document.querySelectorAll('#verdict li')].map((li) => li.textContent ?? '') };
    });
    assert.ok(box.top >= 0 && box.bottom <= 900, `the verdict runs from ${box.top}px to ${box.bottom}px: not all on the first screen`);
    const summary = readFileSync(join(runDir, 'summary.md'), 'utf8');
    assert.ok(box.findings.length >= 3, box.findings.join('\n'));
    for (const finding of box.findings) assert.ok(summary.includes(`- ${finding}`), `not in summary.md's verdict: ${finding}`);
    await page.close();
  });

  it('holds at 900 px, light and dark: nothing wider than the window, every summary column in view', async () => {
    // Six contenders with long names, as the default run has: the summary's sixteen columns at their widest.
    const names = ['naive-map', 'typed-array', 'lru-cache', 'native', 'partitioned-inheap', 'partitioned'];
    const [first] = results.rows;
    // One of them SATURATED, whose rate cell says so in words.
    const rows = names.map((contender) => {
      const row = first as CompletedRow;
      return contender !== 'partitioned-inheap'
        ? { ...row, contender }
        : { ...row, contender, measurement: { ...row.measurement, drive: { ...row.measurement.drive, saturated: true } } };
    });
    const wide = { ...results, settings: { ...results.settings, contenderNames: names }, rows };
    const file = join(dir, 'six-contenders.json');
    writeFileSync(file, JSON.stringify(wide));
    const html = join(dir, 'six-contenders.html');
    writeFileSync(html, renderHtml(loadResults(file)));
    for (const scheme of ['light', 'dark'] as const) {
      const { page } = await load(html, scheme);
      await page.setViewportSize({ width: 900, height: 900 });
      // Charts redraw on resize: wait a frame or two before measuring.
      await page.waitForTimeout(300);
      const overflow = await page.evaluate(() => {
        const wide = [...document.querySelectorAll('body *')]
          .filter((el) => el.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5 || el.scrollWidth > el.clientWidth + 1)
          .filter((el) => getComputedStyle(el).display !== 'inline' && el.tagName !== 'CANVAS')
          .map(
            (el) =>
              `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}.${el.className} (in #${el.parentElement?.closest('[id]')?.id ?? el.querySelector('[id]')?.id}): right ${el.getBoundingClientRect().right}, scroll ${el.scrollWidth} > ${el.clientWidth}`,
          );
        return { page: document.documentElement.scrollWidth - document.documentElement.clientWidth, wide };
      });
      assert.equal(overflow.page, 0, `${scheme}: the page scrolls sideways`);
      assert.deepEqual(overflow.wide, [], `${scheme}: elements wider than their box`);
      await page.close();
    }
  });

  it('shows GC pause counts as whole numbers', async () => {
    const { page } = await load(join(runDir, 'index.html'));
    const histogram = (await chartStates(page)).find((c) => c.id === 'gc-histogram')!;
    const shown = shownLabels(histogram.scales['y']!);
    assert.ok(shown.length >= 2);
    for (const label of shown) assert.match(label, /^\d+(k|M)?$/, `a count axis label: ${label}`);
    await page.close();
  });

  it('shows allocation and hit/miss figures in every table and draws latency by outcome', async () => {
    const { page } = await load(join(runDir, 'index.html'));
    const header = await page.$$eval('#summary thead th', (ths) => ths.map((th) => th.textContent ?? ''));
    const rows = await page.$$eval('#summary tbody tr', (trs) =>
      trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.querySelector('.figure')?.textContent ?? td.textContent ?? '')),
    );
    for (const column of ['B/request', 'scavenges/100k', 'hit p99.9', 'miss p99'])
      assert.ok(header.includes(column), `no ${column} column: ${header.join(', ')}`);
    results.contenders.forEach((contender, i) => {
      const cell = (name: string): string => rows[i]![header.indexOf(name)]!;
      const row = results.rows.find((r) => r.contender === contender.contender) as CompletedRow;
      assert.equal(cell('B/request'), formatFigure(row.measurement.allocation!.bytesPerRequest));
      assert.equal(cell('scavenges/100k'), formatFigure(row.measurement.allocation!.scavengesPer100k));
      assert.equal(cell('hit p99.9'), formatMs(contender.hitP999Ms.median));
    });
    const outcome = (await chartStates(page)).filter((c) => c.id.startsWith('outcome-'));
    assert.deepEqual(
      outcome.map((c) => c.id),
      ['outcome-hit', 'outcome-miss'],
    );
    for (const chart of outcome) assert.deepEqual(chart.datasets.map((d) => d.label).sort(), results.contenders.map((c) => c.contender).sort(), chart.id);
    await page.close();
    const markdown = readFileSync(join(runDir, 'summary.md'), 'utf8');
    assert.match(markdown, /\| B\/request \| scavenges\/100k \| hit p99\.9 \| miss p99 \|/);

    // Rows that did not measure them: "-", never 0.
    const stripped = {
      ...results,
      rows: results.rows.map((row) => {
        const { allocation: _allocation, ...measurement } = (row as CompletedRow).measurement;
        const { byOutcome: _byOutcome, ...latency } = measurement.latency;
        return { ...row, measurement: { ...measurement, latency } };
      }),
    };
    const file = join(dir, 'without-allocation.json');
    writeFileSync(file, JSON.stringify(stripped));
    const html = join(dir, 'without-allocation.html');
    writeFileSync(html, renderHtml(loadResults(file)));
    const bare = await load(html);
    const bareRows = await bare.page.$$eval('#summary tbody tr', (trs) =>
      trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.querySelector('.figure')?.textContent ?? td.textContent ?? '')),
    );
    for (const row of bareRows) {
      for (const column of ['B/request', 'scavenges/100k', 'hit p99.9', 'miss p99']) assert.equal(row[header.indexOf(column)], '-', `${row[0]} ${column}`);
    }
    assert.equal(await bare.page.$$eval('canvas[id^="outcome-"]', (c) => c.length), 0);
    assert.match((await bare.page.textContent('#outcome-none')) ?? '', /Not measured/);
    await bare.page.close();
  });

  it('says "not measured" instead of charting a figure no series has, and names a load run as such', async () => {
    // What `load --closed-loop` writes for a service that reports no heap: CPU and heap null in
    // every window, a service-level run driven by autocannon.
    const row = results.rows.find((r) => r.state === 'completed') as CompletedRow;
    const windows = row.measurement.windows.map((w) => ({ ...w, cpuPercent: null, heapUsedBytes: null }));
    const loadLike = {
      ...results,
      settings: { ...results.settings, invocation: undefined, serviceLevel: { connections: 10, target: null, driver: 'closed-loop' } },
      rows: [{ ...row, measurement: { ...row.measurement, windows } }],
    };
    const file = join(dir, 'load-like.json');
    writeFileSync(file, JSON.stringify(loadLike));
    const html = join(dir, 'load-like.html');
    writeFileSync(html, renderHtml(loadResults(file)));
    const { page, problems } = await load(html);
    assert.deepEqual(problems, []);
    const ids = (await chartStates(page)).map((c) => c.id);
    assert.ok(!ids.includes('resource-cpu') && !ids.includes('resource-heap'), `charts of nothing: ${ids.join(', ')}`);
    assert.ok(ids.includes('resource-rss'), 'RSS was measured');
    assert.match((await page.textContent('#resource-cpu-none')) ?? '', /CPU: not measured/);
    const text = (await page.textContent('body')) ?? '';
    assert.match(text, /CLOSED loop/);
    assert.doesNotMatch(text, /\(open loop\)/);
    const reproduce = await page.$$eval('dl.settings dt', (dts) => dts.find((dt) => dt.textContent === 'reproduce')?.nextElementSibling?.textContent ?? '');
    assert.match(reproduce, /^readstate-lab load .*--closed-loop/);
    await page.close();
  });

  it('labels the micro and sweep charts readably', async () => {
    const environment = results.environment;
    const micro: MicroResults = {
      schemaVersion: results.schemaVersion,
      kind: 'micro',
      runId: 'fixture',
      createdAt: results.createdAt,
      environment,
      settings: { capacity: 8_000_000, timeMs: 1000, opsPerSample: 1024 },
      rows: [
        {
          contender: 'naive-map',
          state: 'completed',
          fullGcMs: 1140,
          tasks: [{ task: 'read', opsPerSecond: 35_554, meanNsPerOp: 28_126, p99NsPerOp: 643_003, samples: 10 }],
        },
        {
          contender: 'typed-array',
          state: 'completed',
          fullGcMs: 2.2,
          tasks: [{ task: 'read', opsPerSecond: 3_232_238, meanNsPerOp: 309, p99NsPerOp: 348, samples: 10 }],
        },
      ],
    };
    // Values within one decade: the axis still needs numbers.
    const sweep: SweepResults = {
      schemaVersion: results.schemaVersion,
      kind: 'sweep',
      runId: 'fixture',
      createdAt: results.createdAt,
      environment,
      scenario: results.settings.scenario,
      capacities: [1e6, 2e6, 4e6, 8e6],
      points: [1e6, 2e6, 4e6, 8e6].map((capacity, i) => ({
        contender: 'typed-array',
        capacity,
        state: 'completed' as const,
        bytesPerEntry: 49,
        fullGcPauseMs: 4.4 + i * 0.3,
        longestGcMs: 5,
        p99Ms: 0.2 + i * 0.05,
        p999Ms: 3,
        maxMs: 8 + i,
        achievedRate: 10_000,
        saturated: false,
      })),
    };
    // Its table: one unit per column, the full GC's pause in its own column of ms.
    const [microHeader, microCells] = microTable(micro);
    for (const column of ['mean ns/op', 'p99 ns/op', 'full GC ms']) {
      const at = microHeader.indexOf(column);
      for (const row of microCells) assert.match(row[at]!, /^(-|[\d,]+(\.\d+)?)$/, `${column}: ${row.join(' | ')}`);
    }
    assert.deepEqual(
      microCells.map((row) => row[microHeader.indexOf('full GC ms')]),
      ['-', '1,140', '-', '2.2'],
    );
    for (const fixture of [micro, sweep]) {
      const html = join(dir, `${fixture.kind}.html`);
      writeFileSync(html, renderHtml(fixture));
      const { page, problems } = await load(html);
      assert.deepEqual(problems, []);
      for (const chart of await chartStates(page)) {
        const y = chart.scales['y']!;
        const shown = shownLabels(y);
        assert.ok(shown.length >= 2, `${fixture.kind} ${chart.id}: y labels ${JSON.stringify(y.labels)}`);
        const values = chart.datasets.flatMap((d) => d.values).filter((v): v is number => v !== null);
        assert.ok(Math.max(...values) <= y.max && y.labels.at(-1) !== '', `${fixture.kind} ${chart.id}: the data pass the last label`);
        // Labelled y ticks at least a line apart: no collisions.
        const labelled = y.ticks.filter((_, i) => y.labels[i] !== '');
        const pixels = await page.evaluate(
          ({ id, values }) => values.map((v) => (window as any).Chart.getChart(document.getElementById(id)).scales.y.getPixelForValue(v)),
          { id: chart.id, values: labelled },
        );
        for (let i = 1; i < pixels.length; i++)
          assert.ok(Math.abs(pixels[i]! - pixels[i - 1]!) >= 12, `${chart.id}: y labels ${labelled[i - 1]} and ${labelled[i]} collide`);
        if (fixture.kind === 'sweep') assert.deepEqual(chart.scales['x']!.ticks, sweep.capacities, `${chart.id}: x ticks at the capacities measured`);
      }
      await page.close();
    }
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
    assert.match(failed[0]!, /lru-cache.*failed: ran out of memory/i);
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
    // A real row with one part of its measurement replaced (undefined: left out of the JSON).
    const real = results.rows.find((row): row is CompletedRow => row.state === 'completed' && row.contender === 'naive-map')!;
    const rowWith = (parts: Partial<Record<keyof RowMeasurement, unknown>>) => ({ ...real, measurement: { ...real.measurement, ...parts } });
    const cases: Array<[string, RegExp]> = [
      ['{"schemaVersion": 1, "kind": "run"', /: not valid JSON/],
      ['{"schemaVersion": 99, "kind": "run"}', /schemaVersion 99; this lab reads 1 to 2/],
      ['{"schemaVersion": 1, "kind": "poll", "runId": "x", "environment": {}}', /"kind" must be one of run, micro, sweep/],
      [JSON.stringify({ ...results, rows: [rowWith({ drive: undefined })] }), /rows\[0\]\.measurement: missing field "drive"/],
      // The schema's shape holds; the histogram inside does not decode.
      [
        JSON.stringify({ ...results, rows: [rowWith({ latency: { ...real.measurement.latency, overall: 'HISTFAAAnot-a-histogram' } })] }),
        /rows\[0\] \(naive-map\): measurement unreadable/,
      ],
    ];
    for (const [text, message] of cases) {
      const file = join(dir, 'broken.json');
      writeFileSync(file, text);
      const { exitCode, stderr } = await callCli(['report', file, '--out', join(dir, 'broken')]);
      assert.equal(exitCode, 2, stderr);
      assert.match(stderr, message);
      assert.equal(stderr.trim().split('\n').length, 1);
    }
    assert.equal(existsSync(join(dir, 'broken', 'index.html')), false);
  });
});
