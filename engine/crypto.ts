// Owns: node:crypto for the modules every `template` loads (render, values, chart), taken on first use instead of
// imported: its first load costs 9-15 ms of a process on Node 24 and 26 (bench/startup.mjs), which a command that
// hashes nothing should not pay. Cache keys do not need it (engine/cache/code.ts textHash).
// Must not: import anything.

export const nodeCrypto = (): typeof import('node:crypto') => process.getBuiltinModule('node:crypto');
