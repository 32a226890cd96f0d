import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../harness/package-root.js';
import { REQUEST_LINE_CHECK_PATH, requestLineCheckSource } from '../harness/results/schemas/request-line-check-source.js';

/** `npm run schema`: writes the generated check of request-log lines from the RequestLine schema; `--check` only says whether it is current. */
const path = join(packageRoot, REQUEST_LINE_CHECK_PATH);
const source = requestLineCheckSource();
if (process.argv.includes('--check')) {
  let committed = '';
  try {
    committed = readFileSync(path, 'utf8');
  } catch {}
  if (committed !== source) {
    console.error(`${REQUEST_LINE_CHECK_PATH} is not generated from the RequestLine schema: run npm run schema`);
    process.exit(1);
  }
} else {
  writeFileSync(path, source);
  console.log(`wrote ${REQUEST_LINE_CHECK_PATH}`);
}
