#!/usr/bin/env node
/**
 * The installed command. Node reads a module's source map only if source maps are on when the
 * module loads, and main.ts's static imports load before its first line runs: so this file
 * turns them on, then loads the CLI, and a stack trace names the .ts line, not the dist/ one.
 */
process.setSourceMapsEnabled(true);
await import('./main.js');
