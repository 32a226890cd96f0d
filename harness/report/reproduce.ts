import type { Results } from '../results/schema.js';
import { closedLoopRun } from './driver-text.js';

/** The command that made the results, without where it wrote them; rebuilt for version-1 files. */
export function reproduceCommand(results: Pick<Results, 'settings'>): string {
  const { invocation } = results.settings;
  if (invocation !== undefined) return ['readstate-lab', ...withoutOutput(invocation)].map(shellQuote).join(' ');
  const s = results.settings.scenario;
  const parts = [
    results.settings.serviceLevel === undefined ? 'readstate-lab run' : 'readstate-lab load',
    `--impl ${results.settings.contenderNames.join(',')}`,
    `--scenario ${s.name}`,
    `--duration ${s.durationSeconds}`,
    `--rate ${s.rate}`,
    `--capacity ${s.capacity}`,
    `--seed ${s.seed}`,
    `--repeat ${results.settings.repeat}`,
  ];
  if (results.settings.serviceLevel === undefined && results.settings.closedLoop) parts.push('--closed-loop');
  if (results.settings.serviceLevel !== undefined) {
    parts.splice(parts.indexOf(`--repeat ${results.settings.repeat}`), 1);
    if (closedLoopRun(results.settings)) parts.push('--closed-loop');
    if (results.settings.serviceLevel.target !== null) parts.push(`--target ${results.settings.serviceLevel.target}`);
  }
  return parts.join(' ');
}

function withoutOutput(args: readonly string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--out') i++;
    else if (!args[i]!.startsWith('--out=')) kept.push(args[i]!);
  }
  return kept;
}

/** A single quote inside single quotes: close them, an escaped quote, open them again. */
const QUOTED_QUOTE = "'\\''";

function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", QUOTED_QUOTE)}'`;
}
