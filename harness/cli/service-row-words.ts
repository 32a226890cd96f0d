import { sendLagText } from '../report/driver-text.js';
import type { Row } from '../results/schema.js';

/** A service row's result line in load's progress. */
export function describeServiceRow(row: Row): string {
  if (row.state !== 'completed') return `FAILED: ${row.reason}`;
  const { measurement } = row;
  const { latency, achievedRate, saturated, integrityOk } = row.summary;
  const ms = (value: number): string => (value < 1 ? `${(value * 1000).toFixed(0)} µs` : `${value.toFixed(1)} ms`);
  return (
    `p50 ${ms(latency.p50Ms)}, p99 ${ms(latency.p99Ms)}, p99.9 ${ms(latency.p999Ms)}, max ${ms(latency.maxMs)}, ` +
    `${Math.round(achievedRate).toLocaleString('en-US')}/s${saturated ? ' (saturated or failed requests)' : ''}, ` +
    (measurement.drive.sendLag === undefined ? '' : `sent late by ${sendLagText(measurement.drive.sendLag)}, `) +
    `${integrityOk ? 'nothing lost' : `LOST READ STATES: ${measurement.integrity.note}`}`
  );
}
