// The render budget (issue 12 F11): loops and tpl stop with a clear error instead of running until killed.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { kfErr, r } from './_util.js';

test('nested loops over huge lists stop at the time budget, naming the template line and the knob', () => {
  process.env.KFCHART_RENDER_TIMEOUT = '1';
  try {
    const t0 = Date.now();
    const e = kfErr(() => r('a\n{{#each (until 1000000)}}{{#each (until 1000000)}}{{/each}}{{/each}}'));
    const took = Date.now() - t0;
    assert.match(e.message, /^demo\/templates\/t\.yaml:2: render budget exceeded: rendering took over 1 s .*KFCHART_RENDER_TIMEOUT/);
    assert.ok(took < 10_000, `stopped after ${took} ms`);
  } finally {
    delete process.env.KFCHART_RENDER_TIMEOUT;
  }
});

test('a tpl of nested loops respects the budget too', () => {
  process.env.KFCHART_RENDER_TIMEOUT = '1';
  try {
    const e = kfErr(() => r('{{tpl values.t this}}', { t: '{{#each (until 1000000)}}{{#each (until 1000000)}}x{{/each}}{{/each}}' }));
    assert.match(e.message, /render budget exceeded/);
  } finally {
    delete process.env.KFCHART_RENDER_TIMEOUT;
  }
});

test('output produced by loops is bounded (512 MiB counted at every level)', () => {
  const e = kfErr(() => r('{{#each (until 1000)}}{{#each (until 1000)}}{{@root.values.s}}{{/each}}{{/each}}', { s: 'y'.repeat(600) }));
  assert.match(e.message, /render budget exceeded: loops and tpl produced over 512 MiB/);
});

test('ordinary loops are untouched by the budget', () => {
  assert.is(r('{{#each (until 3)}}{{this}}{{/each}}'), '012');
});

test.run();
