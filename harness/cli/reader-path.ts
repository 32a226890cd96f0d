import { isAbsolute, relative } from 'node:path';

/** A path as the reader at this shell should type it: relative below the working folder, else absolute. */
export function readerPath(path: string): string {
  const relativePath = relative(process.cwd(), path);
  return relativePath === '' || relativePath.startsWith('..') || isAbsolute(relativePath) ? path : relativePath;
}
