import type { Results } from '../results/schema.js';
import { serviceDriver } from './driver-text.js';
import { formatCount } from './format.js';
import { buildRunSummary, type RunSummary } from './run-summary.js';
import { GC_COLUMNS_NOTE } from './summary-model.js';
import { renderMarkdownTable, SUMMARY_COLUMNS, summaryTextRows } from './summary-table.js';
import { verdictText } from './verdict.js';

/** What `summary.md` holds: the verdict, the table, then the settings needed to reproduce it. */
export function renderSummaryMarkdown(results: Results, summary: RunSummary = buildRunSummary(results)): string {
  const { settings, environment } = results;
  const s = settings.scenario;
  const gc = s.forcedGc === null ? 'no forced GC' : `forced ${s.forcedGc.mode} GC every ${s.forcedGc.intervalSeconds} s scenario time`;
  return [
    `## ${summary.title}`,
    '',
    // The verdict first: what the run means, then the table it comes from.
    ...verdictText(summary.verdict, { reportPath: 'index.html, beside this file' }).map((line) => `- ${line}`),
    '',
    renderMarkdownTable(SUMMARY_COLUMNS, summaryTextRows(summary.table, true)),
    '',
    ...summary.forcedGcNotes.flatMap((note) => [`> **${note}**`, '']),
    `${formatCount(s.capacity)} cached read states, ${formatCount(s.rate)} requests/s for ${s.durationSeconds} s, ` +
      `time scale ${s.timeScale}x, ${gc}, seed ${s.seed}, ${settings.repeat} repetition(s), ${settings.store} store` +
      `${settings.closedLoop ? ', CLOSED LOOP (latencies hide stalls)' : ''}.`,
    `Store latency: ${summary.settings.storeLatency}.`,
    `Node ${environment.node}, V8 ${environment.v8}, ${environment.cpuCount} x ${environment.cpuModel}. ` +
      (settings.serviceLevel === undefined
        ? "Latencies are medians over repetitions; p50-max are per request, measured from each request's intended start. " +
          'B/request and scavenges/100k: what the measured thread allocated on its heap per request and its scavenges per 100,000 requests; ' +
          'hit p99.9 and miss p99: requests the cache answered at once and requests that waited for the store; "-": not measured.'
        : serviceDriver(settings) !== 'closed-loop'
          ? "Latencies are per request over HTTP, measured from each request's intended start (open loop)."
          : 'Latencies are per request, measured from just before autocannon wrote it to its response (closed loop).'),
    GC_COLUMNS_NOTE,
    ...(summary.settings.machineFloor === undefined ? [] : [`Machine floor: ${summary.settings.machineFloor}.`]),
    ...(summary.settings.driver === undefined ? [] : [`Driver: ${summary.settings.driver}.`]),
    '',
  ].join('\n');
}
