// Owns: kfchart's own version, read from package.json (bundled into dist/bin/kfchart.js by esbuild as a constant,
// so reading it costs nothing at start-up), and the tool string release records keep.
// Must not: import anything else.

import pkg from '../package.json' with { type: 'json' };

export const VERSION: string = pkg.version;
/** `kfchart 0.1.0`: ReleaseRecord.applied.tool. */
export const TOOL = `kfchart ${VERSION}`;
