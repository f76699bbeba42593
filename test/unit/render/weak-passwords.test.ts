// The strongPasswordHash helper (issue 12 F5) on its own: values path with the subchart's key, Dex's bcrypt prefixes,
// the allowInsecureDefaults opt-out.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import bcrypt from 'bcryptjs';
import { kfErr, r } from './_util.js';

const strong = '$2b$04$KW12ZMqwMx9AVmFW77rLiOcm7kuGG2BZMx/59sDKMary0PfuJe/jm';
const tpl = '{{#each values.users}}{{strongPasswordHash hash (printf "users[%d].hash" @index) @root.values.allow}}{{/each}}';

const fails = (f: () => unknown): string => kfErr(f).message;

test('strongPasswordHash: a strong hash passes through', () => {
  assert.is(r(tpl, { users: [{ hash: strong }], allow: false }), strong);
});

test('strongPasswordHash: a weak hash is refused naming the values path, in a subchart with its key in front', () => {
  const weak = bcrypt.hashSync('password', 4);
  assert.is(fails(() => r(tpl, { users: [{ hash: strong }, { hash: weak }], allow: false })).split('\n')[0],
    'users[1].hash: is the bcrypt hash of the well-known weak password "password": create a real one with `kfchart hash-password` (or set allowInsecureDefaults: true for a throw-away demo)');
  assert.match(fails(() => r(tpl, { users: [{ hash: weak }], allow: false }, { chartPath: 'kubeflow/charts/dex' })), /^dex\.users\[0\]\.hash: .*set dex\.allowInsecureDefaults: true/);
  assert.is(r(tpl, { users: [{ hash: weak }], allow: true }), weak);
});

test('strongPasswordHash: only $2a$, $2b$, $2y$ (Dex), even with allowInsecureDefaults', () => {
  for (const bad of ['$2$04$KW12ZMqwMx9AVmFW77rLiOcm7kuGG2BZMx/59sDKMary0PfuJe/jm', '$2x$04$KW12ZMqwMx9AVmFW77rLiOcm7kuGG2BZMx/59sDKMary0PfuJe/jm', 'plain', 12]) {
    assert.match(fails(() => r(tpl, { users: [{ hash: bad }], allow: true })), /^users\[0\]\.hash: must be a bcrypt hash with a prefix Dex accepts/);
  }
  for (const p of ['$2a$', '$2y$']) assert.is(r(tpl, { users: [{ hash: strong.replace('$2b$', p) }], allow: false }), strong.replace('$2b$', p));
});

test('strongPasswordHash: the guide\'s hash of 12341234 is known without bcrypt', () => {
  assert.match(fails(() => r(tpl, { users: [{ hash: '$2y$12$4K/VkmDd1q1Orb3xAt82zu8gk7Ad6ReFR4LCP9UeYE90NLiN9Df72' }], allow: false })), /weak password "12341234"/);
});

test.run();
