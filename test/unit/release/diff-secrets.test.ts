// Issue 12 F13: `kfchart diff` says that a hidden Secret value changed, and never prints anything derived from the
// value (an unsalted hash prefix let anyone confirm a guessed weak password).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { objectDiff } from '../../../engine/actions/lifecycle/changes.js';
import type { KObject } from '../../../engine/manifest/index.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const secret = (data: Record<string, string>, field: 'data' | 'stringData' = 'data') =>
  ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'ns' }, [field]: data }) as unknown as KObject;

test('F13: a changed Secret value shows as changed, with no hash or encoding of it', () => {
  const d = objectDiff('v1 Secret ns/s', secret({ password: b64('12341234'), same: b64('x') }), secret({ password: b64('87654321'), same: b64('x') }));
  assert.match(d, /\n-  password: '?\(hidden: 8 bytes\)'?\n\+  password: '?\(hidden: 8 bytes, changed\)'?/);
  for (const pw of ['12341234', '87654321']) {
    const digest = createHash('sha256').update(pw).digest('hex');
    assert.not.ok(d.includes(digest.slice(0, 8)), 'no sha256 prefix');
    assert.not.ok(d.includes(b64(pw)) || d.includes(pw), 'no value');
  }
  assert.not.match(d, /sha256|[0-9a-f]{12}/);
  assert.not.match(d, /[-+]\s+same:/, 'an unchanged key is not a change');
});

test('F13: equal values, added and removed keys, stringData', () => {
  assert.is(objectDiff('x', secret({ a: b64('v') }), secret({ a: b64('v') })), '');
  const added = objectDiff('x', secret({ a: b64('v') }), secret({ a: b64('v'), b: b64('new') }));
  assert.match(added, /\n\+  b: '?\(hidden: 3 bytes\)'?/);
  assert.not.match(added, /changed/);
  const removed = objectDiff('x', secret({ a: b64('v'), b: b64('old') }), secret({ a: b64('v') }));
  assert.match(removed, /\n-  b: '?\(hidden: 3 bytes\)'?/);
  const str = objectDiff('x', secret({ a: 'one' }, 'stringData'), secret({ a: 'two' }, 'stringData'));
  assert.match(str, /\+  a: '?\(hidden: 3 bytes, changed\)'?/);
  assert.is(objectDiff('x', undefined, secret({ a: b64('v') })).includes(b64('v')), false);
});

test.run();
