// Owns: the names of Helm's hook events, on their own so that rendering (which sorts hooks out of a manifest) does
// not load the record codec (zlib, the record schema) that record.ts re-exports them beside.
// Must not: import anything.

/** Helm's hook events (`helm.sh/hook` values; `test-success` is read as `test`). */
export const HOOK_EVENTS = [
  'pre-install', 'post-install', 'pre-upgrade', 'post-upgrade', 'pre-rollback', 'post-rollback', 'pre-delete', 'post-delete', 'test',
] as const;
export type HookEvent = (typeof HOOK_EVENTS)[number];
