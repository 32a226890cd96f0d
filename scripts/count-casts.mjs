// Counts type assertions in production code with the TypeScript parser: `x as T` and `<T>x` (not
// `as const`), and non-null assertions `x!`. Usage: node scripts/count-casts.mjs [--list] [ROOT]
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

const list = process.argv.includes('--list');
const root = process.argv.slice(2).find((arg) => !arg.startsWith('--')) ?? '.';
const files = [];
const walk = (dir) => {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) files.push(path);
  }
};
for (const folder of ['harness', 'implementations']) walk(join(root, folder));
let casts = 0;
let nonNull = 0;
for (const file of files) {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const visit = (node) => {
    const isConst = (type) => ts.isTypeReferenceNode(type) && type.typeName.getText(source) === 'const';
    if ((ts.isAsExpression(node) || ts.isTypeAssertionExpression(node)) && !isConst(node.type)) {
      casts++;
      if (list)
        console.log(
          `${relative(root, file)}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}: ${node.getText(source).replace(/\s+/g, ' ').slice(0, 100)}`,
        );
    }
    if (ts.isNonNullExpression(node)) nonNull++;
    ts.forEachChild(node, visit);
  };
  visit(source);
}
console.log(`${files.length} files: ${casts} type assertions (as T, <T>x; not as const), ${nonNull} non-null assertions (x!)`);
