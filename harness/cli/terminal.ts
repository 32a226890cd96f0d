import { styleText } from 'node:util';

/** What a command writes to: the standard streams in the CLI, buffers in tests. */
export interface OutputStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
  /** tty.WriteStream's: false when NO_COLOR, NODE_DISABLE_COLORS or TERM=dumb says so. */
  hasColors?(): boolean;
}

/**
 * Colour only for a person at a terminal: a pipe, a file or NO_COLOR gets plain text. Node's
 * hasColors() reads NO_COLOR, NODE_DISABLE_COLORS, FORCE_COLOR and TERM; NO_COLOR is checked
 * here as well so that it wins even where FORCE_COLOR is set too (no-color.org).
 */
export function colorsFor(stream: OutputStream, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return false;
  return stream.isTTY === true && stream.hasColors?.() === true;
}

type Style = Parameters<typeof styleText>[0];

/** `text` in `style` when `enabled`, else unchanged. */
export function paint(style: Style, text: string, enabled: boolean): string {
  return enabled ? styleText(style, text) : text;
}

/**
 * The states a reader must not miss, as the tables and progress lines spell them, and how each
 * stands out: lost read states and failures in red, saturation (the figures are the machine's,
 * not the contender's) in yellow.
 */
const STATE_STYLES: ReadonlyArray<readonly [RegExp, Style]> = [
  [/LOST (READ )?STATES|REQUESTS FAILED|FAILED(: [^|\n]*)?/g, ['bold', 'red']],
  [/SATURATED|\(saturated[^)]*\)/g, ['bold', 'yellow']],
  [/^warning:.*$/gm, 'yellow'],
];

/** `text` (a table, a progress line) with its states coloured when `enabled`. */
export function highlightStates(text: string, enabled: boolean): string {
  if (!enabled) return text;
  let out = text;
  for (const [pattern, style] of STATE_STYLES) out = out.replace(pattern, (match) => styleText(style, match));
  return out;
}

/** Columns when nothing says: a terminal's classic width, and what a pipe into `less` shows. */
const DEFAULT_COLUMNS = 80;

/**
 * How wide the reader's screen is: the terminal's own width, else $COLUMNS (set by shells, and
 * by a user who pipes output and still wants it to fit), else 80.
 */
export function terminalWidth(stream: OutputStream, env: NodeJS.ProcessEnv = process.env): number {
  if (stream.isTTY === true && stream.columns !== undefined && stream.columns > 0) return stream.columns;
  const fromEnv = Number(env['COLUMNS']);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : DEFAULT_COLUMNS;
}

/** `text` cut to `width` characters, its last one an ellipsis when anything was cut. */
export function truncate(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, Math.max(0, width - 1))}…`;
}

/**
 * `text` broken at spaces into lines of at most `width` characters, each after the first led by
 * `indent` so a reader sees where one sentence ends; a word longer than a line (a path) stays whole.
 */
export function wrapWords(text: string, width: number, indent = '  '): string[] {
  if (text.length <= width) return [text];
  const lines: string[] = [];
  let current = '';
  for (const word of wordsOf(text)) {
    const lead = lines.length === 0 ? '' : indent;
    if (current !== '' && lead.length + current.length + 1 + word.length > width) {
      lines.push(`${lead}${current}`);
      current = word;
    } else current = current === '' ? word : `${current} ${word}`;
  }
  lines.push(`${lines.length === 0 ? '' : indent}${current}`);
  return lines;
}

/** A unit after a figure ("532 ms", "8.1 MiB"): kept on the figure's line. */
const UNIT = /^(ns|µs|ms|s|m|h|B|KiB|MiB|GiB|x)\b/;

/** `text`'s words, a figure and its unit as one. */
function wordsOf(text: string): string[] {
  const words: string[] = [];
  for (const word of text.split(' ')) {
    const last = words.at(-1);
    if (last !== undefined && /\d$/.test(last) && UNIT.test(word)) words[words.length - 1] = `${last} ${word}`;
    else words.push(word);
  }
  return words;
}
