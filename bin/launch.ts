#!/usr/bin/env node
// Owns: the installed entry point. scripts/bundle.mjs bundles this file as dist/bin/kfchart.js (the bin package.json
// names) and writes in __kfchartBundleId; it sets the V8 heap setting, then runs the CLI (bin/kfchart.ts, bundled
// into dist/bin/chunks/kfchart.cjs) from V8's code cache of the command's earlier runs (engine/cache/code.ts).
// Must not: import anything but Node built-ins and those two small modules (it runs before every command).

import { fileURLToPath } from 'node:url';
import { tuneHeap } from './heap.js';
import { runScriptBundle } from '../engine/cache/code.js';
import { commandWord } from '../engine/cli/command-words.js';

/** A hash of the bundle's contents, written in by scripts/bundle.mjs (esbuild's define). */
declare const __kfchartBundleId: string;

// before the bundle is compiled: the code cache records V8's flags
tuneHeap();
runScriptBundle(fileURLToPath(new URL('./chunks/kfchart.cjs', import.meta.url)), __kfchartBundleId, commandWord(process.argv.slice(2)));
