// Owns: the sha256 digest (lower-case hex) archives, indexes and caches are checked and named by.
// Must not: import anything but node:crypto (everything in engine/repo uses it, the light index path too).

import { createHash } from 'node:crypto';

export function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}
