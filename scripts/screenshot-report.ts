/**
 * Saves PNG screenshots of an HTML report: the whole page, and each section on its own.
 *
 *   node --import tsx scripts/screenshot-report.ts reports/latest/index.html OUT_DIR [--width 1280] [--dark] [--first-screen NAME.png]
 *
 * With --first-screen, only what a reader sees before scrolling (the window, 900 px high) as
 * OUT_DIR/NAME.png: the verdict, its warnings and the top of the summary.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { launchBrowser } from '../harness/report/browser.js';

const { values, positionals } = parseArgs({
  options: { width: { type: 'string', default: '1280' }, dark: { type: 'boolean', default: false }, 'first-screen': { type: 'string' } },
  allowPositionals: true,
});
const [report, outDir] = positionals;
if (report === undefined || outDir === undefined) {
  process.stderr.write('usage: screenshot-report REPORT.html OUT_DIR [--width PX] [--dark] [--first-screen NAME.png]\n');
  process.exit(2);
}
mkdirSync(outDir, { recursive: true });
const browser = await launchBrowser();
try {
  const page = await browser.context.newPage();
  await page.setViewportSize({ width: Number(values.width), height: 900 });
  await page.emulateMedia({ colorScheme: values.dark ? 'dark' : 'light' });
  await page.goto(pathToFileURL(resolve(report)).href);
  await page.waitForSelector('html[data-charts-drawn="true"]');
  const firstScreen = values['first-screen'];
  if (firstScreen !== undefined) {
    await page.screenshot({ path: join(outDir, firstScreen) });
    process.stdout.write(`wrote ${join(outDir, firstScreen)}\n`);
  } else {
    await page.screenshot({ path: join(outDir, 'report.png'), fullPage: true });
    // Each h2 section on its own: the heading through to the next heading.
    const sections = await page.$$eval('h2', (headings) => headings.map((h) => h.textContent ?? ''));
    for (const [i, title] of sections.entries()) {
      const box = await page.evaluate((index) => {
        const headings = [...document.querySelectorAll('h2')];
        const top = headings[index]!.getBoundingClientRect().top + window.scrollY;
        const next = headings[index + 1];
        const bottom = next ? next.getBoundingClientRect().top + window.scrollY : document.body.scrollHeight;
        return { top, height: bottom - top };
      }, i);
      const name = title
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-|-$/g, '');
      await page.screenshot({ path: join(outDir, `${name}.png`), fullPage: true, clip: { x: 0, y: box.top, width: Number(values.width), height: box.height } });
    }
    process.stdout.write(`wrote ${sections.length + 1} screenshots to ${outDir}\n`);
  }
} finally {
  await browser.close();
}
