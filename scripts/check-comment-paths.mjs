#!/usr/bin/env node
// Fails when a comment names a file of this repository that does not exist: a comment that
// points at a moved or deleted file sends the next reader to the wrong place. Run by
// `npm run lint`. It reads the comments of the project's own source (TypeScript, JavaScript,
// Go, Rust, C++, shell) and every path in them that starts with one of the repository's
// top-level folders; `x.js` also counts as found when `x.ts` exists (imports name the
// compiled file). A path the comment means as an example can say so with a `<...>` part.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const FOLDERS = ['harness', 'implementations', 'test', 'docs', 'scripts', 'references', 'scenarios', 'gates', 'examples'];
const PATH = new RegExp(`(?<![\\w./-])(?:${FOLDERS.join('|')})/[\\w./-]*\\w\\.(?:ts|js|mjs|cjs|md|json|go|rs|cc|sh|png|toml)\\b`, 'g');
const SOURCE = /\.(ts|mjs|cjs|js|go|rs|cc|sh)$/;

/** The comment text of one file, line by line: line comments and block comments. */
function commentsOf(text, shell) {
  const comments = [];
  let inBlock = false;
  for (const [i, line] of text.split('\n').entries()) {
    if (shell) {
      const hash = line.indexOf('#');
      if (hash !== -1) comments.push([i + 1, line.slice(hash)]);
      continue;
    }
    let rest = line;
    if (inBlock) {
      const end = rest.indexOf('*/');
      comments.push([i + 1, end === -1 ? rest : rest.slice(0, end)]);
      if (end === -1) continue;
      inBlock = false;
      rest = rest.slice(end + 2);
    }
    const block = rest.indexOf('/*');
    const lineComment = rest.search(/(^|[^:])\/\//);
    if (lineComment !== -1 && (block === -1 || lineComment < block)) {
      comments.push([i + 1, rest.slice(lineComment)]);
    } else if (block !== -1) {
      const end = rest.indexOf('*/', block + 2);
      comments.push([i + 1, end === -1 ? rest.slice(block) : rest.slice(block, end)]);
      inBlock = end === -1;
    }
  }
  return comments;
}

function exists(path) {
  return existsSync(join(root, path)) || (/\.js$/.test(path) && existsSync(join(root, path.replace(/\.js$/, '.ts'))));
}

const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8' })
  .split('\n')
  .filter((file) => SOURCE.test(file) && existsSync(join(root, file)));
const stale = [];
for (const file of files) {
  for (const [line, comment] of commentsOf(readFileSync(join(root, file), 'utf8'), file.endsWith('.sh'))) {
    for (const [path] of comment.matchAll(PATH)) if (!exists(path)) stale.push(`${file}:${line}: names ${path}, which does not exist`);
  }
}
for (const line of stale) process.stderr.write(`${line}\n`);
if (stale.length > 0) {
  process.stderr.write(`check-comment-paths: ${stale.length} comment(s) name files that do not exist\n`);
  process.exitCode = 1;
}
