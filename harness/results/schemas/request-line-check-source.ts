import { TypeCompiler } from '@sinclair/typebox/compiler';
import { RequestLine } from './request-line.js';

/** Where the generated check of a request-log line lives: a module the measuring child loads instead of the schema library. */
export const REQUEST_LINE_CHECK_PATH = 'harness/results/schemas/request-line-check.generated.ts';

/** TypeBox emits the compiled check as JavaScript opening with this line; the module turns it into an exported function. */
const EMITTED_OPENING = 'return function check(value) {';

/**
 * The source of the generated module: the very function TypeCompiler compiles from the
 * RequestLine schema, as text, so checking a line needs no schema library at run time.
 * `npm run schema` writes it; test/request-line-check-is-current.unit.test.ts fails when it is stale.
 */
export function requestLineCheckSource(): string {
  const emitted = TypeCompiler.Code(RequestLine, [], { language: 'javascript' });
  if (!emitted.startsWith(EMITTED_OPENING))
    throw new Error(`TypeCompiler.Code no longer opens with "${EMITTED_OPENING}": adapt ${REQUEST_LINE_CHECK_PATH}'s generator`);
  const body = emitted.slice(EMITTED_OPENING.length);
  return [
    '// Generated from the RequestLine schema (harness/results/schemas/request-line.ts) by npm run schema: do not edit.',
    '// It is TypeCompiler.Compile(RequestLine) as source, so a measuring child checks request-log lines without loading TypeBox.',
    '// It takes any value and narrows it itself; biome.json leaves it as emitted.',
    `export function isRequestLine(value: any): boolean {${body}`,
    '',
  ].join('\n');
}
